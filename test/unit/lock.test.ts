import { describe, it, expect, afterAll } from 'vitest';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { buildSync } from 'esbuild';
import { acquireLock, processStart, StoreLockedError } from '../../src/store/lock';
import { tempDir } from './helpers';

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const c = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/**
 * RACERS processes that each take a lock path per line on stdin, try
 * acquireLock on it at once and answer "won" or "lost" (holding what they won).
 */
function racers(count: number) {
  const dir = tempDir();
  const bundle = path.join(dir, 'lock.mjs');
  buildSync({ entryPoints: [path.resolve('src/store/lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
  const script = path.join(dir, 'racer.mjs');
  writeFileSync(
    script,
    `import { acquireLock, StoreLockedError } from ${JSON.stringify(bundle)};
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (file) => {
  try { acquireLock(file); console.log('won'); }
  catch (e) { console.log(e instanceof StoreLockedError ? 'lost' : 'error ' + e.message); }
});
console.log('ready');`,
  );
  const procs = Array.from({ length: count }, () => {
    const c = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(c);
    const lines: string[] = [];
    const waiters: Array<(l: string) => void> = [];
    createInterface({ input: c.stdout! }).on('line', (l) => (waiters.length ? waiters.shift()!(l) : lines.push(l)));
    const next = () => new Promise<string>((r) => (lines.length ? r(lines.shift()!) : waiters.push(r)));
    return { c, next };
  });
  return {
    ready: () => Promise.all(procs.map((p) => p.next())),
    /** Every racer tries `file` at the same moment; their answers. */
    race: async (file: string) => {
      for (const p of procs) p.c.stdin!.write(`${file}\n`);
      return Promise.all(procs.map((p) => p.next()));
    },
  };
}

describe('store lock', () => {
  it('a stale lock taken over by 30 processes at once: exactly one wins, every time', async () => {
    const r = racers(30);
    expect(new Set(await r.ready())).toEqual(new Set(['ready']));
    const dead = await deadPid();
    const sleeper = spawn('sleep', ['600']);
    children.push(sleeper);
    // Stale locks as each release wrote them: a bare dead pid, and a live pid whose process started at another time.
    const stale = [String(dead), JSON.stringify({ pid: sleeper.pid, start: 'another-boot:1', token: 'x' })];
    for (let trial = 0; trial < 12; trial++) {
      const file = path.join(tempDir(), 'db.lock');
      writeFileSync(file, stale[trial % 2]!);
      const answers = await r.race(file);
      expect(answers.filter((a) => a === 'won').length, `trial ${trial}: ${answers.join(',')}`).toBe(1);
      expect(answers.filter((a) => a === 'lost').length, `trial ${trial}: ${answers.join(',')}`).toBe(29);
    }
  }, 120_000);

  it('tells a live owner from an unrelated process that got its pid', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'db.lock');
    const sleeper = spawn('sleep', ['600']);
    children.push(sleeper);
    await new Promise((r) => sleeper.once('spawn', r));
    const start = processStart(sleeper.pid!);
    // The lock names the sleeper's pid with the start time it really has: a live server.
    writeFileSync(file, JSON.stringify({ pid: sleeper.pid, start, token: 'a' }));
    if (start !== undefined) expect(() => acquireLock(file)).toThrow(StoreLockedError);
    // The same pid, written by a process that started at another time: the pid was reused, the lock is stale.
    writeFileSync(file, JSON.stringify({ pid: sleeper.pid, start: `${start ?? ''}0`, token: 'b' }));
    const release = acquireLock(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(file)).toBe(false);
  });
});

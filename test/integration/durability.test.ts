// Store durability through the real server: SIGKILL mid-write, concurrency,
// a second server, a corrupt store, a failing disk.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, serve, login, call, form, readDb, answerable, PASSWORD, BACKEND } from './helpers';
import { root, freePort } from '../../scripts/bench/lib';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';
import { loadExam } from '../../src/quiz';
import { token } from '../../src/quiz/random';

const files = readContent(process.cwd());
const scenarios = loadScenarios(files.scenarios);
const bank = loadExam(files.questions, files.blueprint).bank;
const leak = scenarios.get('ceiling-leak')!;
const NO_DEMO = { DEMO_ACTIVITY: '0' };

describe('crash safety', () => {
  it('survives 20 SIGKILLs during concurrent writes: the store always opens and every acknowledged write is there', async () => {
    const dir = dataDir();
    let server = await serve(dir, NO_DEMO);
    const users = ['trainee', 'li.xiaoting', 'sun.hao', 'zhao.min'];
    const cookies = await Promise.all(users.map((u) => login(server.base, u, PASSWORD)));
    // An exam attempt for autosaves: the admin waives the prerequisites for zhao.min (of another site than the trainer's).
    const trainerCookie = await login(server.base, 'trainer', PASSWORD);
    const admin = await login(server.base, 'admin', PASSWORD);
    const db0 = await readDb(dir);
    const zhao = db0.users.find((u: { username: string }) => u.username === 'zhao.min').id;
    expect((await form(server.base, admin, '/trainer/waivers', { userId: zhao, reason: '压测' })).status).toBe(200);
    const start = await form(server.base, cookies[3]!, '/exam', {});
    expect(start.status).toBe(303);
    const attemptId = start.headers.get('location')!.split('/').pop()!;
    const html = await (await fetch(`${server.base}/exam/${attemptId}`, { headers: { cookie: cookies[3]! } })).text();
    // Papers are random: use a true/false question, or a single-choice one when the paper has none.
    const target = answerable(html, (id) => bank.get(id)?.type);
    // A live class vote: three trainees in a started session.
    const names = ['trainee', 'li.xiaoting', 'sun.hao'];
    const voterIds = names.map((n) => db0.users.find((u: { username: string }) => u.username === n).id);
    expect((await form(server.base, trainerCookie, '/trainer/cohorts', { name: '投票班', trainee: voterIds[0]! })).status).toBe(303);
    const voteCohort = (await readDb(dir)).cohorts.find((c: { name: string }) => c.name === '投票班');
    const cohortPage = `/trainer/cohorts/${voteCohort.id}`;
    for (const v of voterIds.slice(1)) {
      // Add the others through the cohort form, as a trainer would.
      expect((await form(server.base, trainerCookie, cohortPage, { action: 'add', trainee: v })).status).toBe(200);
    }
    const sessionId = (await form(server.base, trainerCookie, cohortPage, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = (await readDb(dir)).liveSessions.find((x: { id: string }) => x.id === sessionId).code;
    for (const c of cookies.slice(0, 3)) expect((await call(server.base, c, 'POST', '/api/live/join', { code })).status).toBe(200);
    expect((await call(server.base, trainerCookie, 'POST', `/api/live/${sessionId}/control`, { action: 'start' })).status).toBe(200);
    const choices = leak.def.nodes[leak.def.start]!.choices!.map((c) => c.id);
    /** Per voter: the values the stored vote may have (the last acknowledged one, or a later one that was written but not answered). */
    const mayBe = voterIds.map(() => new Set<string | undefined>([undefined]));

    const acknowledgedPlays = new Set<string>();
    /** Per question: the values the stored answer may have (the last acknowledged, or a later one written but not answered before the kill). */
    const answerMayBe = new Map<string, Set<unknown>>();
    let kills = 0;
    for (let round = 0; round < 20; round++) {
      const writes: Promise<void>[] = [];
      // Each kill comes after at least one write of its round is acknowledged, however slow the machine is.
      let firstAck!: () => void;
      const acknowledged = new Promise<void>((r) => (firstAck = r));
      for (let i = 0; i < 30; i++) {
        const u = i % 3;
        writes.push(
          call(server.base, cookies[u], 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' })
            .then(async (r) => {
              if (r.status === 201) {
                acknowledgedPlays.add((await r.json()).view.playId);
                firstAck();
              }
            })
            .catch(() => {}),
        );
      }
      voterIds.forEach((_, v) => {
        const choiceId = choices[(round + v) % choices.length]!;
        mayBe[v]!.add(choiceId);
        writes.push(
          call(server.base, cookies[v], 'POST', `/api/live/${sessionId}/vote`, { choiceId })
            .then((r) => {
              if (r.ok) mayBe[v] = new Set([choiceId]);
            })
            .catch(() => {}),
        );
      });
      const qid = target.questionId;
      const value = target.values[round % 2];
      if (!answerMayBe.has(qid)) answerMayBe.set(qid, new Set([undefined]));
      answerMayBe.get(qid)!.add(value);
      writes.push(
        call(server.base, cookies[3], 'PUT', `/api/exam/${attemptId}/answers`, { questionId: qid, response: value })
          .then((r) => {
            if (r.ok) answerMayBe.set(qid, new Set([value]));
          })
          .catch(() => {}),
      );
      await Promise.race([acknowledged, Promise.allSettled(writes)]);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 280)));
      const exited = new Promise((r) => server.proc.once('exit', r));
      server.proc.kill('SIGKILL');
      kills++;
      await exited;
      await Promise.allSettled(writes);
      // The file parses, every acknowledged write is in it.
      const db = await readDb(dir);
      const ids = new Set(db.scenarioPlays.map((a: { id: string }) => a.id));
      for (const id of acknowledgedPlays) expect(ids.has(id), `play ${id} lost after kill ${kills}`).toBe(true);
      const exam = db.examAttempts.find((a: { id: string }) => a.id === attemptId);
      for (const [q, allowed] of answerMayBe) {
        // The store keeps authored option ids; the page (and so the test) speaks in the attempt's tokens.
        const stored = typeof exam.answers[q] === 'string' ? token(exam.seed, q, exam.answers[q]) : exam.answers[q];
        expect(allowed.has(stored), `answer ${q} lost after kill ${kills}: ${stored}`).toBe(true);
      }
      const votes = db.liveSessions.find((x: { id: string }) => x.id === sessionId).votes;
      voterIds.forEach((id, v) => expect(mayBe[v]!.has(votes[id]), `vote of ${names[v]} lost after kill ${kills}`).toBe(true));
      server = await serve(dir, NO_DEMO);
    }
    expect(kills).toBe(20);
    expect(acknowledgedPlays.size).toBeGreaterThan(20);
  }, 300_000);
});

describe('concurrency', () => {
  it('1,000 parallel play starts make exactly 1,000 records', async () => {
    const dir = dataDir();
    const server = await serve(dir, NO_DEMO);
    const cookies = await Promise.all(['trainee', 'li.xiaoting', 'zhang.wei', 'zhao.min', 'sun.hao'].map((u) => login(server.base, u, PASSWORD)));
    const before = (await readDb(dir)).scenarioPlays.length;
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        call(server.base, cookies[i % 5], 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' }).then(async (r) => (r.status === 201 ? (await r.json()).view.playId : `status ${r.status}`)),
      ),
    );
    expect(results.filter((r) => r.startsWith('status'))).toEqual([]);
    const db = await readDb(dir);
    expect(db.scenarioPlays.length - before).toBe(1000);
    expect(new Set(db.scenarioPlays.map((a: { id: string }) => a.id)).size).toBe(db.scenarioPlays.length);
    // One open play per person and scenario: each start gave up that person's previous one.
    expect(db.scenarioPlays.filter((p: { end?: string }) => !p.end)).toHaveLength(5);
  }, 120_000);
});

/** Starts a server process and returns how it ended (it should refuse to start). */
async function refusal(dir: string): Promise<{ code: number | null; stderr: string }> {
  // A port the system reports free (a random pick could be a port in use, and fail as EADDRINUSE instead).
  const port = await freePort();
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], { cwd: root, env: { ...process.env, DATA_DIR: dir, PORT: String(port), NODE_ENV: 'test' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.stdout.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

// The rest is about the embedded store's own files (its lock, snapshot and journal); PostgreSQL's faults: postgres-faults.test.ts.
const embeddedOnly = BACKEND === 'embedded' ? describe : describe.skip;

embeddedOnly('refusing to start', () => {
  it('a second server on the same data folder refuses with a clear message', async () => {
    const dir = dataDir();
    await serve(dir, NO_DEMO);
    const second = await refusal(dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/another server \(pid \d+\) is using this data folder/);
  }, 30_000);

  it('a corrupt store stops start-up, points at backups, and is left untouched', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'db.json'), '{"users": [{"id": ');
    const r = await refusal(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be read.*restore a backup \(npm run restore <file>\)/s);
    expect(readFileSync(path.join(dir, 'db.json'), 'utf8')).toBe('{"users": [{"id": ');
  }, 30_000);
});

embeddedOnly('a disk that refuses writes', () => {
  it('answers 503 with a message, keeps what was stored, and resumes by itself once the disk is back', async () => {
    const dir = dataDir();
    const server = await serve(dir, NO_DEMO);
    const cookie = await login(server.base, 'trainee', PASSWORD);
    const before = await readDb(dir);
    // The journal's name now points at something that can be neither appended to nor read, as a failing disk would.
    const log = path.join(dir, 'db.log');
    renameSync(log, `${log}.aside`);
    mkdirSync(log);
    const r = await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' });
    expect(r.status).toBe(503);
    expect((await r.json()).error).toMatch(/暂时无法保存/);
    rmSync(log, { recursive: true });
    renameSync(`${log}.aside`, log);
    expect((await readDb(dir))).toEqual(before);
    // No restart: once the journal is back, writes go through again (a failed reload is retried at most once a second).
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await call(server.base, cookie, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'practice' })).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 100));
      else status = 200;
    }
    expect(status).toBe(200);
  }, 30_000);
});

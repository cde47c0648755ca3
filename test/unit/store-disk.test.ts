// The store against a disk that fills up, turns read-only, or loses its
// journal (issue 15). The real-filesystem tests mount a small tmpfs and an
// ext4 loop image when run as root; otherwise they are skipped with a reason.
import { describe, it, expect, vi, afterEach, beforeAll, afterAll } from 'vitest';
import nodeFs, { copyFileSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStore, readStoreData, StoreWriteError, type Store } from '../../src/store';
import { tempDir, auditOf } from './helpers';

const NOW = '2026-12-01T08:00:00.000Z';
afterEach(() => void vi.restoreAllMocks());

/** Polls `cond` a bounded number of times (a bound, not a timing assertion). */
async function until(cond: () => boolean, what: string, tries = 3000) {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Concurrent writers: each writes audit entries with its own keys and notes which were acknowledged and which refused. */
function writers(store: Store, n: number, pad = 300) {
  const acked = new Set<string>();
  const refused = new Set<string>();
  const other: unknown[] = [];
  let stop = false;
  let paused = false;
  let busy = 0;
  let tag = 'a';
  const loops = Array.from({ length: n }, async (_, w) => {
    for (let i = 0; !stop; i++) {
      if (paused) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      const key = `${tag}-w${w}-${i}`;
      busy++;
      try {
        await store.appendAudit({ at: NOW, actorId: 'writer', action: 'export', targetId: key, details: { pad: 'x'.repeat(pad) } });
        acked.add(key);
      } catch (e) {
        if (e instanceof StoreWriteError) refused.add(key);
        else other.push(e);
        // A refused write comes back at once (after reloading the store): let the rest of the test run.
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        busy--;
      }
    }
  });
  return {
    acked,
    refused,
    other,
    set tag(t: string) {
      tag = t;
    },
    /** Stops issuing writes and waits until none is in flight. */
    async pause() {
      paused = true;
      await until(() => busy === 0, 'writers to pause');
    },
    resume() {
      paused = false;
    },
    async stop() {
      stop = true;
      await Promise.all(loops);
    },
  };
}

describe('a write the disk takes only in part (portable, mocked)', () => {
  it('writes the rest of the line, so the journal reads back whole', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'one' });
    const real = nodeFs.writeSync;
    // The next write takes only half of its buffer, as write(2) does on a filling disk.
    vi.spyOn(nodeFs, 'writeSync').mockImplementationOnce(((fd: number, buf: Buffer, off = 0, len = buf.length - off) => real(fd, buf, off, Math.max(1, len >> 1))) as never);
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'two' });
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'three' });
    await store.close();
    expect(readStoreData(dir).audit.map((a) => a.targetId)).toEqual(['one', 'two', 'three']);
  });

  it('a failed append whose cut-back fails is cut later, and is never read back meanwhile', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'kept' });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    vi.spyOn(nodeFs, 'fdatasync').mockImplementationOnce(((_fd: number, cb: (e: Error) => void) => cb(Object.assign(new Error('input/output error'), { code: 'EIO' }))) as never);
    // The cut fails, and so does its immediate retry.
    const realTruncate = nodeFs.ftruncateSync;
    let truncates = 0;
    vi.spyOn(nodeFs, 'ftruncateSync').mockImplementation(((fd: number, len?: number) => {
      if (truncates++ < 2) throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
      return realTruncate(fd, len);
    }) as never);
    await expect(store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'refused' })).rejects.toBeInstanceOf(StoreWriteError);
    // Memory was reloaded without the line still on disk.
    expect((await auditOf(store)).map((a) => a.targetId)).toEqual(['kept']);
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/could not cut the journal back/);
    // The next write cuts the line off first, then goes through.
    await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'next' });
    await store.close();
    expect(readStoreData(dir).audit.map((a) => a.targetId)).toEqual(['kept', 'next']);
  });
});

describe('a journal deleted or replaced while the store runs', () => {
  it('deleted: notices, saves memory as a new snapshot, and every acknowledged write survives a restart', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const w = writers(store, 4, 50);
    await until(() => w.acked.size >= 100, '100 writes');
    rmSync(path.join(dir, 'db.log'));
    const after = w.acked.size;
    await until(() => w.acked.size >= after + 200, '200 more writes');
    await w.stop();
    await store.close();
    expect(w.other).toEqual([]);
    // The restart opens the store (before: "batches … are missing") and finds every acknowledged write.
    const again = await openStore(dir);
    const found = new Set((await auditOf(again)).map((a) => a.targetId));
    const lost = [...w.acked].filter((k) => !found.has(k));
    expect(lost).toEqual([]);
    await again.close();
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/db\.log was deleted/);
  });

  it('replaced by an older copy: notices, keeps the copy aside, and loses nothing', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const log = path.join(dir, 'db.log');
    const acked: string[] = [];
    for (let i = 0; i < 10; i++) {
      await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `k${i}` });
      acked.push(`k${i}`);
      if (i === 4) copyFileSync(log, `${log}.copy`);
    }
    // As a restore of an old file by hand would: a different file under the same name, missing later batches.
    renameSync(`${log}.copy`, log);
    for (let i = 10; i < 20; i++) {
      await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `k${i}` });
      acked.push(`k${i}`);
    }
    await store.close();
    const again = await openStore(dir);
    expect((await auditOf(again)).map((a) => a.targetId)).toEqual(acked);
    await again.close();
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/db\.log was replaced/);
    expect(readdirSync(dir).some((f) => f.startsWith('db.log.replaced-'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Real small filesystems (root only).

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || String(r.error ?? '')).trim()}`);
}
function canMount(): string | undefined {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not running as root (mounting a small filesystem needs root)';
  const probe = mkdtempSync(path.join(existsSync('/mnt') ? '/mnt' : tmpdir(), 'store-disk-probe-'));
  try {
    sh('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe]);
    sh('umount', [probe]);
  } catch (e: any) {
    return `cannot mount a tmpfs: ${e.message}`;
  } finally {
    rmdirSync(probe);
  }
  return undefined;
}
const noMount = canMount();
if (noMount) console.log(`store-disk: skipping the real-filesystem tests: ${noMount}`);

interface Fs {
  kind: string;
  dir: string;
}
const mounted: string[] = [];
// Mount points live outside the shared temporary folder: a cleanup of /tmp by
// someone else (rm -rf crosses into mounted filesystems) must not empty them mid-test.
const mountBase = existsSync('/mnt') ? '/mnt' : tmpdir();
const images: string[] = [];
function mountTmpfs(size: string): string {
  const dir = mkdtempSync(path.join(mountBase, 'store-disk-tmpfs-'));
  sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  mounted.push(dir);
  return dir;
}
function mountExt4(mb: number): string {
  const img = path.join(mkdtempSync(path.join(mountBase, 'store-disk-img-')), 'fs.img');
  images.push(img);
  sh('truncate', ['-s', `${mb}M`, img]);
  sh('mkfs.ext4', ['-q', '-F', '-m', '0', img]);
  const dir = mkdtempSync(path.join(mountBase, 'store-disk-ext4-'));
  sh('mount', ['-o', 'loop', img, dir]);
  mounted.push(dir);
  return dir;
}
function unmountAll() {
  while (mounted.length) {
    const dir = mounted.pop()!;
    const r = spawnSync('umount', [dir]);
    if (r.status !== 0) spawnSync('umount', ['-l', dir]);
    try {
      rmdirSync(dir);
    } catch {
      /* still busy: left for the system */
    }
  }
  while (images.length) rmSync(path.dirname(images.pop()!), { recursive: true, force: true });
}

/** Fills the filesystem with one file until a write of even one byte fails; returns the bytes it took. */
async function fill(file: string): Promise<number> {
  const h = await fsp.open(file, 'w');
  let total = 0;
  try {
    for (const size of [1 << 16, 4096, 512, 1]) {
      const buf = Buffer.alloc(size, 0x61);
      // Bounded: a 64 MB filesystem at most.
      for (let i = 0; i < (64 << 20) / size; i++) {
        try {
          const { bytesWritten } = await h.write(buf);
          total += bytesWritten;
          if (bytesWritten < size) break;
        } catch (e: any) {
          if (e.code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
    await h.sync().catch(() => {});
  } finally {
    await h.close();
  }
  return total;
}

describe.skipIf(!!noMount)('on a real small filesystem', () => {
  const fss: Fs[] = [];
  beforeAll(() => {
    fss.push({ kind: 'tmpfs', dir: mountTmpfs('4m') }, { kind: 'ext4', dir: mountExt4(16) });
  });
  afterAll(() => unmountAll());

  for (const kind of ['tmpfs', 'ext4']) {
    it(`${kind}: 5 fill/free cycles under concurrent writes lose no acknowledged write, and checkpoints fail safely when full`, async () => {
      const mnt = fss.find((f) => f.kind === kind)!.dir;
      const dir = path.join(mnt, 'data');
      const filler = path.join(mnt, 'filler');
      const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
      // Small checkpoints, so some run (and fail) while the disk is full.
      const store = await openStore(dir, { checkpointBytes: 32 << 10 });
      const w = writers(store, 8, 200);
      const cycles: Array<{ cycle: number; acked: number; refused: number; filler: number }> = [];
      for (let cycle = 0; cycle < 5; cycle++) {
        w.tag = `c${cycle}`;
        const a0 = w.acked.size;
        const r0 = w.refused.size;
        await until(() => w.acked.size >= a0 + 60, `writes before filling (cycle ${cycle})`);
        const took = await fill(filler);
        const r1 = w.refused.size;
        await until(() => w.refused.size >= r1 + 20, `writes refused while full (cycle ${cycle})`);
        // A checkpoint on the full disk fails, and the files on disk still hold every acknowledged write.
        await w.pause();
        await expect(store.checkpoint()).rejects.toThrow();
        const onDisk = new Set(readStoreData(dir).audit.map((a) => a.targetId));
        expect([...w.acked].filter((k) => !onDisk.has(k))).toEqual([]);
        w.resume();
        rmSync(filler);
        const a2 = w.acked.size;
        // No restart: writes go through again once there is room.
        await until(() => w.acked.size >= a2 + 60, `writes after freeing (cycle ${cycle})`);
        cycles.push({ cycle, acked: w.acked.size - a0, refused: w.refused.size - r0, filler: took });
      }
      await w.stop();
      await store.close();
      expect(w.other).toEqual([]);
      expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/ENOSPC/);
      // Reopen as a restart would: the journal reads back whole and holds every acknowledged write, and no refused one.
      const again = await openStore(dir);
      const found = new Set((await auditOf(again)).map((a) => a.targetId));
      await again.close();
      const lost = [...w.acked].filter((k) => !found.has(k));
      const refusedFound = [...w.refused].filter((k) => found.has(k));
      console.log(`store-disk ${kind}: ${JSON.stringify(cycles)}; acknowledged ${w.acked.size}, lost ${lost.length}, refused ${w.refused.size}, refused but stored ${refusedFound.length}`);
      expect(lost).toEqual([]);
      expect(refusedFound).toEqual([]);
      expect(cycles.every((c) => c.refused >= 20)).toBe(true);
    }, 480_000);
  }

  it('tmpfs: a read-only moment is logged, writes are refused meanwhile, and resume by themselves', async () => {
    const mnt = mountTmpfs('8m');
    const dir = path.join(mnt, 'data');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    const w = writers(store, 8);
    const rounds: Array<{ acked: number; refused: number }> = [];
    for (let round = 0; round < 3; round++) {
      w.tag = `r${round}`;
      const a0 = w.acked.size;
      const r0 = w.refused.size;
      await until(() => w.acked.size >= a0 + 100, `writes before read-only (round ${round})`);
      // Remounting read-only needs a moment with no file open for writing.
      await w.pause();
      sh('mount', ['-o', 'remount,ro', mnt]);
      w.resume();
      const r1 = w.refused.size;
      await until(() => w.refused.size >= r1 + 20, `writes refused while read-only (round ${round})`);
      await w.pause();
      sh('mount', ['-o', 'remount,rw', mnt]);
      w.resume();
      const a2 = w.acked.size;
      await until(() => w.acked.size >= a2 + 100, `writes after read-write again (round ${round})`);
      rounds.push({ acked: w.acked.size - a0, refused: w.refused.size - r0 });
    }
    await w.stop();
    await store.close();
    expect(w.other).toEqual([]);
    const logged = errors.mock.calls.map((c) => String(c[0])).join('\n');
    expect(logged).toMatch(/store: could not save a write .*EROFS/);
    expect(logged).toMatch(/store: writes in .* are saved again/);
    const again = await openStore(dir);
    const found = new Set((await auditOf(again)).map((a) => a.targetId));
    await again.close();
    console.log(`store-disk read-only: ${JSON.stringify(rounds)}`);
    expect([...w.acked].filter((k) => !found.has(k))).toEqual([]);
    expect([...w.refused].filter((k) => found.has(k))).toEqual([]);
  }, 120_000);

  it('tmpfs: a journal deleted while the disk is full is refused (memory kept), and saved as a snapshot once there is room', async () => {
    const mnt = mountTmpfs('4m');
    const dir = path.join(mnt, 'data');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const store = await openStore(dir, { checkpointBytes: 1 << 30 });
    const acked: string[] = [];
    for (let i = 0; i < 50; i++) {
      await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: `k${i}`, details: { pad: 'x'.repeat(300) } });
      acked.push(`k${i}`);
    }
    await fill(path.join(mnt, 'filler'));
    rmSync(path.join(dir, 'db.log'));
    // The space the journal had is free again: fill that too.
    await fill(path.join(mnt, 'filler2'));
    await expect(store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'refused' })).rejects.toBeInstanceOf(StoreWriteError);
    await expect(store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'refused2' })).rejects.toThrow(/journal was lost/);
    // Memory is intact meanwhile.
    expect((await auditOf(store)).map((a) => a.targetId).slice(0, 50)).toEqual(acked);
    rmSync(path.join(mnt, 'filler'));
    rmSync(path.join(mnt, 'filler2'));
    let ok = false;
    for (let i = 0; i < 200 && !ok; i++) {
      ok = await store.appendAudit({ at: NOW, actorId: 'a', action: 'export', targetId: 'after' }).then(() => true, () => false);
      if (!ok) await new Promise((r) => setTimeout(r, 20));
    }
    expect(ok).toBe(true);
    await store.close();
    expect(errors.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/saved as a new snapshot/);
    const again = await openStore(dir);
    const found = (await auditOf(again)).map((a) => a.targetId);
    await again.close();
    expect(found.slice(0, 50)).toEqual(acked);
    expect(found).toContain('after');
    expect(existsSync(path.join(dir, 'db.json'))).toBe(true);
  }, 60_000);
});

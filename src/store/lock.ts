import { closeSync, fsyncSync, linkSync, openSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export class StoreLockedError extends Error {}

/** Whether a process with this pid is running (EPERM: it runs under another user). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: any) {
    return e.code === 'EPERM';
  }
};

/**
 * When the process started, as the kernel counts it (field 22 of
 * /proc/<pid>/stat, clock ticks since boot), with the boot it counts from: a
 * pid reused by another process has another start. Undefined where there is no
 * /proc (not Linux) or the process is gone.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    if (!start || !/^\d+$/.test(start)) return undefined;
    return `${bootId() ?? ''}:${start}`;
  } catch {
    return undefined;
  }
}

let boot: string | undefined | null = null;
function bootId(): string | undefined {
  if (boot === null) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = undefined;
    }
  }
  return boot;
}

/** What a lock file says about its owner. Older releases wrote the bare pid. */
export interface LockOwner {
  pid: number;
  /** processStart(pid) when the lock was taken; absent in old locks and where /proc is missing. */
  start?: string;
  /** Random: makes each lock file's content unique. */
  token?: string;
}

export function parseLock(text: string): LockOwner | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t) > 0 ? { pid: Number(t) } : undefined;
  try {
    const o = JSON.parse(t);
    if (o && Number.isInteger(o.pid) && o.pid > 0) return { pid: o.pid, start: typeof o.start === 'string' ? o.start : undefined, token: typeof o.token === 'string' ? o.token : undefined };
  } catch {
    /* not a lock */
  }
  return undefined;
}

/**
 * Whether the process a lock (or hold) names still runs: its pid is alive and,
 * where both start times are known, it is the same process that wrote the
 * lock, not an unrelated one that got the pid later.
 */
export function ownerAlive(o: LockOwner): boolean {
  if (!alive(o.pid)) return false;
  if (o.start === undefined) return true;
  const now = processStart(o.pid);
  return now === undefined || now === o.start;
}

/** The live owner of the lock file, if any. */
export function lockOwner(file: string): LockOwner | undefined {
  try {
    const o = parseLock(readFileSync(file, 'utf8'));
    return o && ownerAlive(o) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Synchronous pause (acquireLock is synchronous; it only waits while another process is mid take-over). */
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const CLAIM = (file: string, ino: number, n: number) => `${file}.${ino}.${n}.claim`;
/** A claim this old was left by a process that died in the middle of a take-over (that takes microseconds). */
const CLAIM_ABANDONED_MS = 10_000;

/**
 * lowdb keeps the whole store in one process's memory, so two servers on one
 * DATA_DIR would overwrite each other. The lock file names the owner (pid,
 * process start time, a random token). It is created whole and exclusively
 * (written to a temporary file, then link()ed to its name), so it never exists
 * half-written. A lock whose owner is gone — or whose pid now belongs to
 * another process — is taken over, by exactly one of the processes trying:
 * each links the stale lock to a claim named after its inode, which only one
 * can create; that one renames its own lock over the stale one, which no one
 * else may remove.
 */
export function acquireLock(file: string): () => void {
  const me: LockOwner = { pid: process.pid, start: processStart(process.pid), token: randomBytes(12).toString('hex') };
  const text = JSON.stringify(me);
  const tmp = `${file}.${process.pid}.${me.token}.new`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const mine = () => {
    try {
      return readFileSync(file, 'utf8') === text;
    } catch {
      return false;
    }
  };
  const won = () => {
    try {
      unlinkSync(tmp);
    } catch {
      /* renamed into place */
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      process.off('exit', release);
      try {
        if (mine()) unlinkSync(file);
      } catch {
        /* already gone */
      }
    };
    process.once('exit', release);
    return release;
  };
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        linkSync(tmp, file);
        return won();
      } catch (e: any) {
        if (e.code !== 'EEXIST') throw e;
      }
      let seen: { ino: number; ctimeMs: number; text: string };
      try {
        const s = statSync(file);
        seen = { ino: s.ino, ctimeMs: s.ctimeMs, text: readFileSync(file, 'utf8') };
      } catch (e: any) {
        if (e.code === 'ENOENT') continue; // released meanwhile: try to create it again
        throw e;
      }
      const owner = parseLock(seen.text);
      if (owner && owner.pid !== process.pid && ownerAlive(owner)) {
        throw new StoreLockedError(`another server (pid ${owner.pid}) is using this data folder (${file}); stop it first, or set DATA_DIR to another folder`);
      }
      // Stale. Claim this very lock file (by its inode): only one process can create the claim.
      let claimed: string | undefined;
      for (let n = 0; n < 5 && !claimed; n++) {
        const claim = CLAIM(file, seen.ino, n);
        try {
          linkSync(file, claim);
        } catch (e: any) {
          if (e.code === 'ENOENT') break; // the lock went meanwhile
          if (e.code !== 'EEXIST') throw e;
          // Another process is taking this lock over; a claim left by one that died is skipped.
          try {
            if (Date.now() - statSync(claim).ctimeMs < CLAIM_ABANDONED_MS) break;
          } catch {
            break;
          }
          continue;
        }
        // The claim is a link to whatever was at `file` then: make sure it was the stale lock we read.
        try {
          const s = statSync(claim);
          if (s.ino === seen.ino && readFileSync(claim, 'utf8') === seen.text) claimed = claim;
          else unlinkSync(claim);
        } catch {
          /* gone */
        }
        if (!claimed) break;
      }
      if (claimed) {
        // Only a claim holder removes a stale lock, so `file` is still the stale one: replace it.
        renameSync(tmp, file);
        for (let n = 0; n < 5; n++) {
          try {
            unlinkSync(CLAIM(file, seen.ino, n));
          } catch {
            /* not there */
          }
        }
        return won();
      }
      pause(2 + (attempt % 10));
    }
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
    throw e;
  }
  try {
    unlinkSync(tmp);
  } catch {
    /* gone */
  }
  throw new StoreLockedError(`could not take the store lock ${file}`);
}


/**
 * Temporary files (`<name>.<pid>.tmp`, `.<name>.<pid>.tmp`, `db.lock.<pid>.<token>.new`)
 * left in `dir` by processes that are gone (a crash mid-write). Those of a
 * running process are left alone: it may be writing them now.
 */
export function removeOrphanedTemp(dir: string): string[] {
  const removed: string[] = [];
  for (const { name, pid } of pidNamedFiles(dir, [/\.(\d+)\.tmp$/, /^db\.lock\.(\d+)\.[0-9a-f]+\.new$/])) {
    if (pid === process.pid || alive(pid)) continue;
    try {
      unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      /* removed meanwhile */
    }
  }
  return removed;
}

/**
 * The files in `dir` whose names carry a process id (the first pattern that
 * matches gives it, as its first group); none when `dir` cannot be read.
 */
export function pidNamedFiles(dir: string, patterns: RegExp[]): Array<{ name: string; pid: number }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    for (const re of patterns) {
      const m = re.exec(name);
      if (m) return [{ name, pid: Number(m[1]) }];
    }
    return [];
  });
}

import nodeFs, { constants, existsSync, renameSync, statSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import type { DbData } from './types';
import { LOG, OLD_LOG, fsyncDir, fsyncDirSync, loadFromDisk, writeSnapshot, type Loaded } from './journal';

/** db.log is not the file this store has been appending to: its batches cannot be trusted to be on disk. */
export class JournalLostError extends Error {}

/**
 * lowdb adapter for a snapshot plus journal (see journal.ts). `read` loads the
 * snapshot and replays the journal; `write` is a checkpoint: it starts a new
 * journal, writes the whole store as the new snapshot and drops the journal
 * the snapshot covers. Between checkpoints, changes go through `append`.
 */
export class SnapshotJournal implements Adapter<DbData> {
  /** Number of the last batch on disk. */
  seq = 0;
  /** The last load's details (torn tail, sizes). */
  loaded?: Loaded;
  snapshotBytes = 0;
  /** Journal bytes written since the last checkpoint began (both files). */
  logBytes = 0;
  /** Size of db.log as this store wrote it. */
  private logSize = 0;
  private logExists = false;
  /** Which file db.log is (device and inode), to notice it being deleted or replaced. */
  private ident: { dev: number; ino: number } | undefined;
  private readonly log: string;
  private readonly oldLog: string;

  constructor(
    private readonly dataDir: string,
    private readonly empty: () => DbData,
  ) {
    this.log = path.join(dataDir, LOG);
    this.oldLog = path.join(dataDir, OLD_LOG);
  }

  /** Loads synchronously (so nothing can run between reading and replacing memory). */
  load(): Record<string, any> {
    // A failed append not cut off yet is left out: it was never acknowledged.
    const l = loadFromDisk(this.dataDir, this.empty, this.cutPending);
    this.loaded = l;
    this.seq = l.seq;
    this.snapshotBytes = l.snapshotBytes;
    this.logBytes = l.logBytes;
    this.logExists = existsSync(this.log);
    const st = this.logExists ? statSync(this.log) : undefined;
    this.ident = st && { dev: st.dev, ino: st.ino };
    this.logSize = this.cutPending ?? l.tornAt ?? st?.size ?? 0;
    return l.data;
  }

  async read(): Promise<DbData | null> {
    return this.load() as DbData;
  }

  /** Cuts a torn last line (a crash mid-append) off db.log, so the next batch starts on a fresh line. */
  async dropTornTail() {
    if (this.loaded?.tornAt === undefined) return;
    await fs.truncate(this.log, this.loaded.tornAt);
    this.logSize = this.loaded.tornAt;
    this.loaded.tornAt = undefined;
  }

  /**
   * Appends one batch of serialised ops and flushes it to disk; resolves only
   * once it is durable. Opening and writing are synchronous (they only reach
   * the page cache, microseconds); the flush runs off the event loop, so a
   * batch needs a single round trip through the thread pool.
   *
   * Every byte of the line is written or the append fails (a write to a
   * filling disk can take part of a buffer without an error). A failed append
   * cuts db.log back to its size measured just before it; when even that
   * fails, `cutPending` keeps the size to cut back to (see `retryCut`).
   * Throws JournalLostError, writing nothing, when db.log is no longer the
   * file this store has been appending to (deleted, replaced, or changed by
   * something else), and also when it was deleted or replaced during the append.
   */
  async append(ops: string[]): Promise<void> {
    if (this.cutPending !== undefined) throw new Error(`db.log still has to be cut back to ${this.cutPending} bytes`);
    const line = Buffer.from(`{"b":${this.seq + 1},"ops":[${ops.join(',')}]}\n`);
    const created = !this.logExists;
    let fd: number;
    try {
      // Never create a journal that should exist: a missing one means its batches are gone.
      fd = nodeFs.openSync(this.log, created ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL : constants.O_WRONLY | constants.O_APPEND, 0o600);
    } catch (e: any) {
      if (e.code === 'ENOENT') throw new JournalLostError('db.log was deleted while the store was running');
      if (e.code === 'EEXIST') throw new JournalLostError('db.log was created by something else while the store was running');
      throw e;
    }
    let before: number | undefined;
    try {
      const st = nodeFs.fstatSync(fd);
      if (created) {
        this.ident = { dev: st.dev, ino: st.ino };
        this.logExists = true;
        this.logSize = 0;
      } else if (!this.ident || st.dev !== this.ident.dev || st.ino !== this.ident.ino) {
        throw new JournalLostError('db.log was replaced by another file while the store was running');
      } else if (st.size !== this.logSize) {
        throw new JournalLostError(`db.log was changed by something else while the store was running (${st.size} bytes, ${this.logSize} expected)`);
      }
      before = st.size;
      try {
        for (let done = 0; done < line.length; ) {
          const n = nodeFs.writeSync(fd, line, done, line.length - done);
          if (n <= 0) throw Object.assign(new Error('no bytes written (disk full?)'), { code: 'ENOSPC' });
          done += n;
        }
        await new Promise<void>((resolve, reject) => nodeFs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
        // A new file's name must be durable too.
        if (created) await fsyncDir(this.dataDir);
      } catch (e) {
        this.cut(fd, before);
        throw e;
      }
      // Written to a file that is no longer db.log (deleted or renamed meanwhile) is not written.
      let now: nodeFs.Stats | undefined;
      try {
        now = nodeFs.statSync(this.log);
      } catch {
        now = undefined;
      }
      if (!now || now.dev !== st.dev || now.ino !== st.ino) throw new JournalLostError('db.log was deleted or replaced during a write');
    } finally {
      nodeFs.closeSync(fd);
    }
    this.seq++;
    this.logSize += line.length;
    this.logBytes += line.length;
  }

  /** Cuts the open journal back to `size` (measured before the failed append), and flushes the cut. */
  private cut(fd: number, size: number) {
    try {
      if (nodeFs.fstatSync(fd).size !== size) {
        nodeFs.ftruncateSync(fd, size);
        nodeFs.fdatasyncSync(fd);
      }
      this.cutPending = undefined;
    } catch {
      // The file could not be cut (read-only now, failing device): keep trying on later writes.
      this.cutPending = size;
    }
  }

  /** Size db.log still has to be cut back to after a failed append whose cut failed. */
  cutPending: number | undefined;

  /** Tries again to cut db.log back after a failed append; true once it is whole (or was already). */
  retryCut(): boolean {
    if (this.cutPending === undefined) return true;
    let fd: number;
    try {
      fd = nodeFs.openSync(this.log, constants.O_WRONLY);
    } catch {
      return false;
    }
    try {
      const st = nodeFs.fstatSync(fd);
      if (!this.ident || st.dev !== this.ident.dev || st.ino !== this.ident.ino) return false;
      this.cut(fd, this.cutPending);
      return this.cutPending === undefined;
    } finally {
      nodeFs.closeSync(fd);
    }
  }

  /**
   * After JournalLostError: writes `data` (memory, which holds every
   * acknowledged change and the batch that found the journal gone) as a new
   * snapshot covering one more batch, and starts a fresh journal. A db.log that
   * is not ours is moved aside first (kept as db.log.replaced-<time>), so it is
   * never replayed on top of the new snapshot. Must be called between appends,
   * with no checkpoint running.
   */
  async rescue(data: DbData): Promise<void> {
    const aside = `${this.log}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    if (existsSync(this.log)) {
      renameSync(this.log, aside);
      fsyncDirSync(this.dataDir);
    }
    this.logExists = false;
    this.logSize = 0;
    this.ident = undefined;
    this.cutPending = undefined;
    const seq = this.seq + 1;
    this.snapshotBytes = await writeSnapshot(this.dataDir, data, seq, () => true, true);
    this.seq = seq;
    // The new snapshot covers whatever a cancelled checkpoint left in db-old.log.
    await fs.rm(this.oldLog, { force: true });
    this.logBytes = 0;
  }

  /**
   * Checkpoint: new changes go to a fresh db.log while the whole store is
   * written as the snapshot up to the current batch; then the old journal goes.
   * Must be called between appends (the store calls it right after one).
   */
  async write(data: DbData, stillValid: () => boolean = () => true): Promise<void> {
    const seq = this.seq;
    if (!existsSync(this.oldLog) && existsSync(this.log)) {
      renameSync(this.log, this.oldLog);
      // From here the next append creates db.log afresh (and makes its name durable).
      this.logExists = false;
      this.logSize = 0;
      this.ident = undefined;
      fsyncDirSync(this.dataDir);
    }
    const before = this.logBytes;
    this.snapshotBytes = await writeSnapshot(this.dataDir, data, seq, stillValid);
    await fs.rm(this.oldLog, { force: true });
    // What was appended during the checkpoint stays to be counted towards the next one.
    this.logBytes -= before;
  }
}

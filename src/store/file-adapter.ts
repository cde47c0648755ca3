import nodeFs, { closeSync, existsSync, openSync, renameSync, statSync, truncateSync, writeSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import type { DbData } from './types';
import { LOG, OLD_LOG, fsyncDir, fsyncDirSync, loadFromDisk, writeSnapshot, type Loaded } from './journal';

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
  private logSize = 0;
  private logExists = false;
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
    const l = loadFromDisk(this.dataDir, this.empty);
    this.loaded = l;
    this.seq = l.seq;
    this.snapshotBytes = l.snapshotBytes;
    this.logBytes = l.logBytes;
    this.logExists = existsSync(this.log);
    this.logSize = l.tornAt ?? (this.logExists ? statSync(this.log).size : 0);
    return l.data;
  }

  async read(): Promise<DbData | null> {
    return this.load() as DbData;
  }

  /** Cuts a torn last line (a crash mid-append) off db.log, so the next batch starts on a fresh line. */
  async dropTornTail() {
    if (this.loaded?.tornAt === undefined) return;
    await fs.truncate(this.log, this.loaded.tornAt);
    this.loaded.tornAt = undefined;
  }

  /**
   * Appends one batch of serialised ops and flushes it to disk; resolves only
   * once it is durable. Opening and writing are synchronous (they only reach
   * the page cache, microseconds); the flush runs off the event loop, so a
   * batch needs a single round trip through the thread pool.
   */
  async append(ops: string[]): Promise<void> {
    const line = Buffer.from(`{"b":${this.seq + 1},"ops":[${ops.join(',')}]}\n`);
    const created = !this.logExists;
    const fd = openSync(this.log, 'a', 0o600);
    try {
      this.logExists = true;
      writeSync(fd, line);
      await new Promise<void>((resolve, reject) => nodeFs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    } finally {
      closeSync(fd);
    }
    // A new file's name must be durable too.
    if (created) await fsyncDir(this.dataDir);
    this.seq++;
    this.logSize += line.length;
    this.logBytes += line.length;
  }

  /** After a failed append: cut db.log back to where it was, so the failed batch can never reappear. */
  undoAppend() {
    if (existsSync(this.log) && statSync(this.log).isFile()) truncateSync(this.log, this.logSize);
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
      fsyncDirSync(this.dataDir);
    }
    const before = this.logBytes;
    this.snapshotBytes = await writeSnapshot(this.dataDir, data, seq, stillValid);
    await fs.rm(this.oldLog, { force: true });
    // What was appended during the checkpoint stays to be counted towards the next one.
    this.logBytes -= before;
  }
}

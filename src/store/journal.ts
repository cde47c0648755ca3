// The store on disk: a snapshot (db.json) plus a journal of changes (db.log).
//
// Every batch of changes (see group commit in store.ts) is one line appended to
// db.log and flushed to disk (fdatasync) before any change in it is
// acknowledged, so a write costs the size of the change, not of the store.
// Now and then the whole store is written as a new snapshot (a checkpoint) and
// the journal it covers is dropped, so start-up never replays much.
//
//   db.json      everything up to batch S: a header line {"format":2,"schemaVersion":..,"logSeq":S,"org":..,
//                "collections":{name:count}}, then lines ["collection",[record,...]] of up to 100 records
//                (format 1, one JSON document {"schemaVersion":..,"logSeq":S,...}, is still read)
//   db.log       one line per batch: {"b":N,"ops":[op,...]}, N = S+1, S+2, ...
//   db-old.log   the journal being folded into a checkpoint that is still being written
//
// Ops are whole-record puts, field patches and deletes by key: replaying one
// twice gives the same result, so a snapshot written while changes continue
// (a "fuzzy" checkpoint) plus the journal after its logSeq is always right.
// A crash can tear only the last line of db.log (it was not acknowledged);
// a torn line anywhere else, or a missing batch number, is corruption.
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync, fsyncSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { alive, pidNamedFiles } from './lock';
import type { DbData } from './types';

export const SNAPSHOT = 'db.json';
export const LOG = 'db.log';
export const OLD_LOG = 'db-old.log';

// A backup run by another process (backup.ts) holds checkpoints off while it
// reads, as pg_backup_start holds WAL: without it, a store that checkpoints
// more often than a read takes could keep every read from settling. The hold
// is a file naming the backup's pid; one whose process is gone, or older than
// HOLD_MAX_AGE_MS (a pid reused by an unrelated process), is ignored and removed.
const HOLD = /^\.backup-(\d+)\.hold$/;
export const HOLD_MAX_AGE_MS = 10 * 60_000;
export const holdFile = (dataDir: string, pid = process.pid) => path.join(dataDir, `.backup-${pid}.hold`);

/** Whether a live backup holds checkpoints off in `dataDir` (stale holds are removed on the way). */
export function backupHeld(dataDir: string, now = Date.now()): boolean {
  let held = false;
  for (const { name, pid } of pidNamedFiles(dataDir, [HOLD])) {
    const file = path.join(dataDir, name);
    try {
      if (alive(pid) && now - statSync(file).mtimeMs < HOLD_MAX_AGE_MS) held = true;
      else rmSync(file, { force: true });
    } catch {
      /* removed meanwhile */
    }
  }
  return held;
}

/** Collections of records, each with the key a record is found by. */
export const KEYS = {
  users: (r: { id: string }) => r.id,
  sessions: (r: { idHash: string }) => r.idHash,
  moduleProgress: (r: { userId: string; chapter: number }) => `${r.userId}|${r.chapter}`,
  checkAttempts: (r: { id: string }) => r.id,
  scenarioAttempts: (r: { id: string }) => r.id,
  scenarioPlays: (r: { id: string }) => r.id,
  examAttempts: (r: { id: string }) => r.id,
  certificates: (r: { id: string }) => r.id,
  waivers: (r: { userId: string; at: string; by: string }) => `${r.userId}|${r.at}|${r.by}`,
  audit: (r: { id: string }) => r.id,
  cohorts: (r: { id: string }) => r.id,
  liveSessions: (r: { id: string }) => r.id,
  observations: (r: { id: string }) => r.id,
  throttles: (r: { key: string }) => r.key,
} as const;
export type Collection = keyof typeof KEYS;
export const COLLECTIONS = Object.keys(KEYS) as Collection[];
/** Collections of older schema versions that their journals may still name; migrations remove them. */
const LEGACY_KEYS: Record<string, (r: any) => string> = {
  scenarioProgress: (r: { userId: string; scenarioId: string }) => `${r.userId}|${r.scenarioId}`,
};
const keyOf = (c: string) => (KEYS as Record<string, (r: any) => string>)[c] ?? LEGACY_KEYS[c];

/** One change: a whole record, some top-level fields of one, a deletion, or the organisation. */
export type Op =
  | ['put', Collection, Record<string, unknown>]
  | ['patch', Collection, string, Record<string, unknown>]
  | ['del', Collection, string]
  | ['org', DbData['org']];

export class JournalCorruptError extends Error {}

/** Reads a file line by line without holding it whole in one string (a journal can be larger than V8's string limit). */
function* lines(file: string): Generator<{ text: string; end: number; complete: boolean }> {
  const fd = openSync(file, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw new JournalCorruptError(`${file} is not a regular file`);
    const chunk = Buffer.alloc(8 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let offset = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        yield { text: buf.toString('utf8', start, nl), end: offset + nl + 1, complete: true };
        start = nl + 1;
      }
      offset += start;
      carry = Buffer.from(buf.subarray(start));
    }
    if (carry.length) yield { text: carry.toString('utf8'), end: offset + carry.length, complete: false };
  } finally {
    closeSync(fd);
  }
}

/** Applies ops to collections in place, finding records by key through lazily built indexes. */
class Replayer {
  private readonly index = new Map<Collection, Map<string, number>>();
  private readonly dirty = new Set<Collection>();
  constructor(private readonly data: DbData) {}

  private indexOf(c: Collection) {
    let m = this.index.get(c);
    if (!m) {
      m = new Map();
      const key = keyOf(c)!;
      const list = ((this.data as unknown as Record<string, unknown[]>)[c] ??= []);
      for (let i = 0; i < list.length; i++) if (list[i] !== undefined) m.set(key(list[i]), i);
      this.index.set(c, m);
    }
    return m;
  }

  apply(op: Op) {
    if (op[0] === 'org') {
      this.data.org = op[1];
      return;
    }
    const c = op[1];
    if (!keyOf(c)) throw new JournalCorruptError(`unknown collection "${c}"`);
    const m = this.indexOf(c);
    const list = (this.data as unknown as Record<string, unknown[]>)[c]!;
    if (op[0] === 'put') {
      const k = keyOf(c)!(op[2]);
      const i = m.get(k);
      if (i === undefined) m.set(k, list.push(op[2]) - 1);
      else list[i] = op[2];
    } else if (op[0] === 'patch') {
      const i = m.get(op[2]);
      if (i !== undefined) Object.assign(list[i] as object, op[3]);
    } else if (op[0] === 'del') {
      const i = m.get(op[2]);
      if (i !== undefined) {
        // Leave a hole (keeps the other indexes right); holes are removed at the end.
        list[i] = undefined;
        m.delete(op[2]);
        this.dirty.add(c);
      }
    } else {
      throw new JournalCorruptError(`unknown operation "${String((op as unknown[])[0])}"`);
    }
  }

  finish() {
    for (const c of this.dirty) (this.data as unknown as Record<string, unknown[]>)[c] = (this.data[c] as unknown[]).filter((r) => r !== undefined);
  }
}

export interface Loaded {
  /** The snapshot's data with the journal applied, at the snapshot's schema version. */
  data: Record<string, any>;
  /** Batch number of the last change applied (0 for a new store). */
  seq: number;
  /** The snapshot's logSeq. */
  snapshotSeq: number;
  snapshotBytes: number;
  /** Bytes of journal on disk (both files). */
  logBytes: number;
  /** Where db.log's complete lines end when its last line is torn (a crash mid-append). */
  tornAt?: number;
  /** Bytes of db.log up to the last complete line. */
  logGoodBytes: number;
}

/**
 * Reads the store from disk: snapshot, then the journal after it. Reads only;
 * throws on a snapshot that does not parse (SyntaxError) and on a damaged
 * journal (JournalCorruptError). Returns the data before schema migration.
 * With `logLimit`, db.log is read only up to that byte (a failed append that
 * could not be cut off yet is left out).
 */
export function loadFromDisk(dataDir: string, empty: () => DbData, logLimit?: number): Loaded {
  const snapFile = path.join(dataDir, SNAPSHOT);
  let data: Record<string, any>;
  let snapshotBytes = 0;
  if (existsSync(snapFile)) {
    const read = readStoreFile(snapFile);
    data = read.data as Record<string, any>;
    snapshotBytes = read.bytes;
  } else {
    data = empty();
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { data, seq: 0, snapshotSeq: 0, snapshotBytes, logBytes: 0, logGoodBytes: 0 };
  const snapshotSeq = typeof data.logSeq === 'number' ? data.logSeq : 0;
  delete data.logSeq;
  let seq = snapshotSeq;
  let logBytes = 0;
  let logGoodBytes = 0;
  let tornAt: number | undefined;
  const logs = [OLD_LOG, LOG].map((f) => path.join(dataDir, f)).filter((f) => existsSync(f));
  if (logs.length) {
    // Journals hold records of the snapshot's collections; make sure they all exist.
    for (const c of COLLECTIONS) if (!Array.isArray(data[c])) data[c] = [];
    const replay = new Replayer(data as DbData);
    for (const file of logs) {
      const isLast = file === logs.at(-1) && path.basename(file) === LOG;
      let lineNo = 0;
      for (const line of lines(file)) {
        if (isLast && logLimit !== undefined && line.end > logLimit) break;
        lineNo++;
        let batch: { b: number; ops: Op[] } | undefined;
        try {
          batch = JSON.parse(line.text);
        } catch {
          batch = undefined;
        }
        if (!line.complete || !batch || typeof batch.b !== 'number' || !Array.isArray(batch.ops)) {
          // Only the very last line of db.log may be torn: it was never acknowledged.
          if (isLast && !line.complete) {
            tornAt = logGoodBytes;
            break;
          }
          throw new JournalCorruptError(`${path.basename(file)} line ${lineNo} is damaged`);
        }
        if (isLast) logGoodBytes = line.end;
        if (batch.b <= seq) continue;
        if (batch.b !== seq + 1) throw new JournalCorruptError(`${path.basename(file)} line ${lineNo}: batch ${batch.b} follows ${seq}; batches ${seq + 1}–${batch.b - 1} are missing`);
        for (const op of batch.ops) replay.apply(op);
        seq = batch.b;
      }
      logBytes += statSync(file).size;
    }
    replay.finish();
  }
  return { data, seq, snapshotSeq, snapshotBytes, logBytes, tornAt, logGoodBytes };
}

/** How a snapshot in format 2 begins; anything else is format 1 (one JSON document, what stores and backups held before). */
const FORMAT_2 = Buffer.from('{"format":2,');

/** A snapshot (or backup) that is not whole or not well formed: it was written atomically, so this is damage, never a crash. */
export class SnapshotCorruptError extends Error {}

/**
 * Reads a snapshot or backup file, in either format, as the object format 1
 * held ({schemaVersion, logSeq, org, ...collections}). Format 2 is read a line
 * at a time, never as one string; format 1 is parsed whole (SyntaxError when
 * it does not parse).
 */
export function readStoreFile(file: string): { data: unknown; bytes: number } {
  const bytes = statSync(file).size;
  return { data: startsWith(file, FORMAT_2) ? readFormat2(file) : JSON.parse(readWhole(file)), bytes };
}

function startsWith(file: string, prefix: Buffer): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(prefix.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(prefix);
  } finally {
    closeSync(fd);
  }
}

/**
 * Format 2: a header line (the top-level fields, logSeq, and how many records
 * each collection has), then lines `["collection",[record,...]]` of up to
 * RECORDS_PER_LINE records (one JSON.parse per hundred records costs less than
 * one per record; a line is still small).
 */
function readFormat2(file: string): Record<string, unknown> {
  const name = path.basename(file);
  const damaged = (lineNo: number, why: string) => new SnapshotCorruptError(`${name} line ${lineNo} is damaged (${why})`);
  let data: Record<string, unknown> = {};
  let counts: Record<string, unknown> = {};
  let lineNo = 0;
  for (const line of lines(file)) {
    lineNo++;
    if (!line.complete) throw damaged(lineNo, 'cut off');
    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (e) {
      throw damaged(lineNo, (e as Error).message);
    }
    if (lineNo === 1) {
      const { format: _format, collections, ...fields } = value as Record<string, unknown>;
      if (typeof collections !== 'object' || collections === null || Array.isArray(collections)) throw damaged(1, 'a header without collections');
      counts = collections as Record<string, unknown>;
      data = fields;
      for (const c of Object.keys(counts)) {
        if (!/^[A-Za-z]\w*$/.test(c) || !Number.isInteger(counts[c])) throw damaged(1, `collection "${c}"`);
        data[c] = [];
      }
      continue;
    }
    const list = Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Object.hasOwn(counts, value[0]) ? data[value[0]] : undefined;
    const records = (value as unknown[])[1];
    if (!Array.isArray(list) || !Array.isArray(records)) throw damaged(lineNo, 'not records of a collection the header names');
    for (const r of records) {
      if (typeof r !== 'object' || r === null) throw damaged(lineNo, 'not records of a collection the header names');
      list.push(r);
    }
  }
  if (lineNo === 0) throw new SnapshotCorruptError(`${name} is empty`);
  for (const [c, n] of Object.entries(counts)) {
    const got = (data[c] as unknown[]).length;
    if (got !== n) throw new SnapshotCorruptError(`${name} is damaged: its header names ${n} records of ${c}, it holds ${got} (it ends at line ${lineNo})`);
  }
  return data;
}

/** Reads a format-1 file as text, refusing (with a clear message) one too large for a single string. */
function readWhole(file: string): string {
  const size = statSync(file).size;
  if (size > 500 * 2 ** 20) {
    throw new SnapshotCorruptError(`${file} is ${Math.round(size / 2 ** 20)} MB in the old single-JSON format, more than one process can read as one piece; snapshots written by this release have no such limit; move to a server database`);
  }
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) read += readSync(fd, buf, read, size - read, null);
    return buf.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export async function fsyncDir(dir: string) {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

export function fsyncDirSync(dir: string) {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` as the snapshot covering batches up to `seq`: to a temporary
 * file, flushed, then renamed over db.json, so a crash leaves the old or the
 * new snapshot, never a torn one. Records are serialised a slice at a time
 * with a pause between slices, so a large store does not stall requests.
 * `stillValid` is asked just before the rename (a failed write elsewhere
 * cancels a checkpoint).
 */
export async function writeSnapshot(dataDir: string, data: DbData, seq: number, stillValid: () => boolean = () => true, atOnce = false): Promise<number> {
  return writeStoreFile(path.join(dataDir, SNAPSHOT), data, seq, { tmp: path.join(dataDir, `.${SNAPSHOT}.${process.pid}.tmp`), stillValid, atOnce });
}

/**
 * Writes a store file in format 2 (a snapshot, or a backup) atomically:
 * temporary file, fsync, rename, fsync of the folder. Returns its size.
 */
export async function writeStoreFile(
  file: string,
  data: object,
  seq: number,
  { tmp = `${file}.${process.pid}.tmp`, stillValid = () => true, atOnce = false }: { tmp?: string; stillValid?: () => boolean; atOnce?: boolean } = {},
): Promise<number> {
  // Every list is taken as it is now, before the first await (a "fuzzy"
  // checkpoint: records changed meanwhile are also in the journal after `seq`).
  const pieces = snapshotPieces(data, seq);
  // With `atOnce` the whole store is serialised before the first await: the
  // snapshot is then exactly memory as it is now (a rescue after a lost journal).
  const all = atOnce ? [...pieces] : undefined;
  const h = await fs.open(tmp, 'w', 0o600);
  let bytes = 0;
  let pending: string[] = [];
  let pendingLen = 0;
  // Writes go out in pieces of about a megabyte, each awaited before the next is made (backpressure).
  const out = async (s: string, force = false) => {
    pending.push(s);
    pendingLen += s.length;
    if (pendingLen > 1 << 20 || force) {
      const text = pending.join('');
      pending = [];
      pendingLen = 0;
      await writeAll(Buffer.from(text));
    }
  };
  // A write may take only part of a buffer (a filling disk): write the rest, or fail.
  const writeAll = async (buf: Buffer) => {
    for (let done = 0; done < buf.length; ) {
      const { bytesWritten } = await h.write(buf, done, buf.length - done);
      if (bytesWritten <= 0) throw Object.assign(new Error('no bytes written (disk full?)'), { code: 'ENOSPC' });
      done += bytesWritten;
    }
    bytes += buf.length;
  };
  try {
    for (const piece of all ?? pieces) {
      await out(piece);
      // Let requests (and their journal flushes) run between slices of about a millisecond.
      if (!all) await new Promise((r) => setImmediate(r));
    }
    await out('', true);
    await h.sync();
    // Never rename a snapshot that is not all there.
    const size = (await h.stat()).size;
    if (size !== bytes) throw new Error(`snapshot is ${size} bytes on disk, ${bytes} were written`);
  } catch (e) {
    await h.close().catch(() => {});
    await fs.rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
  await h.close();
  if (!stillValid()) {
    await fs.rm(tmp, { force: true });
    throw new Error('checkpoint cancelled');
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
  return bytes;
}

const RECORDS_PER_LINE = 100;

/**
 * Format 2 as text pieces: the header line, then pieces of 500 records (five
 * lines). The lists are taken when this is called; each record is serialised
 * when its piece is taken. JSON escapes line breaks inside strings, so a
 * line break always ends a line of the format.
 */
function snapshotPieces(data: object, seq: number): Iterable<string> {
  const head: Record<string, unknown> = { format: 2, schemaVersion: (data as { schemaVersion?: unknown }).schemaVersion, logSeq: seq };
  const lists: Array<[string, unknown[]]> = [];
  for (const [name, value] of Object.entries(data)) {
    if (Array.isArray(value)) lists.push([name, value.slice()]);
    else if (name !== 'format' && name !== 'logSeq' && name !== 'collections') head[name] = value;
  }
  head.collections = Object.fromEntries(lists.map(([name, list]) => [name, list.length]));
  return (function* () {
    yield `${JSON.stringify(head)}\n`;
    for (const [name, list] of lists) {
      const prefix = `[${JSON.stringify(name)},[`;
      for (let i = 0; i < list.length; i += 5 * RECORDS_PER_LINE) {
        let piece = '';
        for (let j = i; j < Math.min(i + 5 * RECORDS_PER_LINE, list.length); j += RECORDS_PER_LINE) {
          piece += `${prefix}${list.slice(j, j + RECORDS_PER_LINE).map((r) => JSON.stringify(r)).join(',')}]]\n`;
        }
        yield piece;
      }
    }
  })();
}

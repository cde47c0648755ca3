import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { startServer, login, type Server } from '../../scripts/bench/lib';
import { readStoreData } from '../../src/store';
import { freshDatabase, type TestDatabase } from '../pg/database';

export { startServer, login, type Server };
export const PASSWORD = 'demo1234';

/**
 * The store the integration servers run on: the embedded store (a folder) by
 * default, PostgreSQL when STORE_BACKEND=postgres (vitest's `postgres`
 * project: a fresh database of the run's cluster per `dataDir()`).
 */
export const BACKEND: 'embedded' | 'postgres' = process.env.STORE_BACKEND === 'postgres' ? 'postgres' : 'embedded';

const dirs: string[] = [];
const servers: Server[] = [];
/** Databases behind the locations dataDir() handed out on PostgreSQL, made on first use. */
const databases = new Map<string, Promise<TestDatabase>>();
let reserved = 0;

/** A new, empty store for a test: a folder, or on PostgreSQL a database location (`pg:N`, made when first served or read). */
export function dataDir(): string {
  if (BACKEND === 'postgres') return `pg:${++reserved}`;
  const d = mkdtempSync(path.join(tmpdir(), 'wuye-int-'));
  dirs.push(d);
  return d;
}
const isDatabase = (loc: string) => loc.startsWith('pg:');
async function database(loc: string): Promise<TestDatabase> {
  let db = databases.get(loc);
  if (!db) databases.set(loc, (db = freshDatabase()));
  return db;
}

/** A server over the store at `loc` that is stopped after the file's tests. */
export async function serve(loc: string, env: Record<string, string> = {}): Promise<Server> {
  const s = isDatabase(loc) ? await startServer(scratch(), { ...env, DATABASE_URL: (await database(loc)).url }) : await startServer(loc, env);
  servers.push(s);
  return s;
}
/** A folder for DATA_DIR of a server on PostgreSQL (it holds nothing). */
function scratch(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'wuye-int-pg-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null && s.proc.signalCode === null) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const db of databases.values()) await (await db).drop();
});

/** The store as a restart would read it (snapshot plus journal; on PostgreSQL, the whole database). Typed loosely: tests look records up by hand. */
export async function readDb(loc: string): Promise<any> {
  if (!isDatabase(loc)) return readStoreData(loc);
  const { dumpDatabase } = await import('../../src/store/pg/copy');
  return dumpDatabase((await database(loc)).url);
}

/** A JSON request with this site's Origin (CSRF check) and the given session cookie. */
export function call(base: string, cookie: string | undefined, method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
  return fetch(base + url, {
    method,
    redirect: 'manual',
    headers: { Origin: base, ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...extra },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The password new accounts are made with (the policy accepts it) and the one they choose at the first sign-in. */
export const GIVEN_PASSWORD = 'Chushi-mima-2026';
export const OWN_PASSWORD = 'Ziji-xuan-de-mima-7';

/**
 * An account made through the admin form that has been through the forced
 * first-sign-in change, as a person would; sign in with OWN_PASSWORD.
 */
export async function newAccount(base: string, adminCookie: string, fields: Record<string, string>): Promise<string> {
  const made = await form(base, adminCookie, '/admin/users/new', { department: '客服部', ...fields, password: GIVEN_PASSWORD });
  if (made.status !== 303) throw new Error(`creating ${fields.username}: ${made.status}`);
  const first = await login(base, fields.username!, GIVEN_PASSWORD);
  const changed = await form(base, first, '/account/password', { current: GIVEN_PASSWORD, password: OWN_PASSWORD, confirm: OWN_PASSWORD });
  if (changed.status !== 303) throw new Error(`first password change of ${fields.username}: ${changed.status}`);
  return fields.username!;
}

export function form(base: string, cookie: string, url: string, fields: Record<string, string>) {
  return fetch(base + url, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: base, cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
}

/**
 * A question of an open exam paper that can be answered with two different
 * values: a true/false one if the paper has it, else a single-choice one with
 * two of its option tokens (read from the server-rendered radio buttons).
 */
export function answerable(html: string, typeOf: (id: string) => string | undefined): { questionId: string; values: [unknown, unknown] } {
  const ids = [...html.matchAll(/data-question="([^"]+)"/g)].map((m) => m[1]!);
  const tf = ids.find((id) => typeOf(id) === 'truefalse');
  if (tf) return { questionId: tf, values: [true, false] };
  for (const id of ids.filter((i) => typeOf(i) === 'single')) {
    const tokens = [...html.matchAll(new RegExp(`name="q-${id}" value="([^"]+)"`, 'g'))].map((m) => m[1]!);
    if (tokens.length >= 2) return { questionId: id, values: [tokens[0], tokens[1]] };
  }
  throw new Error('no answerable question found in the exam page');
}

/**
 * Plays `choiceIds` through the step API as the page's script does: start a
 * play, then at each step pick the dealt choice whose text is the one wanted.
 * Returns the last answer (its status and body).
 */
export async function playPath(base: string, cookie: string, s: { def: { id: string; nodes: Record<string, { choices?: Array<{ id: string; text: string }> }> } }, choiceIds: readonly string[], mode: 'practice' | 'assessment' = 'practice') {
  const text = (id: string) => Object.values(s.def.nodes).flatMap((n) => n.choices ?? []).find((c) => c.id === id)!.text;
  const started = await call(base, cookie, 'POST', `/api/scenarios/${s.def.id}/plays`, { mode });
  let body = await started.json();
  let status = started.status;
  for (const id of choiceIds) {
    const view = body.view;
    const token = view.prompt.choices.find((c: { text: string }) => c.text === text(id)).token;
    const r = await call(base, cookie, 'POST', `/api/plays/${view.playId}/steps`, { token, at: view.step });
    status = r.status;
    body = await r.json();
  }
  return { status, body };
}

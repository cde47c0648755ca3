// Property-based: random, malformed and boundary bodies at every JSON API.
// Whatever comes in: never a 5xx, and a refused request changes nothing stored.
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataDir, serve, login, call, form, readDb, PASSWORD, BACKEND, type Server } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';

const leak = loadScenarios(readContent(process.cwd()).scenarios).get('ceiling-leak')!;
const choiceIds = Object.values(leak.def.nodes).flatMap((n) => n.choices ?? []).map((c) => c.id);

let server: Server;
let dir: string;
let trainee: string;
let trainer: string;
let examId: string;
let sessionId: string;
let tfQuestion = '';
let playId: string;

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir, { DEMO_ACTIVITY: '0' });
  trainee = await login(server.base, 'sun.hao', PASSWORD);
  trainer = await login(server.base, 'trainer', PASSWORD);
  // sun.hao works at the demo trainer's site (阳光花园): the trainer may enrol them.
  const me = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'sun.hao').id;
  await form(server.base, trainer, '/trainer/cohorts', { name: '模糊测试班', trainee: me });
  const cohort = (await readDb(dir)).cohorts[0].id;
  await form(server.base, trainer, '/trainer/waivers', { userId: me, reason: '测试' });
  examId = (await form(server.base, trainee, '/exam', {})).headers.get('location')!.split('/').pop()!;
  const html = await (await fetch(`${server.base}/exam/${examId}`, { headers: { cookie: trainee } })).text();
  tfQuestion = [...html.matchAll(/data-question="([^"]+)"/g)][0]![1]!;
  playId = (await (await call(server.base, trainee, 'POST', '/api/scenarios/fire-report/plays', { mode: 'practice' })).json()).view.playId;
  sessionId = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
}, 60_000);

/** Every byte the store keeps: snapshot and journal (on PostgreSQL, every record in the database). */
const storeBytes = async () => (BACKEND === 'postgres' ? JSON.stringify(await readDb(dir)) : ['db.json', 'db.log', 'db-old.log'].map((f) => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '')).join('\u0000'));

/** Bodies: random JSON, near-valid shapes, broken JSON, huge payloads. (Shapes are built lazily: ids exist only after beforeAll.) */
const body = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: valid.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string() },
    { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"__proto__":{"admin":true}}', '{"choiceIds":{"length":1e9}}') },
    { weight: 1, arbitrary: fc.integer({ min: 17_000, max: 60_000 }).map((n) => JSON.stringify({ questionId: 'x'.repeat(n) })) },
  );
const id = fc.oneof(fc.constantFrom(...choiceIds), fc.string({ maxLength: 90 }));
const num = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(1));

const APIS: Array<{ name: string; method: string; url: () => string; who: () => string; valid: () => fc.Arbitrary<unknown> }> = [
  { name: 'play start', method: 'POST', url: () => '/api/scenarios/ceiling-leak/plays', who: () => trainee, valid: () => fc.record({ mode: fc.oneof(fc.constantFrom('practice', 'assessment'), fc.string()), scores: fc.anything() }, { requiredKeys: [] }) },
  { name: 'play step', method: 'POST', url: () => `/api/plays/${playId}/steps`, who: () => trainee, valid: () => fc.record({ token: fc.oneof(id, fc.string()), at: num, scores: fc.anything() }, { requiredKeys: [] }) },
  { name: 'exam autosave', method: 'PUT', url: () => `/api/exam/${examId}/answers`, who: () => trainee, valid: () => fc.record({ questionId: fc.oneof(fc.constant(tfQuestion), fc.string()), response: fc.anything() }, { requiredKeys: [] }) },
  { name: 'live join', method: 'POST', url: () => '/api/live/join', who: () => trainee, valid: () => fc.record({ code: fc.string({ maxLength: 14 }) }, { requiredKeys: [] }) },
  { name: 'live vote', method: 'POST', url: () => `/api/live/${sessionId}/vote`, who: () => trainee, valid: () => fc.record({ choiceId: id }, { requiredKeys: [] }) },
  { name: 'live control', method: 'POST', url: () => `/api/live/${sessionId}/control`, who: () => trainer, valid: () => fc.record({ action: fc.oneof(fc.constantFrom('reveal', 'advance', 'pair'), fc.string()), choiceId: id }, { requiredKeys: [] }) },
  { name: 'live rate', method: 'POST', url: () => `/api/live/${sessionId}/rate`, who: () => trainer, valid: () => fc.record({ agentId: fc.string(), calmness: num, empathy: num, solution: num, comment: fc.string({ maxLength: 600 }) }, { requiredKeys: [] }) },
];

describe('random and boundary input at every API', () => {
  for (const api of APIS) {
    it(`${api.method} ${api.name}: no 5xx; a refusal changes nothing`, async () => {
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(body(api.valid()), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (text, type) => {
          const before = await storeBytes();
          const res = await call(server.base, api.who(), api.method, api.url(), text, { 'Content-Type': type });
          const payload = await res.text();
          expect(res.status, payload).toBeLessThan(500);
          if (res.status >= 400) {
            refused++;
            expect(JSON.parse(payload)).toHaveProperty('error');
            expect(await storeBytes()).toBe(before);
          }
        }),
        { numRuns: 40 },
      );
      expect(refused).toBeGreaterThan(0);
    }, 60_000);
  }
});

// The integrity attacks in one place: what the browser sends can never fake a result.
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, call, form, readDb, playPath, PASSWORD, type Server } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';
import { loadExam } from '../../src/quiz';
import { createHash } from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';

const files = readContent(process.cwd());
const leak = loadScenarios(files.scenarios).get('ceiling-leak')!;
const bank = loadExam(files.questions, files.blueprint).bank;
let server: Server;
let dir: string;
let trainee: string;
let other: string;
let trainer: string;

beforeAll(async () => {
  dir = dataDir();
  server = await serve(dir, { DEMO_ACTIVITY: '0' });
  [trainee, other, trainer] = await Promise.all(['sun.hao', 'zhao.min', 'trainer'].map((u) => login(server.base, u, PASSWORD)));
}, 30_000);

describe('integrity', () => {
  it('a role-play is scored from the server\'s own dealing: scores in the body, choice ids, stale steps and other people\'s plays count for nothing', async () => {
    // The whole-path submission is gone.
    expect((await call(server.base, trainee, 'POST', '/api/scenarios/ceiling-leak/attempts', { scenarioId: 'ceiling-leak', version: leak.def.version, choiceIds: leak.analysis.bestPath.choices })).status).toBe(404);
    const started = await (await call(server.base, trainee, 'POST', '/api/scenarios/ceiling-leak/plays', { mode: 'assessment' })).json();
    const play = started.view.playId;
    // Choice ids from the content are not what the server deals: refused, nothing stored.
    const byId = await call(server.base, trainee, 'POST', `/api/plays/${play}/steps`, { token: leak.analysis.bestPath.choices[0], at: 0, scores: { overall: 100 } });
    expect(byId.status).toBe(400);
    expect((await readDb(dir)).scenarioPlays.find((p: { id: string }) => p.id === play).steps).toHaveLength(0);
    // Someone else's play is not found.
    const token = started.view.prompt.choices[0].token;
    expect((await call(server.base, other, 'POST', `/api/plays/${play}/steps`, { token, at: 0 })).status).toBe(404);
    // A step at the wrong number (replayed, or a second tab) is refused with the play as it stands.
    expect((await call(server.base, trainee, 'POST', `/api/plays/${play}/steps`, { token, at: 0 })).status).toBe(200);
    const replayed = await call(server.base, trainee, 'POST', `/api/plays/${play}/steps`, { token, at: 0 });
    expect(replayed.status).toBe(409);
    expect((await replayed.json()).view.step).toBe(1);
    expect((await readDb(dir)).scenarioPlays.find((p: { id: string }) => p.id === play).steps).toHaveLength(1);
    // Played through, with a fake score in every request: the stored score is the engine's.
    const { status } = await playPath(server.base, trainee, leak, leak.analysis.bestPath.choices, 'assessment');
    expect(status).toBe(200);
    const stored = (await readDb(dir)).scenarioAttempts.at(-1);
    expect(stored.scores).toEqual(leak.analysis.bestPath.scores);
    expect(stored.totals).toEqual(leak.analysis.bestPath.totals);
    expect(stored.playId).toBeTruthy();
    expect(stored.decisionMs).toHaveLength(leak.analysis.bestPath.choices.length);
  });

  it('exam answers cannot name authored option ids or questions outside the paper; a replayed submission is refused', async () => {
    const sun = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'sun.hao').id;
    await form(server.base, trainer, '/trainer/cohorts', { name: '完整性', trainee: sun });
    await form(server.base, trainer, '/trainer/waivers', { userId: sun, reason: '测试' });
    const examId = (await form(server.base, trainee, '/exam', {})).headers.get('location')!.split('/').pop()!;
    const attempt = (await readDb(dir)).examAttempts.find((a: { id: string }) => a.id === examId);
    const single = attempt.paper.find((q: { id: string }) => bank.get(q.id)!.type === 'single');
    const key = (bank.get(single.id) as { answer: string }).answer;
    // Guessing the authored id of the key (a, b, c …) is refused: the paper speaks in per-attempt tokens.
    for (const guess of ['a', 'b', 'c', 'd', key]) {
      expect((await call(server.base, trainee, 'PUT', `/api/exam/${examId}/answers`, { questionId: single.id, response: guess })).status).toBe(400);
    }
    const outside = [...bank.keys()].find((id) => !attempt.paper.some((q: { id: string }) => q.id === id))!;
    expect((await call(server.base, trainee, 'PUT', `/api/exam/${examId}/answers`, { questionId: outside, response: true })).status).toBe(400);
    // Someone else cannot touch this attempt.
    expect((await call(server.base, other, 'PUT', `/api/exam/${examId}/answers`, { questionId: single.id, response: null })).status).toBe(404);
    expect((await call(server.base, trainee, 'POST', `/api/exam/${examId}/submit`, {})).status).toBe(200);
    expect((await call(server.base, trainee, 'POST', `/api/exam/${examId}/submit`, {})).status).toBe(409);
    expect((await call(server.base, trainee, 'PUT', `/api/exam/${examId}/answers`, { questionId: single.id, response: null })).status).toBe(409);
    expect((await readDb(dir)).examAttempts.find((a: { id: string }) => a.id === examId).result.percent).toBe(0);
    void createHash;
  });

  it('a vote in a session one is not in is refused', async () => {
    const cohort = (await readDb(dir)).cohorts[0].id;
    const id = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = (await readDb(dir)).liveSessions.find((s: { id: string }) => s.id === id).code;
    await call(server.base, trainer, 'POST', `/api/live/${id}/control`, { action: 'start' });
    // zhao.min is not in the cohort: cannot join, cannot vote.
    expect((await call(server.base, other, 'POST', '/api/live/join', { code })).status).toBe(403);
    expect((await call(server.base, other, 'POST', `/api/live/${id}/vote`, { choiceId: leak.analysis.bestPath.choices[0] })).status).toBe(403);
    // A trainee of the cohort who has not joined cannot vote either, and no trainee controls the session.
    expect((await call(server.base, trainee, 'POST', `/api/live/${id}/vote`, { choiceId: leak.analysis.bestPath.choices[0] })).status).toBe(403);
    expect((await call(server.base, trainee, 'POST', `/api/live/${id}/control`, { action: 'end' })).status).toBe(403);
    expect((await readDb(dir)).liveSessions.find((s: { id: string }) => s.id === id).votes).toEqual({});
  });
});

describe('security headers', () => {
  it('pages carry a CSP that allows their inline scripts by hash only, and the other headers', async () => {
    // A play under way: the page carries the player island and its inline loader.
    await call(server.base, trainee, 'POST', '/api/scenarios/fire-report/plays', { mode: 'practice' });
    const res = await fetch(`${server.base}/scenarios/fire-report`, { headers: { cookie: trainee } });
    const html = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    expect(csp).not.toMatch(/unsafe-inline[^;]*;.*script|script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
      expect(csp).toContain(`'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
    }
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const api = await call(server.base, trainee, 'POST', '/api/scenarios/ceiling-leak/plays', '{');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });

  it('compresses pages when the browser accepts it (brotli, else gzip), and not otherwise', async () => {
    const raw = (encoding: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = http.get(`${server.base}/modules/3`, { headers: { cookie: trainee, 'accept-encoding': encoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
      });
    const plain = await raw('identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await raw('gzip, deflate, br');
    const gz = await raw('gzip');
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    // The same page, in a fraction of the bytes.
    expect(zlib.brotliDecompressSync(br.body).length).toBe(plain.body.length);
    expect(zlib.gunzipSync(gz.body).toString()).toContain('</html>');
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
  });
});

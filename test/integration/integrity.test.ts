// The integrity attacks in one place: what the browser sends can never fake a result.
import { describe, it, expect, beforeAll } from 'vitest';
import { dataDir, serve, login, call, form, readDb, PASSWORD, type Server } from './helpers';
import { readContent } from '../../src/content/read';
import { loadScenarios } from '../../src/scenarios';
import { loadExam } from '../../src/quiz';
import { createHash } from 'node:crypto';

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
  [trainee, other, trainer] = await Promise.all(['zhao.min', 'sun.hao', 'trainer'].map((u) => login(server.base, u, PASSWORD)));
}, 30_000);

describe('integrity', () => {
  it('a forged role-play score is ignored: the stored score is the engine\'s', async () => {
    const worst = ['blame-upstairs', ...leak.analysis.bestPath.choices.slice(1)];
    const res = await call(server.base, trainee, 'POST', '/api/scenarios/ceiling-leak/attempts', { scenarioId: 'ceiling-leak', version: leak.def.version, choiceIds: leak.analysis.bestPath.choices, scores: { overall: 0 }, passed: false, totals: { calmness: -99 } });
    expect(res.status).toBe(201);
    const stored = readDb(dir).scenarioAttempts.at(-1);
    expect(stored.scores).toEqual(leak.analysis.bestPath.scores);
    expect(stored.totals).toEqual(leak.analysis.bestPath.totals);
    const forged = await call(server.base, trainee, 'POST', '/api/scenarios/ceiling-leak/attempts', { scenarioId: 'ceiling-leak', version: leak.def.version, choiceIds: worst.map((c, i) => (i === 1 ? 'made-up' : c)) });
    expect(forged.status).toBe(400);
  });

  it('exam answers cannot name authored option ids or questions outside the paper; a replayed submission is refused', async () => {
    const zhao = readDb(dir).users.find((u: { username: string }) => u.username === 'zhao.min').id;
    await form(server.base, trainer, '/trainer/cohorts', { name: '完整性', trainee: zhao });
    await form(server.base, trainer, '/trainer/waivers', { userId: zhao, reason: '测试' });
    const examId = (await form(server.base, trainee, '/exam', {})).headers.get('location')!.split('/').pop()!;
    const attempt = readDb(dir).examAttempts.find((a: { id: string }) => a.id === examId);
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
    expect(readDb(dir).examAttempts.find((a: { id: string }) => a.id === examId).result.percent).toBe(0);
    void createHash;
  });

  it('a vote in a session one is not in is refused', async () => {
    const cohort = readDb(dir).cohorts[0].id;
    const id = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const code = readDb(dir).liveSessions.find((s: { id: string }) => s.id === id).code;
    await call(server.base, trainer, 'POST', `/api/live/${id}/control`, { action: 'start' });
    // sun.hao is not in the cohort: cannot join, cannot vote.
    expect((await call(server.base, other, 'POST', '/api/live/join', { code })).status).toBe(403);
    expect((await call(server.base, other, 'POST', `/api/live/${id}/vote`, { choiceId: leak.analysis.bestPath.choices[0] })).status).toBe(403);
    // A trainee of the cohort who has not joined cannot vote either, and no trainee controls the session.
    expect((await call(server.base, trainee, 'POST', `/api/live/${id}/vote`, { choiceId: leak.analysis.bestPath.choices[0] })).status).toBe(403);
    expect((await call(server.base, trainee, 'POST', `/api/live/${id}/control`, { action: 'end' })).status).toBe(403);
    expect(readDb(dir).liveSessions.find((s: { id: string }) => s.id === id).votes).toEqual({});
  });
});

describe('security headers', () => {
  it('pages carry a CSP that allows their inline scripts by hash only, and the other headers', async () => {
    const res = await fetch(`${server.base}/scenarios/ceiling-leak`, { headers: { cookie: trainee } });
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
    const api = await call(server.base, trainee, 'PUT', '/api/scenarios/ceiling-leak/progress', '{');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  });
});

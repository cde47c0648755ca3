// Opening a module: the GET writes nothing; the page's POST to
// /api/modules/N/opened records it (trainees only, same origin only).
import { describe, it, expect } from 'vitest';
import { dataDir, serve, login, call, readDb, PASSWORD } from './helpers';

describe('a module is recorded as opened by a POST, never by its GET', () => {
  it('GET /modules/N writes nothing; the opened command records it once; refusals are 4xx in Chinese', async () => {
    const dir = dataDir();
    const server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const trainee = await login(server.base, 'trainee', PASSWORD);
    const me = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'trainee');
    const progressOf = async () => (await readDb(dir)).moduleProgress.filter((p: { userId: string; chapter: number }) => p.userId === me.id && p.chapter === 4);
    expect((await fetch(`${server.base}/modules/4`, { headers: { cookie: trainee } })).status).toBe(200);
    expect(await progressOf()).toEqual([]);
    expect((await call(server.base, trainee, 'POST', '/api/modules/4/opened')).status).toBe(204);
    expect((await call(server.base, trainee, 'POST', '/api/modules/4/opened')).status).toBe(204);
    expect(await progressOf()).toHaveLength(1);
    expect(await (await fetch(`${server.base}/modules/4`, { headers: { cookie: trainee } })).text()).toContain('学习中');
    const unknown = await call(server.base, trainee, 'POST', '/api/modules/99/opened');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: '没有这一章' });
    const crossSite = await call(server.base, trainee, 'POST', '/api/modules/5/opened', undefined, { Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const trainer = await login(server.base, 'trainer', PASSWORD);
    expect((await call(server.base, trainer, 'POST', '/api/modules/5/opened')).status).toBe(403);
    expect((await readDb(dir)).moduleProgress.filter((p: { chapter: number }) => p.chapter === 5)).toEqual([]);
  });
});

// Benchmark: one live class vote with N simulated trainees over loopback SSE.
// Prints p50/p95 from a vote to the projector showing it, and from the trainer's
// advance to each phone (and the last phone) getting the next decision; plus the
// server's memory. Two arrival patterns: every phone votes at the same instant
// (the worst case), and votes spread over SPREAD_MS as a class reading a line
// and thinking would send them. Usage: tsx scripts/bench/live.ts [trainees=200] [rounds=4]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store';
import { bootstrap, DEMO_PASSWORD } from '../../src/people';
import { hashPassword } from '../../src/auth';
import { startServer, login, percentile, ms, table } from './lib';

// Sizes from the command line only when run directly (`npm run bench -- live` passes the part's name).
const direct = process.argv[1]?.endsWith('live.ts');
const N = Number((direct && process.argv[2]) || 200);
const ROUNDS = Number((direct && process.argv[3]) || 4);
/** Spread-out arrival: votes uniformly over this many ms (200 votes in 5 s = 40 votes/s). */
const SPREAD_MS = 5000;

export interface Stream {
  last: any;
  waiters: Array<{ test: (v: any) => boolean; resolve: (t: number) => void }>;
  close: () => void;
}

/** Opens an SSE stream and keeps the latest state; `until` resolves with the time a matching state arrives. */
export async function open(url: string, cookie: string): Promise<Stream> {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: ctrl.signal });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  const s: Stream = { last: undefined, waiters: [], close: () => ctrl.abort() };
  let buf = '';
  let first!: () => void;
  const ready = new Promise<void>((r) => (first = r));
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = chunk.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
          if (!data) continue;
          const now = performance.now();
          s.last = JSON.parse(data);
          first();
          s.waiters = s.waiters.filter((w) => (w.test(s.last) ? (w.resolve(now), false) : true));
        }
      }
    } catch {
      /* aborted */
    }
  })();
  await ready;
  return s;
}
export const until = (s: Stream, test: (v: any) => boolean) =>
  new Promise<number>((resolve) => (test(s.last) ? resolve(performance.now()) : s.waiters.push({ test, resolve })));

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'wuye-bench-live-'));
  // A cohort of N trainees, written before the server starts (one password hash shared, for speed).
  const store = await openStore(dataDir);
  await bootstrap(store, { production: false }, new Date().toISOString());
  const hash = await hashPassword(DEMO_PASSWORD);
  const users = await store.createUsers(
    Array.from({ length: N }, (_, i) => ({ username: `bench.${i}`, displayName: `学员${i}`, role: 'trainee' as const, department: '客服部', site: '阳光花园', passwordHash: hash })),
    new Date().toISOString(),
  );
  const trainer = (await store.getUserByUsername('trainer'))!;
  const cohort = await store.createCohort({ name: '压测班', trainerId: trainer.id, traineeIds: users.map((u) => u.id), createdAt: new Date().toISOString() }, trainer.id);
  await store.close();

  const server = await startServer(dataDir);
  const { base } = server;
  try {
    const tCookie = await login(base, 'trainer', DEMO_PASSWORD);
    const created = await fetch(`${base}/trainer/cohorts/${cohort.id}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: tCookie, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ action: 'live', scenario: 'ceiling-leak', mode: 'vote' }),
    });
    const sessionId = created.headers.get('location')!.split('/').pop()!;
    const controlPage = await (await fetch(`${base}/trainer/live/${sessionId}`, { headers: { cookie: tCookie } })).text();
    const code = /data-testid="join-code"[^>]*>([A-Z0-9]+)</.exec(controlPage)![1]!;

    const cookies: string[] = [];
    for (let i = 0; i < N; i += 20) cookies.push(...(await Promise.all(users.slice(i, i + 20).map((u) => login(base, u.username, DEMO_PASSWORD)))));
    await Promise.all(cookies.map((c) => fetch(`${base}/api/live/join`, { method: 'POST', headers: { cookie: c, Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) })));
    const projector = await open(`${base}/api/live/${sessionId}/events`, tCookie);
    const phones = await Promise.all(cookies.map((c) => open(`${base}/api/live/${sessionId}/events`, c)));
    await until(projector, (v) => v.participants.length === N);

    const control = (action: string) =>
      fetch(`${base}/api/live/${sessionId}/control`, { method: 'POST', headers: { cookie: tCookie, Origin: base, 'Content-Type': 'application/json' }, body: JSON.stringify({ action }) });
    await control('start');
    await Promise.all(phones.map((p) => until(p, (v) => v.status === 'running')));

    const voteLatency: number[] = [];
    const voteResponse: number[] = [];
    const spreadLatency: number[] = [];
    const advanceEach: number[] = [];
    const advanceLast: number[] = [];
    let peakRss = server.rssMb();
    let voteServerCpu = 0;
    let voteClientCpu = 0;
    let voteWall = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate: even rounds all at once, odd rounds spread out.
      const spread = round % 2 === 1;
      const cpu0 = server.cpuMs();
      const client0 = process.cpuUsage();
      const wall0 = performance.now();
      const choices: string[] = projector.last.choices.map((c: any) => c.id);
      if (!choices.length) break;
      await Promise.all(
        users.map(async (u, i) => {
          if (spread) await new Promise((r) => setTimeout(r, (i / N) * SPREAD_MS));
          const seen = until(projector, (v) => v.voters?.includes(u.id));
          const t0 = performance.now();
          const res = await fetch(`${base}/api/live/${sessionId}/vote`, {
            method: 'POST',
            headers: { cookie: cookies[i]!, Origin: base, 'Content-Type': 'application/json' },
            // Most of the class agrees, so the majority is clear.
            body: JSON.stringify({ choiceId: i % 5 === 0 ? choices[choices.length - 1] : choices[0] }),
          });
          if (!res.ok) throw new Error(`vote ${res.status} ${await res.text()}`);
          if (spread) spreadLatency.push((await seen) - t0);
          else {
            voteResponse.push(performance.now() - t0);
            voteLatency.push((await seen) - t0);
          }
        }),
      );
      if (!spread) {
        voteServerCpu += server.cpuMs() - cpu0;
        const c = process.cpuUsage(client0);
        voteClientCpu += (c.user + c.system) / 1000;
        voteWall += performance.now() - wall0;
      }
      peakRss = Math.max(peakRss, server.rssMb());
      await control('reveal');
      const step = projector.last.step;
      const arrivals = phones.map((p) => until(p, (v) => v.step > step || !!v.ending));
      const t0 = performance.now();
      const res = await control('advance');
      if (!res.ok) throw new Error(`advance ${res.status}`);
      const times = await Promise.all(arrivals);
      for (const t of times) advanceEach.push(t - t0);
      advanceLast.push(Math.max(...times) - t0);
      peakRss = Math.max(peakRss, server.rssMb());
      if (projector.last.ending) break;
    }
    for (const p of [projector, ...phones]) p.close();

    const rows = [
      [`vote → projector (${SPREAD_MS / 1000} s spread)`, spreadLatency.length, ms(percentile(spreadLatency, 50)), ms(percentile(spreadLatency, 95)), ms(Math.max(...spreadLatency))],
      ['vote → projector (all at once)', voteLatency.length, ms(percentile(voteLatency, 50)), ms(percentile(voteLatency, 95)), ms(Math.max(...voteLatency))],
      ['vote response (all at once)', voteResponse.length, ms(percentile(voteResponse, 50)), ms(percentile(voteResponse, 95)), ms(Math.max(...voteResponse))],
      ['advance → each phone', advanceEach.length, ms(percentile(advanceEach, 50)), ms(percentile(advanceEach, 95)), ms(Math.max(...advanceEach))],
      ['advance → last phone', advanceLast.length, ms(percentile(advanceLast, 50)), ms(percentile(advanceLast, 95)), ms(Math.max(...advanceLast))],
    ];
    table(`Live session: ${N} trainees + 1 projector over SSE on loopback, ${advanceLast.length} decisions`, ['measure', 'samples', 'p50', 'p95', 'max'], rows);
    console.log(`server memory (RSS, peak sampled): ${peakRss} MB`);
    console.log(`all-at-once bursts: ${voteWall.toFixed(0)} ms wall, server CPU ${voteServerCpu.toFixed(0)} ms (${(voteServerCpu / Math.max(1, voteLatency.length)).toFixed(2)} ms per vote), load-generator CPU ${voteClientCpu.toFixed(0)} ms, on the same 2 cores`);
    return {
      trainees: N,
      decisions: advanceLast.length,
      voteToProjectorSpread: { spreadMs: SPREAD_MS, p50: percentile(spreadLatency, 50), p95: percentile(spreadLatency, 95) },
      voteToProjectorBurst: { p50: percentile(voteLatency, 50), p95: percentile(voteLatency, 95), serverCpuPerVoteMs: voteServerCpu / Math.max(1, voteLatency.length) },
      advanceToEachPhone: { p50: percentile(advanceEach, 50), p95: percentile(advanceEach, 95) },
      advanceToLastPhone: { p50: percentile(advanceLast, 50), p95: percentile(advanceLast, 95) },
      serverRssMb: peakRss,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const runLiveBench = main;
if (process.argv[1]?.endsWith('live.ts')) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}

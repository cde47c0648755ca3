// Connections and request bodies under abuse (issue 15 point 5, issue 16 point 2):
// silent sockets are closed, connections are capped, and a body is cut off
// while it streams once it passes the route's limit. Loopback only; every
// loop is bounded; time bounds are generous (the machine is shared).
import { describe, it, expect } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { dataDir, serve, login, form, readDb, PASSWORD, type Server } from './helpers';

const portOf = (s: Server) => Number(new URL(s.base).port);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A GET on a connection of its own (no pooled keep-alive socket): its status, or the error. */
function get(s: Server, path: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: portOf(s), path, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

/** Sockets that connect and send nothing; each remembers when it closed and whether the server wrote anything. */
function silentSockets(s: Server, n: number) {
  const start = Date.now();
  const socks = Array.from({ length: n }, () => {
    const info = { closedAfter: NaN, gotData: false, sock: net.connect(portOf(s), '127.0.0.1') };
    info.sock.on('data', () => (info.gotData = true));
    info.sock.on('error', () => {});
    info.sock.on('close', () => (info.closedAfter = Date.now() - start));
    return info;
  });
  return {
    socks,
    closed: () => socks.filter((x) => !Number.isNaN(x.closedAfter)),
    destroy: () => socks.forEach((x) => x.sock.destroy()),
  };
}

async function waitFor(cond: () => boolean, ms: number) {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await sleep(100);
  return cond();
}

/**
 * POSTs up to `total` bytes in 64 KB chunks with Transfer-Encoding: chunked (no
 * Content-Length), stopping at the answer or when the connection is cut.
 */
function chunkedPost(s: Server, path: string, headers: Record<string, string>, total: number) {
  return new Promise<{ status?: number; body: string; sent: number; error?: string; ms: number }>((resolve) => {
    const t0 = Date.now();
    const req = http.request({ host: '127.0.0.1', port: portOf(s), method: 'POST', path, agent: false, headers: { Origin: s.base, Connection: 'keep-alive', 'Transfer-Encoding': 'chunked', ...headers } });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let finished = false;
    const finish = (r: { status?: number; body: string; error?: string }) => {
      if (finished) return;
      finished = true;
      resolve({ ...r, sent, ms: Date.now() - t0 });
      req.destroy();
    };
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => finish({ status: res.statusCode, body }));
      res.on('error', () => finish({ status: res.statusCode, body }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ body: '', error: e.code ?? e.message }));
    const pump = () => {
      while (!finished && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!finished) req.end();
    };
    pump();
  });
}

describe('request bodies are cut off while they stream', () => {
  it('an anonymous chunked 300 MB POST /login is answered 413 at once, memory stays flat, normal requests keep working', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    expect(await get(server, '/login')).toBe(200);
    const before = server.rssMb();
    let peak = before;
    const poll = setInterval(() => (peak = Math.max(peak, server.rssMb())), 20);
    const big = await chunkedPost(server, '/login', { 'Content-Type': 'application/x-www-form-urlencoded' }, 300 * 1024 * 1024);
    clearInterval(poll);
    const after = server.rssMb();
    console.log(`[connections] 300 MB chunked POST /login: ${big.status ?? big.error} after ${(big.sent / 1048576).toFixed(1)} MB sent in ${big.ms} ms; RSS ${before} → peak ${peak} → ${after} MB`);
    // Answered before the client could push more than socket buffers' worth: cut off while it streamed.
    expect(big.status).toBe(413);
    expect(big.body).toContain('提交的内容过大');
    expect(big.sent).toBeLessThan(40 * 1024 * 1024);
    expect(Math.max(peak, after) - before).toBeLessThan(100);
    // Normal requests still work: a page, and a real sign-in.
    expect(await get(server, '/login')).toBe(200);
    expect(await login(server.base, 'trainee', PASSWORD)).toMatch(/^sid=/);
  });

  it('a client that keeps sending after the 413 is cut off within seconds', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    const result = await new Promise<{ status?: number; closedAfter: number; sent: number }>((resolve) => {
      // Keep-alive, as a browser asks (with Connection: close the server closes right after the answer).
      const req = http.request({ host: '127.0.0.1', port: portOf(server), method: 'POST', path: '/login', agent: false, headers: { Origin: server.base, Connection: 'keep-alive', 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' } });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      let status: number | undefined;
      let answeredAt = 0;
      let sent = 0;
      // 16 KB every 20 ms, slow enough to stay cheap; the body ends after 24 MB (about 30 s) at the latest.
      const timer = setInterval(() => {
        if (sent >= 24 * 1024 * 1024) return void req.end();
        sent += chunk.length;
        req.write(chunk);
      }, 20);
      const done = () => {
        clearInterval(timer);
        resolve({ status, closedAfter: answeredAt ? Date.now() - answeredAt : NaN, sent });
      };
      req.on('response', (res) => {
        status = res.statusCode;
        answeredAt = Date.now();
        res.resume();
      });
      req.on('error', () => {});
      req.on('socket', (socket) => socket.once('close', done));
    });
    console.log(`[connections] slow sender after 413: cut ${result.closedAfter} ms after the answer, ${(result.sent / 1048576).toFixed(1)} MB sent`);
    expect(result.status).toBe(413);
    // Cut after the 5 s linger, well before the client would have stopped.
    expect(result.closedAfter).toBeGreaterThan(3_000);
    expect(result.closedAfter).toBeLessThan(20_000);
    expect(await get(server, '/login')).toBe(200);
  }, 60_000);

  it('a chunked JSON body over an API limit gets 413; the CSV import takes 1 MB but not 3 MB', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0' });
    const trainee = await login(server.base, 'trainee', PASSWORD);
    const json = await chunkedPost(server, '/api/live/join', { cookie: trainee, 'Content-Type': 'application/json' }, 8 * 1024 * 1024);
    expect(json.status).toBe(413);
    expect(JSON.parse(json.body).error).toContain('请求体过大');
    expect(json.sent).toBeLessThan(8 * 1024 * 1024);

    const admin = await login(server.base, 'admin', PASSWORD);
    // A file with a wrong header: read whole, then refused by the importer (400) without creating anyone.
    const csv = (bytes: number) => {
      const fd = new FormData();
      fd.set('file', new File(['not,a,header\n' + 'x,y,z\n'.repeat(Math.ceil(bytes / 6))], 'people.csv', { type: 'text/csv' }));
      return fetch(`${server.base}/admin/import`, { method: 'POST', redirect: 'manual', headers: { Origin: server.base, cookie: admin }, body: fd });
    };
    const small = await csv(1024 * 1024);
    expect(small.status).toBe(400);
    expect(await small.text()).toContain('表头');
    const large = await csv(3 * 1024 * 1024);
    expect(large.status).toBe(413);
    expect(await large.text()).toContain('提交的内容过大');
  });
  it('every form page refuses an oversized form with 413 and says so, instead of treating it as an empty form', async () => {
    const dir = dataDir();
    const server = await serve(dir, { DEMO_ACTIVITY: '0' });
    const admin = await login(server.base, 'admin', PASSWORD);
    const trainer = await login(server.base, 'trainer', PASSWORD);
    const hr = await login(server.base, 'hr', PASSWORD);
    const someone = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'trainee').id;
    const before = await readDb(dir);
    const pages: Array<[string, string, Record<string, string>]> = [
      [admin, '/admin/users/new', { username: 'big1', displayName: '大表单', role: 'trainee' }],
      [admin, `/admin/users/${someone}`, { action: 'save', displayName: '大表单' }],
      [hr, '/hr/certificates', { action: 'revoke', id: 'x' }],
      [trainer, '/trainer/cohorts', { name: '大表单班级', trainee: someone }],
      [trainer, '/trainer/waivers', { userId: someone }],
    ];
    for (const [cookie, path, fields] of pages) {
      const res = await form(server.base, cookie, path, { ...fields, reason: 'x'.repeat(70 * 1024) });
      expect(res.status, path).toBe(413);
      expect(await res.text(), path).toContain('提交的内容过大');
    }
    const after = await readDb(dir);
    expect(after.users.length).toBe(before.users.length);
    expect(after.cohorts.length).toBe(before.cohorts.length);
    expect(after.users.find((u: { id: string }) => u.id === someone).displayName).toBe(before.users.find((u: { id: string }) => u.id === someone).displayName);
  });
});

describe('idle and silent sockets', () => {
  it('300 silent sockets are closed within the timeout while normal requests and a live event stream carry on', async () => {
    const dir = dataDir();
    const server = await serve(dir, { DEMO_ACTIVITY: '0' });
    // A live session's event stream (it sends a heartbeat every 15 s) must outlive the silent sockets' timeout.
    const trainer = await login(server.base, 'trainer', PASSWORD);
    const me = (await readDb(dir)).users.find((u: { username: string }) => u.username === 'trainee').id;
    await form(server.base, trainer, '/trainer/cohorts', { name: '连接测试', trainee: me });
    const cohort = (await readDb(dir)).cohorts[0].id;
    const id = (await form(server.base, trainer, `/trainer/cohorts/${cohort}`, { action: 'live', scenario: 'ceiling-leak', mode: 'vote' })).headers.get('location')!.split('/').pop()!;
    const events = await fetch(`${server.base}/api/live/${id}/events`, { headers: { cookie: trainer } });
    expect(events.status).toBe(200);
    const reader = events.body!.getReader();
    let stream = '';
    let streamOpen = true;
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        stream += new TextDecoder().decode(value);
      }
      streamOpen = false;
    })();

    const silent = silentSockets(server, 300);
    try {
      await sleep(1_000);
      expect(await get(server, '/login')).toBe(200);
      const allClosed = await waitFor(() => silent.closed().length === 300, 30_000);
      const times = silent.closed().map((x) => x.closedAfter);
      console.log(`[connections] 300 silent sockets: ${times.length} closed, first after ${Math.min(...times)} ms, last after ${Math.max(...times)} ms`);
      expect(allClosed).toBe(true);
      // Not before the 10 s idle timeout (minus scheduling slack), and with 8 s to spare for a loaded machine.
      expect(Math.min(...times)).toBeGreaterThan(8_000);
      expect(Math.max(...times)).toBeLessThan(18_000);
      expect(await get(server, '/login')).toBe(200);
      // The event stream is still open and has had its first heartbeat (15 s).
      expect(await waitFor(() => stream.includes(': keep-alive'), 20_000)).toBe(true);
      expect(streamOpen).toBe(true);
    } finally {
      silent.destroy();
      await reader.cancel().catch(() => {});
    }
  }, 90_000);
});

describe('the connection cap', () => {
  it('over MAX_CONNECTIONS new connections are refused at once; normal ones get through once the silent ones are closed', async () => {
    const server = await serve(dataDir(), { DEMO_ACTIVITY: '0', MAX_CONNECTIONS: '50' });
    // Let the start-up probe's kept-alive connection close (5 s) so the count is exact.
    await sleep(6_000);
    const silent = silentSockets(server, 80);
    try {
      // Refused connections are closed at once, without a byte; the 50 accepted ones stay open.
      await waitFor(() => silent.closed().length >= 30, 5_000);
      await sleep(500);
      const refused = silent.closed();
      console.log(`[connections] cap 50: ${refused.length} of 80 refused, last after ${Math.max(...refused.map((x) => x.closedAfter))} ms`);
      expect(refused.length).toBe(30);
      expect(refused.every((x) => !x.gotData && x.closedAfter < 5_000)).toBe(true);
      // While the cap is full, a new connection is refused too.
      expect(await get(server, '/login')).not.toBe(200);
      // Once the silent ones are closed (10 s idle timeout), normal requests get through.
      expect(await waitFor(() => silent.closed().length === 80, 30_000)).toBe(true);
      const results = await Promise.all(Array.from({ length: 10 }, () => get(server, '/login')));
      expect(results).toEqual(Array(10).fill(200));
    } finally {
      silent.destroy();
    }
  }, 90_000);
});

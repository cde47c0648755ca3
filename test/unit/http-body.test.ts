import { describe, it, expect } from 'vitest';
import { z } from 'zod';
import { readBody, readForm, readJson, BadRequest } from '../../src/app/http';

/** A request whose body is `chunks` chunks of 16 KB, streamed with no Content-Length; counts how many were pulled. */
function streamed(chunks: number, type: string) {
  const pulled = { n: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.n >= chunks) return controller.close();
      pulled.n++;
      controller.enqueue(new Uint8Array(16 * 1024).fill(0x61));
    },
  });
  const request = new Request('http://localhost/x', { method: 'POST', headers: { 'Content-Type': type }, body, duplex: 'half' } as RequestInit);
  return { request, pulled };
}

const status = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof BadRequest ? e.status : String(e)));

describe('request bodies are read with a limit while they stream', () => {
  it('stops at the first chunk past the limit, without Content-Length', async () => {
    const { request, pulled } = streamed(6400, 'application/x-www-form-urlencoded'); // 100 MB if read whole
    expect(await status(readBody(request, 64 * 1024))).toBe(413);
    // 64 KB is 4 chunks: the fifth passes the limit (one more may be queued by the stream).
    expect(pulled.n).toBeLessThanOrEqual(6);
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const { request, pulled } = streamed(10, 'application/json');
    request.headers.set('content-length', String(10 * 16 * 1024));
    expect(await status(readBody(request, 16 * 1024))).toBe(413);
    expect(pulled.n).toBeLessThanOrEqual(1);
  });

  it('a body exactly at the limit is read whole', async () => {
    const { request } = streamed(4, 'text/plain');
    expect((await readBody(request, 64 * 1024)).byteLength).toBe(64 * 1024);
  });

  it('readForm parses urlencoded and multipart bodies and keeps their limit', async () => {
    const url = await readForm(new Request('http://localhost/', { method: 'POST', body: new URLSearchParams({ username: '王小明', password: 'p&w=1' }) }));
    expect([url.get('username'), url.get('password')]).toEqual(['王小明', 'p&w=1']);
    const fd = new FormData();
    fd.set('action', 'import');
    fd.set('file', new File(['用户名,姓名\n'], 'a.csv', { type: 'text/csv' }));
    const multi = await readForm(new Request('http://localhost/', { method: 'POST', body: fd }));
    expect(multi.get('action')).toBe('import');
    expect(await (multi.get('file') as File).text()).toBe('用户名,姓名\n');
    expect(await status(readForm(streamed(100, 'multipart/form-data; boundary=x').request, 2 * 16 * 1024))).toBe(413);
    expect(await status(readForm(streamed(1, 'text/plain').request))).toBe(415);
  });

  it('readJson refuses a chunked body over its limit', async () => {
    const schema = z.object({ code: z.string() });
    const { request, pulled } = streamed(1000, 'application/json');
    await expect(readJson(request, schema)).rejects.toMatchObject({ status: 413, message: '请求体过大' });
    expect(pulled.n).toBeLessThanOrEqual(3);
    const ok = new Request('http://localhost/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: '123456', extra: 1 }) });
    expect(await readJson(ok, schema)).toEqual({ code: '123456' });
  });
});

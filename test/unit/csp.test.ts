import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { contentSecurityPolicy } from '../../src/auth/csp';
import { preloadIslands } from '../../src/app/preload';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
const page = [
  '<!DOCTYPE html><html><head><title>物业客服</title></head><body>',
  '<script>console.log("你好，业主")</script>',
  '<SCRIPT type="module">let a = "é"</SCRIPT>',
  '<script src="/_astro/x.js"></script>',
  '<astro-island uid="a" component-url="/_astro/Player.js" renderer-url="/_astro/client.js?a=1&amp;b=2"></astro-island>',
  '<p>“引号” 与 <b>标记</b></p></body></html>',
].join('');
const latin1 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('CSP and modulepreload on the page bytes (as the middleware scans them)', () => {
  it('hashes inline scripts by their UTF-8 bytes whether given text or bytes as latin1', () => {
    const csp = contentSecurityPolicy(page);
    expect(csp).toContain(sha('console.log("你好，业主")'));
    expect(csp).toContain(sha('let a = "é"'));
    expect(contentSecurityPolicy(latin1(page), 'latin1')).toBe(csp);
  });

  it('adds the same modulepreload links to the bytes as to the text', () => {
    const text = preloadIslands(page);
    expect(text).toContain('<link rel="modulepreload" href="/_astro/Player.js">');
    expect(Buffer.from(preloadIslands(latin1(page)), 'latin1').toString('utf8')).toBe(text);
  });

  it('leaves a page without islands untouched', () => {
    const plain = '<html><head></head><body>没有脚本</body></html>';
    expect(preloadIslands(plain)).toBe(plain);
    expect(contentSecurityPolicy(plain)).toContain("script-src 'self';");
  });
});

import { describe, it, expect } from 'vitest';
import { isSameOrigin, isHttps } from '../../src/auth';

const h = (o: Record<string, string>) => new Headers(o);
const base = { trustProxy: false, publicOrigins: [], protocol: 'http:' };

describe('origin check (CSRF)', () => {
  it('accepts the same origin and refuses others', () => {
    expect(isSameOrigin(h({ host: 'localhost:4321', origin: 'http://localhost:4321' }), base)).toBe(true);
    expect(isSameOrigin(h({ host: 'localhost:4321', origin: 'http://evil.example' }), base)).toBe(false);
    expect(isSameOrigin(h({ host: 'localhost:4321', origin: 'https://localhost:4321' }), base)).toBe(false);
  });
  it('falls back to Referer and refuses requests with neither', () => {
    expect(isSameOrigin(h({ host: 'a.test', referer: 'http://a.test/login?x=1' }), base)).toBe(true);
    expect(isSameOrigin(h({ host: 'a.test' }), base)).toBe(false);
    expect(isSameOrigin(h({ host: 'a.test', origin: 'null' }), base)).toBe(false);
  });
  it('honours forwarded headers only behind a trusted proxy, and configured public origins', () => {
    const proxied = h({ host: '127.0.0.1:4321', origin: 'https://kefu.example.com', 'x-forwarded-host': 'kefu.example.com', 'x-forwarded-proto': 'https' });
    expect(isSameOrigin(proxied, base)).toBe(false);
    expect(isSameOrigin(proxied, { ...base, trustProxy: true })).toBe(true);
    expect(isSameOrigin(proxied, { ...base, publicOrigins: ['https://kefu.example.com/'] })).toBe(true);
  });
  it('refuses a request the browser marks cross-site', () => {
    expect(isSameOrigin(h({ host: 'a.test', origin: 'http://a.test', 'sec-fetch-site': 'cross-site' }), base)).toBe(false);
  });
});

describe('https detection for the Secure cookie flag', () => {
  it('trusts X-Forwarded-Proto only behind a trusted proxy', () => {
    expect(isHttps(h({}), 'https:', false)).toBe(true);
    expect(isHttps(h({ 'x-forwarded-proto': 'https' }), 'http:', false)).toBe(false);
    expect(isHttps(h({ 'x-forwarded-proto': 'https' }), 'http:', true)).toBe(true);
    expect(isHttps(h({}), 'http:', true)).toBe(false);
  });
});

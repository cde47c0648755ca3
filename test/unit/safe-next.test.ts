import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { safeNext, siteOrigin } from '../../src/app/http';
import { HOSTILE_NEXT } from '../fixtures/hostile-next';

const ORIGIN = 'https://kefu.example.com';
const HOME = '/learn';
/** What a browser does with a Location header: the page it opens. */
const opened = (location: string) => new URL(location, ORIGIN);

describe('safeNext: where to go after signing in', () => {
  it('keeps same-site paths with their query and fragment', () => {
    expect(safeNext('/modules/3', HOME, ORIGIN)).toBe('/modules/3');
    expect(safeNext('/hr/people?site=A&q=%E7%8E%8B#top', HOME, ORIGIN)).toBe('/hr/people?site=A&q=%E7%8E%8B#top');
  });

  it.each(Object.entries(HOSTILE_NEXT))('falls back to home for a %s', (_, next) => {
    expect(safeNext(next, HOME, ORIGIN)).toBe(HOME);
  });

  it('falls back to home without a next', () => {
    expect(safeNext(null, HOME, ORIGIN)).toBe(HOME);
    expect(safeNext(undefined, HOME, ORIGIN)).toBe(HOME);
    expect(safeNext('', HOME, ORIGIN)).toBe(HOME);
  });

  it('keeps percent-encoded variants encoded, so they stay paths on this site', () => {
    for (const next of ['/%09/evil.example', '/%5Cevil.example', '/%2F%2Fevil.example', '/%0D%0ASet-Cookie:x', '/%E3%80%80/evil.example']) {
      expect(safeNext(next, HOME, ORIGIN)).toBe(next);
      expect(opened(next).origin).toBe(ORIGIN);
    }
  });

  it('percent-encodes other characters beyond Latin-1 (a valid header value)', () => {
    expect(safeNext('/hr/people?q=王小明', HOME, ORIGIN)).toBe('/hr/people?q=%E7%8E%8B%E5%B0%8F%E6%98%8E');
    expect(safeNext('/café', HOME, ORIGIN)).toBe('/caf%C3%A9');
    expect(() => new Headers({ Location: safeNext('/hr/people?q=王小明', HOME, ORIGIN) })).not.toThrow();
  });

  it('whatever the input, answers a same-site path that is a valid Location header', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }).map((s) => '/' + s), fc.string().map((s) => '/' + s)), (next) => {
        const target = safeNext(next, HOME, ORIGIN);
        expect(target).toMatch(/^\/(?![/\\])[\x21-\x7e]*$/);
        expect(opened(target).origin).toBe(ORIGIN);
        expect(() => new Headers({ Location: target })).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe("siteOrigin: the address printed links use", () => {
  it('is the first PUBLIC_ORIGIN, as an origin', () => {
    expect(siteOrigin(['https://kefu.example.com/', 'https://other.example'], { host: '0.0.0.0', port: '8080' })).toBe('https://kefu.example.com');
  });
  it('refuses a PUBLIC_ORIGIN that is not an http(s) address', () => {
    expect(() => siteOrigin(['kefu.example.com'], {})).toThrow(/PUBLIC_ORIGIN/);
    expect(() => siteOrigin(['ftp://kefu.example.com'], {})).toThrow(/PUBLIC_ORIGIN/);
  });
  it('without PUBLIC_ORIGIN is the address the server listens on, never a request header', () => {
    expect(siteOrigin([], {})).toBe('http://127.0.0.1:4321');
    expect(siteOrigin([], { host: '127.0.0.1', port: '8080' })).toBe('http://127.0.0.1:8080');
    expect(siteOrigin([], { host: '0.0.0.0', port: '8080' })).toBe('http://localhost:8080');
    expect(siteOrigin([], { host: '::', port: '80' })).toBe('http://localhost:80');
    expect(siteOrigin([], { host: '::1', port: '8080' })).toBe('http://[::1]:8080');
  });
});

import { describe, it, expect } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { decide, ROUTE_ACCESS, routeFor, ROLES } from '../../src/auth';

/** Astro's route for each file under src/pages. */
function pageRoutes(dir = 'src/pages', prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    if (statSync(full).isDirectory()) return pageRoutes(full, `${prefix}/${f}`);
    const name = f.replace(/\.(astro|ts|js|md)$/, '');
    return [name === 'index' ? prefix || '/' : `${prefix}/${name}`];
  });
}

describe('route access', () => {
  it('every page and endpoint has an entry, and every entry a page', () => {
    const routes = pageRoutes().sort();
    expect(routes.filter((r) => !(r in ROUTE_ACCESS))).toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('sends the signed-out to login and keeps public pages open', () => {
    expect(decide('/learn', undefined)).toBe('login');
    expect(decide('/modules/3', undefined)).toBe('login');
    expect(decide('/admin/users/abc', undefined)).toBe('login');
    expect(decide('/login', undefined)).toBe('allow');
  });

  it('matches roles to their areas', () => {
    const as = (role: (typeof ROLES)[number]) => ({ role });
    expect(decide('/learn', as('trainee'))).toBe('allow');
    expect(decide('/admin', as('trainee'))).toBe('forbidden');
    expect(decide('/admin/import', as('hr'))).toBe('forbidden');
    expect(decide('/admin/import', as('admin'))).toBe('allow');
    expect(decide('/hr', as('trainer'))).toBe('forbidden');
    expect(decide('/hr', as('hr'))).toBe('allow');
    expect(decide('/hr/certificates/print', as('hr'))).toBe('allow');
    expect(decide('/hr/certificates/print', as('admin'))).toBe('allow');
    expect(decide('/hr/certificates/print', as('trainee'))).toBe('forbidden');
    expect(decide('/hr/certificates/print', as('trainer'))).toBe('forbidden');
    expect(decide('/trainer', as('admin'))).toBe('allow');
    expect(decide('/modules/3/check', as('trainee'))).toBe('allow');
  });

  it('answers unknown paths with not-found rather than guessing', () => {
    expect(decide('/secret', { role: 'admin' })).toBe('not-found');
    expect(decide('/modules/3/check/extra', { role: 'admin' })).toBe('not-found');
    expect(routeFor('/admin/users/new')).toBe('/admin/users/new');
    expect(routeFor('/admin/users/u-1')).toBe('/admin/users/[id]');
    expect(routeFor('/learn/')).toBe('/learn');
  });
});

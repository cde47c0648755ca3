import type { Role } from './roles';

/** Who may use a route: everyone, anyone signed in, or the listed roles. */
export type Access = 'public' | 'signed-in' | readonly Role[];

/**
 * Every page and endpoint under src/pages, keyed by its route as Astro names it
 * (`/modules/[chapter]`). A route missing here is answered 404 by the middleware,
 * and test/unit/access.test.ts fails when a page file has no entry.
 */
export const ROUTE_ACCESS: Record<string, Access> = {
  '/': 'public',
  '/login': 'public',
  '/logout': 'public',
  '/403': 'public',
  '/404': 'public',
  '/account/password': 'signed-in',
  '/learn': ['trainee'],
  '/modules/[chapter]': 'signed-in',
  '/modules/[chapter]/check': 'signed-in',
  '/api/modules/[chapter]/opened': ['trainee'],
  '/trainer': ['trainer', 'admin'],
  '/hr': ['hr', 'admin'],
  '/admin': ['admin'],
  '/admin/users/new': ['admin'],
  '/admin/users/[id]': ['admin'],
  '/admin/import': ['admin'],
  '/admin/import/template.csv': ['admin'],
  '/scenarios': 'signed-in',
  '/scenarios/[id]': 'signed-in',
  '/scenarios/[id]/map': ['trainer', 'admin'],
  '/api/scenarios/[id]/plays': 'signed-in',
  '/api/plays/[id]/steps': 'signed-in',
  '/exam': ['trainee'],
  '/exam/[id]': ['trainee'],
  '/api/exam/[id]/answers': ['trainee'],
  '/api/exam/[id]/submit': ['trainee'],
  '/certificates': ['trainee'],
  '/certificates/[id]': ['trainee', 'hr', 'admin'],
  '/health': 'public', // load balancers' health check: no session, says only whether the store answers
  '/verify': 'public',
  '/verify/[code]': 'public',
  '/hr/certificates': ['hr', 'admin'],
  '/hr/certificates/print': ['hr', 'admin'], // every filtered certificate on one printable page (print → PDF)
  '/hr/people': ['hr', 'admin'],
  '/hr/people/[id]': ['hr', 'admin'],
  // The exports are logged, so they are POSTed from the dashboard's forms; a GET is answered 405.
  '/hr/export.csv': ['hr', 'admin'],
  '/hr/export.xapi.json': ['hr', 'admin'],
  '/trainer/waivers': ['trainer', 'admin'],
  // HR reads the log too (read-only, like admins): HR acts on people and certificates and oversees who did what to them.
  '/admin/audit': ['hr', 'admin'],
  '/admin/audit.csv': ['hr', 'admin'], // POST only (GET answers 405): an export is audited, and GET never writes
  '/trainer/cohorts': ['trainer', 'admin'],
  '/trainer/cohorts/[id]': ['trainer', 'admin'],
  '/trainer/cohorts/[id]/trainees/[userId]': ['trainer', 'admin'],
  '/trainer/live/[id]': ['trainer', 'admin'],
  '/trainer/live/[id]/projector': ['trainer', 'admin'],
  '/live': ['trainee'],
  '/live/[id]': ['trainee'],
  '/api/live/join': ['trainee'],
  '/api/live/[id]/events': 'signed-in',
  '/api/live/[id]/vote': ['trainee'],
  '/api/live/[id]/control': ['trainer', 'admin'],
  '/api/live/[id]/rate': ['trainer', 'trainee', 'admin'],
};

/** Compiles an Astro route pattern: `[x]` is one segment, `[...x]` the rest. */
function compile(pattern: string): RegExp {
  const body = pattern
    .split('/')
    .filter(Boolean)
    .map((seg) => (/^\[\.\.\.\w+\]$/.test(seg) ? '(?:/.*)?' : /^\[\w+\]$/.test(seg) ? '/[^/]+' : `/${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return new RegExp(`^${body || '/'}/?$`);
}

/** Routes with their compiled patterns, most specific (fewest parameters) first. */
const COMPILED = Object.keys(ROUTE_ACCESS)
  .map((route) => ({ route, re: compile(route), params: route.match(/\[/g)?.length ?? 0 }))
  .sort((a, b) => a.params - b.params);

/** Matches a concrete path against an Astro route pattern. */
export const matchRoute = (pattern: string, pathname: string): boolean => compile(pattern).test(pathname);

/** The table entry for a path; static segments win over parameters. */
export function routeFor(pathname: string): string | undefined {
  return COMPILED.find((c) => c.re.test(pathname))?.route;
}

/**
 * What a person whose password was chosen by an admin may reach until they
 * choose their own (src/middleware.ts sends everything else to the first).
 * Static files never reach the middleware.
 */
export const BEFORE_PASSWORD_CHANGE: ReadonlySet<string> = new Set(['/account/password', '/logout']);

export type Decision = 'allow' | 'login' | 'forbidden' | 'not-found';

export function decide(pathname: string, user: { role: Role } | undefined): Decision {
  const route = routeFor(pathname);
  if (!route) return 'not-found';
  const access = ROUTE_ACCESS[route]!;
  if (access === 'public') return 'allow';
  if (!user) return 'login';
  if (access === 'signed-in') return 'allow';
  return access.includes(user.role) ? 'allow' : 'forbidden';
}

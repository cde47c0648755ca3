export const ROLES = ['trainee', 'trainer', 'hr', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);

/** Where each role lands after signing in. */
export const HOME_BY_ROLE: Record<Role, string> = {
  trainee: '/learn',
  trainer: '/trainer',
  hr: '/hr',
  admin: '/admin',
};

import type { APIRoute } from 'astro';
import { healthCheck } from '../app/health';
import { json, NO_CACHING } from '../app/http';

// For load balancers and monitors: no session needed, nothing written, never cached.
export const GET: APIRoute = async ({ locals }) => {
  const h = await healthCheck(locals.runtime);
  const res = json(h.body, h.status);
  res.headers.set('Cache-Control', NO_CACHING);
  return res;
};

import type { APIRoute } from 'astro';
import { healthCheck } from '../app/health';

// For load balancers and monitors: no session needed, nothing written, never cached.
export const GET: APIRoute = async ({ locals }) => {
  const h = await healthCheck(locals.runtime);
  return new Response(JSON.stringify(h.body), { status: h.status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });
};

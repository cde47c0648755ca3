import type { APIRoute } from 'astro';
import { SESSION_COOKIE } from '../auth';
import { signOutCommand } from '../app/account-service';

export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
  await signOutCommand(locals.runtime, cookies.get(SESSION_COOKIE)?.value);
  cookies.delete(SESSION_COOKIE, { path: '/' });
  return redirect('/login?out=1', 303);
};

// Signing out changes state, so it is POST only; a GET (e.g. a prefetch) just goes home.
export const GET: APIRoute = ({ redirect }) => redirect('/', 303);

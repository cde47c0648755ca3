import { storageOf } from '../app/runtime';
import type { APIRoute } from 'astro';
import { signOut, SESSION_COOKIE } from '../auth';

export const POST: APIRoute = async ({ locals, cookies, redirect }) => {
  await signOut(storageOf(locals.runtime), cookies.get(SESSION_COOKIE)?.value);
  cookies.delete(SESSION_COOKIE, { path: '/' });
  return redirect('/login?out=1', 303);
};

// Signing out changes state, so it is POST only; a GET (e.g. a prefetch) just goes home.
export const GET: APIRoute = ({ redirect }) => redirect('/', 303);

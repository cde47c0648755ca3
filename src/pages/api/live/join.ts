import type { APIRoute } from 'astro';
import { z } from 'zod';
import { joinByCode } from '../../../app/live-service';
import { api, json, readJson } from '../../../app/http';

const body = z.object({ code: z.string().min(4).max(12) });

/** A trainee joins a live session by its code (only the cohort's trainees may). */
export const POST: APIRoute = ({ locals, request }) =>
  api(async () => {
    const { code } = await readJson(request, body);
    const session = await joinByCode(locals.runtime, locals.user!, code);
    return json({ sessionId: session.id });
  });

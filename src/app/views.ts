// View functions for pages and components that read a little from storage:
// each returns plain data for one page (or shared layout piece), and never writes.
import { storageOf, type Runtime } from './runtime';
import type { UserRecord } from '../store';
import { courseOverview } from '../modules';
import { certificationFor, waivableTrainees } from './exam-service';

/** What the layout shows of the organisation: its name. */
export async function layoutView(rt: Runtime | undefined): Promise<{ orgName?: string }> {
  return { orgName: rt ? (await storageOf(rt).getOrg()).name : undefined };
}

/** The course progress table of trainees (of a site; only `only` when given), and the sites to filter by. */
export async function traineeProgressView(rt: Runtime, site: string | undefined, only: ReadonlySet<string> | undefined) {
  const rows = [];
  // One walk: the trainees are chosen and sorted once, not again for every page.
  for await (const page of storageOf(rt).traineeRecordPages({ site: site || undefined, ids: only && [...only] })) {
    for (const r of page) rows.push({ user: r.user, overview: courseOverview(rt.course.modules, r.moduleProgress) });
  }
  return { rows, sites: (await storageOf(rt).getOrg()).sites };
}

/** The live sessions running for the cohorts this trainee belongs to. */
export async function openLiveSessionsFor(rt: Runtime, user: UserRecord) {
  const store = storageOf(rt);
  const out = [];
  for (const c of await store.cohortsOf(user.id)) for (const s of await store.listLiveSessions(c.id)) if (s.status !== 'ended') out.push({ s, c });
  return out;
}

/** The waiver page's people: whom this person may waive, with progress (current members only) and any waiver. */
export async function waiverPageView(rt: Runtime, actor: UserRecord, now: Date) {
  const store = storageOf(rt);
  return Promise.all(
    (await waivableTrainees(rt, actor, now)).map(async ({ user: u, current }) => ({ u, progress: current ? await certificationFor(rt, u, now) : undefined, waiver: await store.getWaiver(u.id) })),
  );
}


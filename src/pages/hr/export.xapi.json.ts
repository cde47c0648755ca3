import type { APIRoute } from 'astro';
import { applyFilters, statementsFor } from '../../hr';
import { peopleFacts } from '../../app/hr-service';
import { filtersFrom } from '../../app/hr-filters';

/** Learning records as xAPI 1.0.3 statements (docs/XAPI.md), honouring the dashboard filters; logged. */
export const GET: APIRoute = async ({ locals, url }) => {
  const rt = locals.runtime;
  const { store, course, scenarios } = rt;
  const origin = rt.config.siteOrigin;
  const ids = new Set(applyFilters(peopleFacts(rt, new Date()), filtersFrom(url.searchParams)).map((p) => p.id));
  const statements = [...ids].flatMap((id) => {
    const u = store.getUser(id)!;
    return statementsFor({
      origin,
      person: { id: u.id, name: u.displayName },
      modules: store.listModuleProgress(id).filter((p) => p.completedAt).map((p) => ({ chapter: p.chapter, title: course.get(p.chapter)?.title ?? `第${p.chapter}章`, completedAt: p.completedAt! })),
      scenarios: store.listScenarioAttempts(id).map((a) => ({ recordId: a.id, scenarioId: a.scenarioId, title: scenarios.get(a.scenarioId)?.def.title ?? a.scenarioId, at: a.at, passed: a.scores.passed, outcome: a.outcome, scores: a.scores })),
      exams: store.listExamAttempts(id).filter((e) => e.result).map((e) => ({ recordId: e.id, at: e.submittedAt ?? e.startedAt, percent: e.result!.percent, passed: e.result!.passed })),
      certificates: store.listCertificates(id).filter((c) => !c.reissuedFrom).map((c) => ({ recordId: c.id, title: c.title, issuedAt: c.issuedAt })),
    });
  });
  await store.appendAudit({ at: new Date().toISOString(), actorId: locals.user!.id, action: 'export', targetId: 'xapi-statements.json', details: { format: 'xapi', statements: statements.length, people: ids.size } });
  return new Response(JSON.stringify(statements, null, 2), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Disposition': `attachment; filename="xapi-statements-${new Date().toISOString().slice(0, 10)}.json"`, 'Cache-Control': 'no-store' },
  });
};

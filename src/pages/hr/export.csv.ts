import { storageOf } from '../../app/runtime';
import type { APIRoute } from 'astro';
import { applyFilters, certState, toCsv } from '../../hr';
import { peopleFacts } from '../../app/hr-service';
import { filtersFrom } from '../../app/hr-filters';
import { t } from '../../i18n';

const STATE = { certified: '已认证', expired: '已过期', inProgress: '培训中', notStarted: '未开始' } as const;

/** Certification status and scores as CSV (UTF-8 with BOM for Excel), honouring the dashboard filters; logged. */
export const GET: APIRoute = async ({ locals, url }) => {
  const rt = locals.runtime;
  const filters = filtersFrom(url.searchParams);
  const people = applyFilters(await peopleFacts(rt, new Date()), filters);
  const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : '');
  const rows: unknown[][] = [
    ['姓名', '用户名', '项目', '部门', '入职日期', '在职', '班级', '课程完成', '情景通过数', '情绪管理', '同理心表达', '解决导向', '考试成绩', ...Object.values(t.exam.categories), '认证状态', '颁发日期', '到期日期'],
    ...people.map((p) => [
      p.name,
      p.username,
      p.site,
      p.department,
      p.hireDate ?? '',
      p.active ? '是' : '否',
      p.cohortNames.join('；'),
      `${p.modulesDone}/${p.modulesTotal}`,
      p.scenarioBest.filter((s) => s.passed).length,
      avg(p.scenarioBest.map((s) => s.calmness)),
      avg(p.scenarioBest.map((s) => s.empathy)),
      avg(p.scenarioBest.map((s) => s.solution)),
      p.exam?.percent ?? '',
      ...(['law', 'process', 'cases', 'professionalism'] as const).map((c) => p.exam?.byCategory[c] ?? ''),
      STATE[certState(p)],
      p.certificate?.issuedAt.slice(0, 10) ?? '',
      p.certificate?.expiresAt.slice(0, 10) ?? '',
    ]),
  ];
  await storageOf(rt).appendAudit({ at: new Date().toISOString(), actorId: locals.user!.id, action: 'export', targetId: 'certification-status.csv', details: { format: 'csv', rows: people.length, filters } });
  const name = `certification-status-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(toCsv(rows), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
  });
};

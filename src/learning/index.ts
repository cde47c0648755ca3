import type { CourseOverview } from '../modules';
import type { HistoryEntry } from '../scenarios';

export interface PathStep {
  key: 'modules' | 'scenarios' | 'exam';
  done: boolean;
  current: boolean;
  /** e.g. "已完成 3 / 7 章" */
  progress: string;
  next?: { href: string; label: string };
}

interface ScenarioRef {
  id: string;
  title: string;
  chapters: number[];
}

/**
 * The trainee's way through the programme: modules → role-plays → final exam,
 * with the one thing to do next. A role-play is suggested once the chapters it
 * trains are completed (or, failing that, the first one not yet passed).
 */
export function learningPath(course: CourseOverview, history: ReadonlyMap<string, HistoryEntry>, scenarios: ScenarioRef[], exam: { certified: boolean; open: boolean }): PathStep[] {
  const completed = new Set(course.items.filter((i) => i.status === 'completed').map((i) => i.module.chapter));
  const passed = scenarios.filter((s) => history.get(s.id)?.passed).length;
  const modulesDone = course.completed === course.total;
  const open = scenarios.filter((s) => !history.get(s.id)?.passed);
  const ready = open.find((s) => s.chapters.every((c) => completed.has(c))) ?? (modulesDone ? open[0] : undefined);
  const scenariosDone = open.length === 0 || exam.open || exam.certified;
  return [
    {
      key: 'modules',
      done: modulesDone,
      current: !modulesDone,
      progress: `已完成 ${course.completed} / ${course.total} 章`,
      next: course.next ? { href: `/modules/${course.next.chapter}`, label: course.next.title } : undefined,
    },
    {
      key: 'scenarios',
      done: scenariosDone,
      current: modulesDone && !scenariosDone,
      progress: `考核通过 ${passed} / ${scenarios.length} 个情景`,
      next: ready ? { href: `/scenarios/${ready.id}`, label: ready.title } : undefined,
    },
    {
      key: 'exam',
      done: exam.certified,
      current: !exam.certified && (exam.open || (modulesDone && scenariosDone)),
      progress: exam.certified ? '已获得上岗认证' : exam.open ? '可以参加结业考试' : '完成课程与情景演练要求后开放',
      next: exam.certified ? { href: '/certificates', label: '查看证书' } : exam.open ? { href: '/exam', label: '参加结业考试' } : undefined,
    },
  ];
}

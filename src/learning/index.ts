import type { CourseOverview } from '../modules';
import type { HistoryEntry } from '../scenarios';

export interface PathStep {
  key: 'modules' | 'scenarios' | 'exam';
  done: boolean;
  current: boolean;
  /** e.g. "已完成 3 / 7 章" */
  progress: string;
  /** `required`: a role-play the certificate asks for by name (content/certification.yaml, required or drawn). */
  next?: { href: string; label: string; required?: boolean };
}

interface ScenarioRef {
  id: string;
  title: string;
  chapters: number[];
}

/** Where the person stands on the certificate's role-plays (from certificationProgress). */
export interface RolePlayNeeds {
  /** Required for this person (the rules' list and their pool draw), in that order. */
  required: readonly string[];
  /** Required ones not yet passed as the certificate counts them. */
  requiredMissing: readonly string[];
  /** Counting towards the certificate already (required first). */
  counted: readonly string[];
  /** Other role-plays still to pass beyond the required ones. */
  moreNeeded: number;
  /** How many the certificate counts in all (required, drawn and additional). */
  total: number;
}

/**
 * The trainee's way through the programme: modules → role-plays → final exam,
 * with the one thing to do next. The role-play suggested is one the
 * certificate still needs: a required one not yet passed first, then (when
 * more are needed) any other not yet passed; among those, one whose chapters
 * are completed first. A role-play already passed is never the next step.
 */
export function learningPath(course: CourseOverview, scenarios: ScenarioRef[], needs: RolePlayNeeds, exam: { certified: boolean; open: boolean; certificateId?: string }): PathStep[] {
  const completed = new Set(course.items.filter((i) => i.status === 'completed').map((i) => i.module.chapter));
  const modulesDone = course.completed === course.total;
  const counted = new Set(needs.counted);
  const requiredMissing = scenarios.filter((s) => needs.requiredMissing.includes(s.id));
  const others = needs.moreNeeded > 0 ? scenarios.filter((s) => !needs.required.includes(s.id) && !counted.has(s.id)) : [];
  const open = [...requiredMissing, ...others];
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
      // Certified: this round's count starts afresh (for the renewal), which would read as 0 done.
      progress: exam.certified ? '已计入当前证书' : `考核通过 ${needs.counted.length} / ${needs.total} 个认证情景`,
      next: !scenariosDone && ready ? { href: `/scenarios/${ready.id}`, label: ready.title, required: needs.required.includes(ready.id) } : undefined,
    },
    {
      key: 'exam',
      done: exam.certified,
      current: !exam.certified && (exam.open || (modulesDone && scenariosDone)),
      progress: exam.certified ? '已获得上岗认证' : exam.open ? '可以参加结业考试' : '完成课程与情景演练要求后开放',
      next: exam.certified ? { href: exam.certificateId ? `/certificates/${exam.certificateId}` : '/certificates', label: '查看证书' } : exam.open ? { href: '/exam', label: '参加结业考试' } : undefined,
    },
  ];
}

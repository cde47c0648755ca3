import { describe, it, expect } from 'vitest';
import { learningPath, type RolePlayNeeds } from '../../src/learning';
import type { CourseOverview } from '../../src/modules';

// Three chapters; `done` of them completed. Modules are only read for their chapter and title.
const course = (done: number): CourseOverview => {
  const items = [1, 2, 3].map((chapter) => ({ module: { chapter, title: `第${chapter}章` } as CourseOverview['items'][number]['module'], status: chapter <= done ? ('completed' as const) : ('not_started' as const) }));
  return { items, completed: done, total: 3, percent: Math.round((done / 3) * 100), next: items.find((i) => i.status !== 'completed')?.module };
};
const scenarios = [
  { id: 'a', title: '甲', chapters: [1] },
  { id: 'b', title: '乙', chapters: [2] },
  { id: 'req', title: '必修', chapters: [3] },
  { id: 'drawn', title: '抽到', chapters: [3] },
];
// The certificate asks for `req` and the drawn `drawn` by name, plus one other.
const needs = (counted: string[]): RolePlayNeeds => {
  const required = ['req', 'drawn'];
  const others = counted.filter((id) => !required.includes(id)).length;
  return { required, requiredMissing: required.filter((id) => !counted.includes(id)), counted, moreNeeded: Math.max(0, 1 - others), total: 3 };
};
const closed = { certified: false, open: false };
const step = (path: ReturnType<typeof learningPath>, key: 'modules' | 'scenarios' | 'exam') => path.find((s) => s.key === key)!;

describe('learning path: the next step', () => {
  it('while chapters remain: the next chapter, and a role-play whose chapters are done', () => {
    const path = learningPath(course(1), scenarios, needs([]), closed);
    expect(step(path, 'modules')).toMatchObject({ current: true, next: { href: '/modules/2' } });
    // Nothing required has its chapters done yet; `a` (chapter 1) is one the certificate may still count.
    expect(step(path, 'scenarios').next).toMatchObject({ href: '/scenarios/a', required: false });
  });

  it('after the chapters: a required role-play not yet passed comes first, marked as required', () => {
    const path = learningPath(course(3), scenarios, needs([]), closed);
    expect(step(path, 'scenarios')).toMatchObject({ current: true, done: false, next: { href: '/scenarios/req', required: true }, progress: '考核通过 0 / 3 个认证情景' });
  });

  it('never points to a role-play already passed: the next required one, then another the certificate still needs', () => {
    expect(step(learningPath(course(3), scenarios, needs(['req']), closed), 'scenarios').next).toMatchObject({ href: '/scenarios/drawn', required: true });
    const path = learningPath(course(3), scenarios, needs(['req', 'drawn']), closed);
    expect(step(path, 'scenarios').next).toMatchObject({ href: '/scenarios/a', required: false });
    expect(step(path, 'scenarios').progress).toBe('考核通过 2 / 3 个认证情景');
  });

  it('role-plays done: no role-play as the next step; the exam is', () => {
    const path = learningPath(course(3), scenarios, needs(['req', 'drawn', 'b']), { certified: false, open: true });
    expect(step(path, 'scenarios')).toMatchObject({ done: true, current: false, next: undefined });
    expect(step(path, 'exam')).toMatchObject({ current: true, next: { href: '/exam', label: '参加结业考试' } });
  });

  it('certified: the certificate itself is the link', () => {
    const path = learningPath(course(3), scenarios, needs(['req', 'drawn', 'b']), { certified: true, open: true, certificateId: 'c1' });
    expect(step(path, 'exam')).toMatchObject({ done: true, current: false, next: { href: '/certificates/c1' } });
    expect(path.every((s) => s.done)).toBe(true);
    // The new round's count (for the renewal) is not shown as "0 done".
    expect(step(learningPath(course(3), scenarios, needs([]), { certified: true, open: false, certificateId: 'c1' }), 'scenarios')).toMatchObject({ done: true, progress: '已计入当前证书' });
  });
});

import type { Question } from './schema';

/** A response in words, for the review after submission. */
export function describeResponse(q: Question, r: unknown): string {
  if (r === undefined || r === null) return '未作答';
  switch (q.type) {
    case 'truefalse':
      return r ? '正确' : '错误';
    case 'single':
      return q.options.find((o) => o.id === r)?.text ?? '—';
    case 'multiple':
      return (r as string[]).map((id) => q.options.find((o) => o.id === id)?.text ?? '—').join('；');
    case 'ordering':
      return (r as string[]).map((id) => q.options.find((o) => o.id === id)?.text ?? '—').join(' → ');
    case 'matching':
      return q.left
        .map((l) => `${l.text} — ${q.right.find((x) => x.id === (r as Record<string, string>)[l.id])?.text ?? '未选'}`)
        .join('；');
  }
}

export const describeKey = (q: Question) => describeResponse(q, q.answer);

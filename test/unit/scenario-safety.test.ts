import { describe, it, expect } from 'vitest';
import { createScenarioMachine, replay, currentId, criticalBreaches, scoreAttempt, loadScenarios } from '../../src/scenarios';
import { readContent } from '../../src/content/read';

// Plays of the emergency role-plays that break a courseware 禁止/必须 must fail,
// whatever their scores: each is the best path with the one breach put in.
const library = loadScenarios(readContent(process.cwd()).scenarios);

function result(id: string, choices: string[]) {
  const s = library.get(id)!;
  const snap = replay(createScenarioMachine(s.def), choices);
  const ending = currentId(snap);
  const breaches = criticalBreaches(s.def, snap.context.steps);
  const scores = scoreAttempt(s.def, s.analysis.best, snap.context.totals, s.def.endings[ending]!.outcome, breaches.length);
  return { ending, breaches: breaches.map((b) => b.choice), passed: scores.passed };
}

const BEST = {
  'power-outage': ['call-supply', 'greet-calm', 'honest-update', 'stay-home', 'notice-all', 'one-by-one', 'callback-care'],
  'lift-entrapment': ['answer-now', 'reassure-locate', 'dispatch-all', 'no-prying', 'call-120', 'aftercare'],
  'phone-repair-call': ['answer-greet', 'confirm-id', 'safety-recap', 'standard-time', 'note-deadline', 'polite-end'],
  'fire-report': ['locate', 'call-119', 'check-smoke', 'shelter', 'guide-count', 'tell-firefighters'],
} as const;

describe('safety breaches in the emergency role-plays fail the play', () => {
  for (const [id, path] of Object.entries(BEST)) {
    it(`${id}: the best path is the one these cases vary, and it passes`, () => {
      expect(library.get(id)!.analysis.bestPath.choices).toEqual(path);
      expect(result(id, [...path])).toMatchObject({ ending: 'resolved', breaches: [], passed: true });
    });
  }

  const cases: [string, string, string[], string][] = [
    ['power-outage', 'restarting all lifts at once', ['call-supply', 'greet-calm', 'honest-update', 'stay-home', 'notice-all', 'all-at-once'], 'all-at-once'],
    ['power-outage', 'pulling the lift watch when the power comes back', ['call-supply', 'greet-calm', 'honest-update', 'stay-home', 'notice-all', 'leave-it'], 'leave-it'],
    ['power-outage', 'leaving the lifts unwatched to answer the phones', ['answer-phones', 'greet-calm', 'honest-late', 'stay-home', 'notice-all', 'one-by-one'], 'answer-phones'],
    ['power-outage', 'leaving the lifts unwatched to look at the switch room', ['check-room', 'greet-calm', 'honest-late', 'stay-home', 'notice-all', 'one-by-one'], 'check-room'],
    ['power-outage', 'telling the elderly owner the lift is usable before it is checked', ['call-supply', 'greet-calm', 'honest-update', 'stay-home', 'notice-all', 'one-by-one', 'callback-lift-ok'], 'callback-lift-ok'],
    ['lift-entrapment', 'sending nobody to the site', ['answer-now', 'reassure-locate', 'maintenance-only', 'no-prying', 'call-120', 'aftercare'], 'maintenance-only'],
    ['lift-entrapment', 'no medical check after the rescue', ['answer-now', 'reassure-locate', 'dispatch-all', 'no-prying', 'call-120', 'send-home'], 'send-home'],
    ['phone-repair-call', 'noting the address without reading it back', ['answer-greet', 'confirm-id', 'noted', 'standard-time', 'note-deadline', 'polite-end'], 'noted'],
    ['phone-repair-call', 'asking unrelated questions instead of reading it back', ['answer-greet', 'confirm-id', 'many-questions', 'standard-time', 'note-deadline', 'polite-end'], 'many-questions'],
    ['phone-repair-call', 'alarming the owner instead of reading it back', ['answer-greet', 'confirm-id', 'scare', 'standard-time', 'note-deadline', 'polite-end'], 'scare'],
  ];
  for (const [id, what, path, breach] of cases) {
    it(`${id}: ${what} fails`, () => {
      const r = result(id, path);
      expect(r.breaches).toEqual([breach]);
      expect(r.passed).toBe(false);
      expect(library.get(id)!.def.endings[r.ending]!.outcome).toBe('failed');
    });
  }
});

describe('fire-report: the smoke is checked before anyone goes into it', () => {
  const def = library.get('fire-report')!.def;
  const MARK = '（消防部门通用指引，课件之外的补充）';
  const choice = (node: string, id: string) => def.nodes[node]!.choices!.find((c) => c.id === id)!;

  it('with thick smoke in the corridor, the best plan is to stay in behind a closed door, marked as guidance beyond the courseware', () => {
    const shelter = choice('smoke-check', 'shelter');
    for (const must of ['关紧房门', '湿', '门缝', '窗', '119', '7栋603', '走不动']) expect(shelter.text).toContain(must);
    expect(shelter.feedback).toContain(MARK);
    expect(def.endings.resolved!.debrief).toContain(MARK);
  });

  it('going down the stairs without asking about the smoke no longer scores as the best move', () => {
    const best = library.get('fire-report')!.analysis.bestChoiceAt;
    expect(best.evacuate).toBe('check-smoke');
    expect(result('fire-report', ['locate', 'call-119', 'stairs', 'hurry', 'guide-count', 'tell-firefighters']).ending).not.toBe('resolved');
  });

  it('no choice that scores well sends a guard into the smoke, so the two guard choices agree', () => {
    const upstairs = /保安.{0,12}(上去|上8楼|楼梯口接)/;
    for (const [node, n] of Object.entries(def.nodes)) {
      for (const c of n.choices ?? []) {
        if (upstairs.test(c.text)) expect((c.effects?.solution ?? 0) < 0, `${node}.${c.id}`).toBe(true);
      }
    }
  });
});

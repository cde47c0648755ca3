import { useMemo, useRef, useState, useEffect, useCallback } from 'react';
import { createScenarioMachine, replay, currentId, transition, initialTransition, type ScenarioSnapshot } from '../../scenarios/machine';
import { buildDebrief } from '../../scenarios/debrief';
import { availableChoices } from '../../scenarios/rules';
import type { Scenario } from '../../scenarios/schema';
import type { Mode } from '../../scenarios/attempts';
import { t } from '../../i18n';
import ScoreBars from './ScoreBars';
import MoodChart from './MoodChart';
import DecisionReview from './DecisionReview';

export interface PlayerProps {
  scenario: Scenario;
  bestChoiceAt: Record<string, string>;
  /** Choices of a half-played attempt to resume. */
  initialChoices: string[];
  initialMode: Mode;
  /** Seeds the order choices are shown in (rendered the same on server and client). */
  seed: number;
}

interface ServerResult {
  id: string;
  ending: string;
  outcome: 'resolved' | 'partial' | 'escalated' | 'failed';
  scores: { calmness: number; empathy: number; solution: number; overall: number; passed: boolean };
  moods: number[];
}

/** A stable pseudo-random order per node: shuffled, but identical on every render of the same attempt. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
const shuffled = <T extends { id: string }>(items: T[], seed: number, node: string) =>
  [...items].sort((a, b) => hash(`${seed}:${node}:${a.id}`) - hash(`${seed}:${node}:${b.id}`));

const moodLevel = (m: number) => t.scenario.moodLevels[m <= 30 ? 0 : m <= 60 ? 1 : m <= 85 ? 2 : 3];

function restore(machine: ReturnType<typeof createScenarioMachine>, choices: string[]): ScenarioSnapshot {
  try {
    return replay(machine, choices, { allowIncomplete: true });
  } catch {
    return initialTransition(machine)[0];
  }
}

const send = (url: string, method: string, body?: unknown) =>
  fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });

export default function ScenarioPlayer({ scenario, bestChoiceAt, initialChoices, initialMode, seed: initialSeed }: PlayerProps) {
  const machine = useMemo(() => createScenarioMachine(scenario), [scenario]);
  const [snap, setSnap] = useState<ScenarioSnapshot>(() => restore(machine, initialChoices));
  const [mode, setMode] = useState<Mode>(initialMode);
  const [seed, setSeed] = useState(initialSeed);
  const [result, setResult] = useState<ServerResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const latest = useRef<HTMLLIElement | null>(null);
  const moved = useRef(false);

  const choiceIds = snap.context.steps.map((s) => s.choice);
  const done = snap.status === 'done';
  const here = currentId(snap);
  const compiled = useMemo(() => ({ def: scenario, analysis: { bestChoiceAt } }), [scenario, bestChoiceAt]);
  const transcript = useMemo(() => buildDebrief(compiled, choiceIds), [compiled, choiceIds.join(',')]);
  const apiBase = `/api/scenarios/${scenario.id}`;

  const submit = useCallback(
    async (ids: string[]) => {
      setSubmitting(true);
      setError(null);
      try {
        const res = await send(`${apiBase}/attempts`, 'POST', { scenarioId: scenario.id, version: scenario.version, choiceIds: ids, mode });
        const body = await res.json().catch(() => ({}));
        if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
        setResult(body.attempt);
      } catch (e) {
        setError((e as Error).message);
      } finally {
        setSubmitting(false);
      }
    },
    [apiBase, scenario.id, scenario.version, mode],
  );

  function choose(choiceId: string) {
    if (done) return;
    const [next] = transition(machine, snap, { type: 'scenario.choose', choiceId });
    if (next.context.steps.length === snap.context.steps.length) return;
    moved.current = true;
    setSnap(next);
    const ids = next.context.steps.map((s) => s.choice);
    if (next.status === 'done') void submit(ids);
    else void send(`${apiBase}/progress`, 'PUT', { scenarioId: scenario.id, version: scenario.version, choiceIds: ids, mode }).catch(() => {});
  }

  async function restart() {
    await send(`${apiBase}/progress`, 'DELETE').catch(() => {});
    moved.current = true;
    setResult(null);
    setError(null);
    setSeed((s) => (s * 1103515245 + 12345) >>> 0);
    setSnap(initialTransition(machine)[0]);
  }

  // Move focus to the newest line so keyboard and screen-reader users follow the conversation.
  useEffect(() => {
    if (moved.current) latest.current?.focus();
  }, [choiceIds.length, result]);

  const speakerName = (speaker: string) =>
    speaker === 'owner' ? scenario.roles.owner.name : t.scenario.speakers[speaker as keyof typeof t.scenario.speakers] ?? '';
  const node = done ? undefined : scenario.nodes[here];
  const ending = done ? scenario.endings[here] : undefined;
  const mood = snap.context.mood;

  return (
    <section className="player" aria-label={scenario.title}>
      <div className="player-bar">
        <fieldset className="mode-switch" disabled={choiceIds.length > 0 || done}>
          <legend className="visually-hidden">模式</legend>
          {(['practice', 'assessment'] as const).map((m) => (
            <label key={m} className={mode === m ? 'on' : ''}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              <span>{t.scenario[m]}</span>
            </label>
          ))}
        </fieldset>
        <div className="mood-meter">
          <span id="mood-label">{t.scenario.mood}</span>
          <div className="meter" role="meter" aria-labelledby="mood-label" aria-valuemin={0} aria-valuemax={100} aria-valuenow={mood} aria-valuetext={`${mood}（${moodLevel(mood)}）`}>
            <span className="meter-fill" style={{ width: `${mood}%`, background: `hsl(${Math.round(130 - mood * 1.3)} 55% 42%)` }} />
          </div>
          <span className="meter-value" data-testid="mood-value">{mood}</span>
          <span className="meter-level">{moodLevel(mood)}</span>
        </div>
      </div>
      <p className="hint mode-hint">{mode === 'practice' ? t.scenario.practiceHint : t.scenario.assessmentHint}</p>

      <ol className="chat">
        {transcript.map((d, i) => (
          <li key={`${d.node}-${i}`} className="turn">
            <div className={`bubble them ${d.speaker}`}>
              <span className="who">{speakerName(d.speaker)}{d.emotion && <span className="emotion">{d.emotion}</span>}</span>
              <p>{d.line}</p>
            </div>
            <div className="bubble me">
              <span className="who">{t.scenario.you}</span>
              <p>{d.chosen.text}</p>
            </div>
            {mode === 'practice' && (
              <div className={`feedback-note ${d.delta.calmness + d.delta.empathy + d.delta.solution > 0 ? 'good' : d.delta.calmness + d.delta.empathy + d.delta.solution < 0 ? 'bad' : 'neutral'}`}>
                {d.chosen.feedback.map((f, j) => <p key={j}>{f}</p>)}
                <p className="point">{d.chosen.point} · {t.scenario.moodChange(d.moodBefore, d.moodAfter)}</p>
              </div>
            )}
          </li>
        ))}
        {node && (
          <li className="turn current" ref={latest} tabIndex={-1} aria-live="polite">
            <div className={`bubble them ${node.speaker}`}>
              <span className="who">{speakerName(node.speaker ?? 'owner')}{node.emotion && <span className="emotion">{node.emotion}</span>}</span>
              <p>{node.line}</p>
            </div>
          </li>
        )}
        {ending && (
          <li className="turn ending" ref={latest} tabIndex={-1}>
            {ending.line && (
              <div className="bubble them owner">
                <span className="who">{scenario.roles.owner.name}</span>
                <p>{ending.line}</p>
              </div>
            )}
            <p className={`ending-banner ${ending.outcome}`}>结局：{t.scenario.outcomes[ending.outcome]}</p>
          </li>
        )}
      </ol>

      {node && (
        <div className="choices" role="group" aria-labelledby="choose-heading">
          <h2 id="choose-heading">{t.scenario.choose}</h2>
          <ul>
            {shuffled(availableChoices(node, snap.context), seed, here).map((c) => (
              <li key={c.id}>
                <button type="button" className="choice-button" data-choice={c.id} onClick={() => choose(c.id)}>
                  {c.text}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      {done && (
        <div className="debrief" aria-live="polite">
          {submitting && <p className="notice info">{t.scenario.submitting}</p>}
          {error && (
            <p className="notice bad" role="alert">
              {t.scenario.submitFailed}{error}{' '}
              <button type="button" className="button secondary" onClick={() => submit(choiceIds)}>{t.scenario.retrySubmit}</button>
            </p>
          )}
          {result && ending && (
            <>
              <h2>{t.scenario.debrief}</h2>
              <div className="debrief-grid">
                <div className="card"><ScoreBars scores={result.scores} minEach={scenario.pass.minEach} /></div>
                <div className="card"><MoodChart moods={result.moods} limit={scenario.moodLimit?.at} /></div>
              </div>
              <div className="card">
                <p>{ending.debrief}</p>
                <p className="model-answer"><strong>{t.scenario.modelAnswer}：</strong>{ending.modelAnswer}</p>
              </div>
              <h3>{t.scenario.decisions}</h3>
              <DecisionReview decisions={transcript} ownerName={scenario.roles.owner.name} />
            </>
          )}
          <p className="actions">
            <button type="button" className="button" onClick={restart}>{t.scenario.restart}</button>
            <a className="button secondary" href="/scenarios">{t.scenario.backToList}</a>
          </p>
        </div>
      )}
    </section>
  );
}

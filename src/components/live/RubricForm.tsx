import { useState } from 'react';
import type { Rubric } from '../../live/rubric';
import { post } from './useLive';

const DIMS = ['calmness', 'empathy', 'solution'] as const;

/** Scores one agent 1–5 on the three dimensions, each level described in the courseware's words. */
export default function RubricForm({ sessionId, agent, rubric }: { sessionId: string; agent: { id: string; name: string }; rubric: Rubric }) {
  const [scores, setScores] = useState<Record<string, number>>({});
  const [comment, setComment] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const missing = DIMS.filter((d) => !scores[d]).length;
  const complete = missing === 0;
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const err = await post(`/api/live/${sessionId}/rate`, { agentId: agent.id, ...scores, comment });
    setMsg(err ? { ok: false, text: err } : { ok: true, text: `已保存对 ${agent.name} 的评分` });
  }
  return (
    <form className="rubric-form" onSubmit={submit} aria-label={`为${agent.name}评分`}>
      <h3>为客服 {agent.name} 评分</h3>
      {DIMS.map((d) => {
        const dim = rubric.dimensions[d];
        return (
          <fieldset key={d}>
            <legend>{dim.name}<span className="hint">：{dim.point}</span></legend>
            <div className="levels">
              {([1, 2, 3, 4, 5] as const).map((lv) => (
                <label key={lv} className={scores[d] === lv ? 'on' : ''} title={dim.levels[lv]}>
                  <input type="radio" name={`${agent.id}-${d}`} value={lv} checked={scores[d] === lv} onChange={() => setScores({ ...scores, [d]: lv })} />
                  <span>{lv}</span>
                </label>
              ))}
            </div>
            {scores[d] && <p className="hint level-text">{dim.levels[scores[d] as 1]}</p>}
          </fieldset>
        );
      })}
      <label htmlFor={`c-${agent.id}`}>评语（可选）</label>
      <textarea id={`c-${agent.id}`} value={comment} maxLength={500} onChange={(e) => setComment(e.target.value)} rows={2} />
      {msg && <p className={`notice ${msg.ok ? 'ok' : 'bad'}`} role="status">{msg.text}</p>}
      <button className="primary" type="submit" disabled={!complete} aria-describedby={complete ? undefined : `why-${agent.id}`}>提交评分</button>
      {missing > 0 && <p className="why-disabled" id={`why-${agent.id}`}>还有 {missing} 项未评分</p>}
    </form>
  );
}

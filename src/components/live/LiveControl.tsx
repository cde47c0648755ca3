import { useState } from 'react';
import { useLiveStream, post, OUTCOME, type FullView } from './useLive';
import TallyBars from './TallyBars';
import RubricForm from './RubricForm';
import type { Rubric } from '../../live/rubric';
import { majorityOf } from './majority';

interface Props {
  initial: FullView;
  qr: string;
  joinUrl: string;
  rubric: Rubric;
}

/** The trainer's control panel: who is in, the live tally, reveal and advance, pairing and rubric scoring. */
export default function LiveControl({ initial, qr, joinUrl, rubric }: Props) {
  const { view, connected } = useLiveStream(initial.id, initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (action: string, choiceId?: string) => {
    setBusy(true);
    setError((await post(`/api/live/${view.id}/control`, { action, choiceId })) ?? null);
    setBusy(false);
  };
  const top = majorityOf(view.tally);
  return (
    <div className="live-control">
      <div className="live-head card">
        <div className="join-box">
          <div className="qr" dangerouslySetInnerHTML={{ __html: qr }} />
          <div>
            <p className="hint">学员用手机登录后打开 <strong>{joinUrl}</strong>，输入课堂代码：</p>
            <p className="join-code" data-testid="join-code">{view.code}</p>
            <p className="hint">
              <a href={`/trainer/live/${view.id}/projector`} target="_blank" rel="noopener">打开投影视图 ↗</a> · <span className={connected ? 'conn ok' : 'conn'}>{connected ? '● 实时连接中' : '○ 正在连接…'}</span>
            </p>
          </div>
        </div>
        <div>
          <h2>已加入 <span data-testid="participant-count">{view.participants.length}</span> 人</h2>
          <ul className="chips" data-testid="participants">{view.participants.map((p) => <li key={p.id}>{p.name}</li>)}</ul>
        </div>
      </div>
      {error && <p className="notice bad" role="alert">{error}</p>}

      {view.status === 'lobby' && (
        <div className="card">
          <p>等学员都加入后开始。{view.mode === 'pairs' ? '分组演练：开始时系统会自动两两分组（人数为单数时最后一组加一名观察员）。' : '全班投票：每个决策点大家用手机投票，你揭晓后再推进。'}</p>
          <button className="primary" disabled={busy} onClick={() => act(view.mode === 'pairs' ? 'pair' : 'start')}>
            {view.mode === 'pairs' ? '自动分组并开始' : '开始演练'}
          </button>
        </div>
      )}

      {view.status !== 'lobby' && view.mode === 'vote' && (
        <section className="card" aria-live="polite">
          {view.node && (
            <>
              <p className="hint">第 {view.step} 个决策点 · 业主情绪 {view.mood}</p>
              <p className="live-line"><strong>{view.node.speakerName}</strong>{view.node.emotion && <span className="emotion">{view.node.emotion}</span>}：{view.node.line}</p>
              <p className="hint">已投票 <span data-testid="voted">{view.voted}</span> / {view.participants.length}</p>
              <TallyBars view={view} highlight={view.revealed ? top : undefined} />
              {view.status === 'running' && (
                <div className="actions">
                  {!view.revealed ? (
                    <button className="primary" disabled={busy} onClick={() => act('reveal')}>揭晓投票与点评</button>
                  ) : (
                    <>
                      <button className="primary" disabled={busy || !top} onClick={() => act('advance')} aria-describedby={top ? undefined : 'advance-why'}>按全班选择推进</button>
                      {!top && (
                        <p className="why-disabled" id="advance-why" data-testid="advance-why">
                          {view.voted ? '平票：请选择一个选项继续（点下面的“沿 … 推进”）' : '无人投票：请选择一个选项继续（点下面的“沿 … 推进”）'}
                        </p>
                      )}
                    </>
                  )}
                  {view.choices.map((c, i) => (
                    <button key={c.id} className="button secondary" disabled={busy} onClick={() => act('advance', c.id)}>沿 {String.fromCharCode(65 + i)} 推进</button>
                  ))}
                </div>
              )}
            </>
          )}
          {view.ending && (
            <div>
              <p className={`ending-banner ${view.ending.outcome}`}>结局：{OUTCOME[view.ending.outcome]}</p>
              {view.ending.line && <p>{view.ending.line}</p>}
              <p>{view.ending.debrief}</p>
            </div>
          )}
        </section>
      )}

      {view.status !== 'lobby' && view.mode === 'pairs' && (
        <section className="card">
          <h2>分组 · 第 <span data-testid="round">{view.round ?? 1}</span> 轮</h2>
          <p className="hint">每轮结束后点“下一轮”：座次顺移一位，业主变客服，人人都当一次客服{view.pairs.some((p) => p.observers.length) ? '；人数为单数时观察员也轮换' : ''}。</p>
          <ol className="pairs">
            {view.pairs.map((p) => (
              <li key={`${view.round ?? 1}-${p.agent.id}`}>
                <p><span className="tag good">客服</span> {p.agent.name} · <span className="tag neutral">业主</span> {p.owner.name}{p.observers.length > 0 && <> · <span className="tag neutral">观察员</span> {p.observers.map((o) => o.name).join('、')}</>}</p>
                {view.status === 'running' && <RubricForm sessionId={view.id} agent={p.agent} rubric={rubric} />}
              </li>
            ))}
          </ol>
          {view.status === 'running' && (
            <p><button className="button secondary" disabled={busy} onClick={() => act('round')}>下一轮：轮换角色</button></p>
          )}
          {view.rubric && view.rubric.length > 0 && (
            <>
              <h3>评分平均</h3>
              <ul>{view.rubric.map((r) => <li key={r.agentId}>{view.participants.find((p) => p.id === r.agentId)?.name}：情绪管理 {r.calmness} · 同理心表达 {r.empathy} · 解决导向 {r.solution}（{r.ratings} 份）</li>)}</ul>
            </>
          )}
        </section>
      )}

      {view.status !== 'ended' ? (
        <p><button className="button danger" disabled={busy} onClick={() => confirm('结束本场课堂演练？') && act('end')}>结束演练</button></p>
      ) : (
        <p className="notice ok" role="status">本场演练已结束，总结已保存到班级页面。</p>
      )}
    </div>
  );
}

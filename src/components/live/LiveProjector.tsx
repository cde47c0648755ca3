import { useLiveStream, OUTCOME, type FullView } from './useLive';
import TallyBars from './TallyBars';
import { majorityOf } from './majority';
import type { Rubric } from '../../live/rubric';

const DIMS = ['calmness', 'empathy', 'solution'] as const;

/**
 * The projector: large type (≥ 24 px, growing with the screen), laid out to fit one
 * screen without scrolling (1280×720 up to 1920×1080); updates live.
 */
export default function LiveProjector({ initial, qr, joinUrl, rubric }: { initial: FullView; qr: string; joinUrl: string; rubric: Rubric }) {
  const { view } = useLiveStream(initial.id, initial);
  const top = view.revealed ? majorityOf(view.tally) : undefined;
  // The class's mean per rubric item, over every score given so far (no one's own score on the wall).
  const ratings = (view.rubric ?? []).reduce((a, r) => a + r.ratings, 0);
  const classMean = (d: (typeof DIMS)[number]) => Math.round(((view.rubric ?? []).reduce((a, r) => a + r[d] * r.ratings, 0) / ratings) * 10) / 10;
  return (
    <div className={`projector ${view.revealed ? 'revealed' : ''}`} aria-live="polite">
      <header className="projector-head">
        <h1>{view.title}</h1>
        {view.status !== 'lobby' && view.mode === 'vote' && view.node && (
          <span className="projector-votes">第 {view.step} 题 · 已投票 <strong data-testid="voted">{view.voted}</strong> / {view.participants.length}</span>
        )}
        {view.mode === 'pairs' && view.round && <span className="projector-votes" data-testid="round">第 {view.round} 轮</span>}
        <span className="projector-code">课堂代码 <strong>{view.code}</strong></span>
      </header>
      {view.status === 'lobby' && (
        <div className="projector-lobby">
          <div className="qr big" dangerouslySetInnerHTML={{ __html: qr }} />
          <div>
            <p>手机登录后打开 {joinUrl}</p>
            <p className="join-code">{view.code}</p>
            <p>已加入 <strong data-testid="participant-count">{view.participants.length}</strong> 人</p>
          </div>
        </div>
      )}
      {view.status !== 'lobby' && view.node && view.mode === 'vote' && (
        <div className="projector-stage">
          <div className="projector-line">
            <p className="who">
              {view.node.speakerName}
              {view.node.emotion && <span className="emotion">{view.node.emotion}</span>}
              <span className="projector-mood">
                <span>业主情绪</span>
                <span className="meter" aria-hidden="true"><span className="meter-fill" style={{ width: `${view.mood}%`, background: `hsl(${Math.round(130 - view.mood * 1.3)} 55% 42%)` }} /></span>
                <strong>{view.mood}</strong>
              </span>
            </p>
            <p className="line">{view.node.line}</p>
          </div>
          <TallyBars view={view} highlight={top} points={false} />
        </div>
      )}
      {view.mode === 'pairs' && view.status !== 'lobby' && (
        <div className="projector-pairs">
          <p>业主按手机上的情景和台词表演，客服按六步应对，观察员和培训师用评分表打分。每一轮结束后轮换角色，每个人都会当一次客服。</p>
          <table className="projector-table">
            <caption className="visually-hidden">第 {view.round ?? 1} 轮分组</caption>
            <thead><tr><th scope="col">组</th><th scope="col">客服</th><th scope="col">业主</th><th scope="col">观察员</th></tr></thead>
            <tbody>
              {view.pairs.map((p, i) => (
                <tr key={p.agent.id}>
                  <th scope="row">第 {i + 1} 组</th>
                  <td>{p.agent.name}</td>
                  <td>{p.owner.name}</td>
                  <td>{p.observers.length ? p.observers.map((o) => o.name).join('、') : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <section className="projector-rubric" aria-label="评分汇总">
            <h2>评分汇总</h2>
            {ratings > 0 ? (
              <>
                <ul data-testid="rubric-summary">
                  {DIMS.map((d) => (
                    <li key={d}><span>{rubric.dimensions[d].name}</span><strong>{classMean(d).toFixed(1)}</strong><span className="of"> / 5</span></li>
                  ))}
                </ul>
                <p className="projector-note">全班平均，共 {ratings} 份评分</p>
              </>
            ) : (
              <p className="projector-note">还没有评分：观察员和培训师提交评分后，这里显示每项的平均分。</p>
            )}
          </section>
        </div>
      )}
      {view.ending && (
        <div className="projector-line">
          <p className={`ending-banner ${view.ending.outcome}`}>结局：{OUTCOME[view.ending.outcome]}</p>
          <p className="line">{view.ending.debrief}</p>
        </div>
      )}
      {view.status === 'ended' && <p className="projector-votes">本场演练已结束</p>}
    </div>
  );
}

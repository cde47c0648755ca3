import { useLiveStream, OUTCOME, type FullView } from './useLive';
import TallyBars from './TallyBars';
import { majorityOf } from './majority';

/** The projector: large type, readable from the back of the room; updates live. */
export default function LiveProjector({ initial, qr, joinUrl }: { initial: FullView; qr: string; joinUrl: string }) {
  const { view } = useLiveStream(initial.id, initial);
  const top = view.revealed ? majorityOf(view.tally) : undefined;
  return (
    <div className="projector" aria-live="polite">
      <header className="projector-head">
        <h1>{view.title}</h1>
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
        <>
          <div className="projector-line">
            <p className="who">{view.node.speakerName}{view.node.emotion && <span className="emotion">{view.node.emotion}</span>}</p>
            <p className="line">{view.node.line}</p>
          </div>
          <div className="projector-mood">
            <span>业主情绪</span>
            <span className="meter"><span className="meter-fill" style={{ width: `${view.mood}%`, background: `hsl(${Math.round(130 - view.mood * 1.3)} 55% 42%)` }} /></span>
            <strong>{view.mood}</strong>
          </div>
          <p className="projector-votes">已投票 <strong data-testid="voted">{view.voted}</strong> / {view.participants.length}</p>
          <TallyBars view={view} highlight={top} />
        </>
      )}
      {view.mode === 'pairs' && view.status !== 'lobby' && (
        <div className="projector-pairs">
          <p>分组演练：业主按手机上的情景和台词表演，客服按六步应对，观察员和培训师用评分表打分。</p>
          <ol>{view.pairs.map((p) => <li key={p.agent.id}>业主 {p.owner.name} · 客服 {p.agent.name}{p.observers.length > 0 && ` · 观察员 ${p.observers.map((o) => o.name).join('、')}`}</li>)}</ol>
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

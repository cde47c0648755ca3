import { useEffect, useMemo, useRef, useState } from 'react';
import type { PublicQuestion } from '../../quiz/paper';

type Answer = string | string[] | boolean | Record<string, string>;

export interface ExamRunnerProps {
  attemptId: string;
  questions: PublicQuestion[];
  /** Answers already saved on the server (in the paper's option tokens). */
  saved: Record<string, Answer>;
  deadline: string;
  /** Server clock at render, to correct a phone's wrong clock. */
  serverNow: string;
  categoryLabels: Record<string, string>;
}

type SaveState = 'saved' | 'saving' | 'offline';

const TYPE_LABEL: Record<string, string> = { single: '单选', multiple: '多选', truefalse: '判断', ordering: '排序', matching: '配对' };

const fmt = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * The exam: every change is saved to the server at once; while offline the
 * changes wait in this browser (localStorage) and are sent when the network
 * returns, so a reload or a dropped connection loses nothing. The countdown
 * follows the server's deadline; at zero the paper is handed in.
 */
export default function ExamRunner({ attemptId, questions, saved, deadline, serverNow, categoryLabels }: ExamRunnerProps) {
  const pendingKey = `exam-pending:${attemptId}`;
  const [answers, setAnswers] = useState<Record<string, Answer>>(saved);
  const [state, setState] = useState<SaveState>('saved');
  const [left, setLeft] = useState(() => Date.parse(deadline) - Date.parse(serverNow));
  const [confirming, setConfirming] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pending = useRef<Record<string, Answer | null>>({});
  const offset = useMemo(() => Date.parse(serverNow) - Date.now(), [serverNow]);
  const submitted = useRef(false);
  // Focus follows the confirm step: to 确定交卷 when it opens, back to 交卷 when the trainee goes on checking.
  const submitButton = useRef<HTMLButtonElement | null>(null);
  const confirmButton = useRef<HTMLButtonElement | null>(null);
  const backToSubmit = useRef(false);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (backToSubmit.current) {
      backToSubmit.current = false;
      submitButton.current?.focus();
    }
  }, [confirming]);

  async function flush() {
    const entries = Object.entries(pending.current);
    if (!entries.length) return setState('saved');
    setState('saving');
    for (const [questionId, response] of entries) {
      try {
        const res = await fetch(`/api/exam/${attemptId}/answers`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ questionId, response }),
        });
        if (res.status === 409) {
          window.location.reload();
          return;
        }
        if (!res.ok && res.status !== 400) throw new Error(String(res.status));
        if (pending.current[questionId] === response) delete pending.current[questionId];
      } catch {
        setState('offline');
        localStorage.setItem(pendingKey, JSON.stringify(pending.current));
        return;
      }
    }
    localStorage.setItem(pendingKey, JSON.stringify(pending.current));
    setState(Object.keys(pending.current).length ? 'saving' : 'saved');
  }

  // Changes made while offline (or before a reload) are brought back and sent again.
  useEffect(() => {
    try {
      const kept = JSON.parse(localStorage.getItem(pendingKey) ?? '{}') as Record<string, Answer | null>;
      if (Object.keys(kept).length) {
        pending.current = kept;
        setAnswers((a) => {
          const next = { ...a };
          for (const [k, v] of Object.entries(kept)) {
            if (v === null) delete next[k];
            else next[k] = v;
          }
          return next;
        });
        void flush();
      }
    } catch {
      /* unreadable local copy: the server's answers stand */
    }
    const online = () => void flush();
    window.addEventListener('online', online);
    const retry = setInterval(() => Object.keys(pending.current).length && void flush(), 10_000);
    return () => {
      window.removeEventListener('online', online);
      clearInterval(retry);
    };
  }, []);

  useEffect(() => {
    const tick = setInterval(() => {
      const remaining = Date.parse(deadline) - (Date.now() + offset);
      setLeft(remaining);
      if (remaining <= 0 && !submitted.current) void submit();
    }, 1000);
    return () => clearInterval(tick);
  }, []);

  function answer(id: string, value: Answer | null) {
    setAnswers((a) => {
      const next = { ...a };
      if (value === null) delete next[id];
      else next[id] = value;
      return next;
    });
    pending.current[id] = value;
    localStorage.setItem(pendingKey, JSON.stringify(pending.current));
    void flush();
  }

  async function submit() {
    submitted.current = true;
    setBusy(true);
    setSubmitError(null);
    await flush();
    try {
      const res = await fetch(`/api/exam/${attemptId}/submit`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      if (!res.ok && res.status !== 409) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
      localStorage.removeItem(pendingKey);
      window.location.assign(`/exam/${attemptId}`);
    } catch (e) {
      submitted.current = false;
      setBusy(false);
      setSubmitError((e as Error).message);
    }
  }

  const answered = questions.filter((q) => answers[q.id] !== undefined).length;
  const urgent = left < 5 * 60_000;
  const current = (questions.find((q) => answers[q.id] === undefined) ?? questions[0])?.number ?? 1;

  /** Scrolls to question `n` and puts focus on its first choice (or on the question). */
  function goTo(n: number) {
    const li = document.getElementById(`q-${n}`);
    if (!li) return;
    li.scrollIntoView({ block: 'start' });
    (li.querySelector<HTMLElement>('input, select, button, textarea') ?? li).focus({ preventScroll: true });
    history.replaceState(history.state, '', `#q-${n}`);
  }

  return (
    <div className="exam">
      <div className={`exam-bar ${urgent ? 'urgent' : ''}`}>
        <span className="timer" role="timer" aria-label="剩余时间">剩余 {fmt(left)}</span>
        <span className="answered" data-testid="answered">已答 {answered} / {questions.length}</span>
        <span className={`save-state ${state}`} role="status" data-testid="save-state">
          {state === 'saved' ? '✓ 已保存' : state === 'saving' ? '正在保存…' : '网络中断：答案暂存在本机，恢复后自动保存'}
        </span>
      </div>
      {urgent && left > 0 && <p className="notice bad" role="alert">剩余不到 5 分钟，时间到会自动交卷。</p>}
      {/* Keyboard users skip the 40 number links to the question to work on: the first one unanswered. */}
      <a className="exam-skip" href={`#q-${current}`} onClick={(e) => { e.preventDefault(); goTo(current); }}>跳过题号，到第 {current} 题</a>
      <nav className="exam-nav" aria-label="题目导航">
        {questions.map((q) => (
          <a key={q.id} href={`#q-${q.number}`} className={answers[q.id] !== undefined ? 'done' : ''} aria-label={`第 ${q.number} 题${answers[q.id] !== undefined ? '（已答）' : '（未答）'}`}>
            {q.number}
          </a>
        ))}
      </nav>
      <ol className="exam-questions">
        {questions.map((q) => (
          <li key={q.id} id={`q-${q.number}`}>
            <QuestionCard q={q} value={answers[q.id]} onChange={(v) => answer(q.id, v)} category={categoryLabels[q.category] ?? q.category} />
          </li>
        ))}
      </ol>
      <div className="exam-submit card">
        {submitError && <p className="notice bad" role="alert">交卷失败：{submitError}（答案已保存，可以再试一次）</p>}
        {!confirming ? (
          <button type="button" className="primary" ref={submitButton} onClick={() => setConfirming(true)} disabled={busy}>交卷</button>
        ) : (
          <div role="alertdialog" aria-labelledby="confirm-title">
            <p id="confirm-title">
              {answered < questions.length ? `还有 ${questions.length - answered} 题未作答。` : '全部题目都已作答。'}交卷后不能再修改，确定交卷吗？
            </p>
            <button type="button" className="primary" ref={confirmButton} onClick={submit} disabled={busy}>确定交卷</button>{' '}
            <button type="button" className="button secondary" onClick={() => { backToSubmit.current = true; setConfirming(false); }} disabled={busy}>继续检查</button>
          </div>
        )}
      </div>
    </div>
  );
}

function QuestionCard({ q, value, onChange, category }: { q: PublicQuestion; value: Answer | undefined; onChange: (v: Answer | null) => void; category: string }) {
  const name = `q-${q.id}`;
  return (
    <fieldset className="exam-q" data-question={q.id}>
      <legend>
        <span className="qnum">{q.number}.</span> {q.stem}
        <span className="qtype">（{TYPE_LABEL[q.type]} · {category}）</span>
      </legend>
      {q.type === 'single' &&
        q.options!.map((o) => (
          <label key={o.id} className="choice">
            <input type="radio" name={name} value={o.id} checked={value === o.id} onChange={() => onChange(o.id)} />
            <span>{o.text}</span>
          </label>
        ))}
      {q.type === 'multiple' &&
        q.options!.map((o) => {
          const list = Array.isArray(value) ? (value as string[]) : [];
          return (
            <label key={o.id} className="choice">
              <input
                type="checkbox"
                name={name}
                value={o.id}
                checked={list.includes(o.id)}
                onChange={(e) => {
                  const next = e.target.checked ? [...list, o.id] : list.filter((x) => x !== o.id);
                  onChange(next.length ? next : null);
                }}
              />
              <span>{o.text}</span>
            </label>
          );
        })}
      {q.type === 'truefalse' &&
        ([true, false] as const).map((v) => (
          <label key={String(v)} className="choice">
            <input type="radio" name={name} checked={value === v} onChange={() => onChange(v)} />
            <span>{v ? '正确' : '错误'}</span>
          </label>
        ))}
      {q.type === 'ordering' && <Ordering q={q} value={value as string[] | undefined} onChange={onChange} />}
      {q.type === 'matching' && (
        <div className="matching">
          {q.left!.map((l) => {
            const map = (value as Record<string, string> | undefined) ?? {};
            const id = `${name}-${l.id}`;
            return (
              <div key={l.id} className="match-row">
                <label htmlFor={id}>{l.text}</label>
                <select
                  id={id}
                  value={map[l.id] ?? ''}
                  onChange={(e) => {
                    const next = { ...map };
                    if (e.target.value) next[l.id] = e.target.value;
                    else delete next[l.id];
                    onChange(Object.keys(next).length ? next : null);
                  }}
                >
                  <option value="">请选择</option>
                  {q.right!.map((r) => (
                    <option key={r.id} value={r.id}>{r.text}</option>
                  ))}
                </select>
              </div>
            );
          })}
        </div>
      )}
    </fieldset>
  );
}

/** Ordering with buttons, not dragging: works with a keyboard, a screen reader and a thumb. */
function Ordering({ q, value, onChange }: { q: PublicQuestion; value: string[] | undefined; onChange: (v: Answer | null) => void }) {
  const order = value ?? q.options!.map((o) => o.id);
  const text = (id: string) => q.options!.find((o) => o.id === id)!.text;
  const move = (i: number, by: number) => {
    const next = [...order];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange(next);
  };
  return (
    <div className="ordering">
      <p className="hint">用“上移 / 下移”把各项排成正确顺序。{!value && '（尚未作答：移动任一项或点“按此顺序作答”）'}</p>
      <ol>
        {order.map((id, i) => (
          <li key={id}>
            <span className="pos">{i + 1}</span>
            <span className="item">{text(id)}</span>
            <button type="button" className="mini" onClick={() => move(i, -1)} disabled={i === 0} aria-label={`上移：${text(id)}`}>↑</button>
            <button type="button" className="mini" onClick={() => move(i, 1)} disabled={i === order.length - 1} aria-label={`下移：${text(id)}`}>↓</button>
          </li>
        ))}
      </ol>
      {!value && (
        <button type="button" className="button secondary" onClick={() => onChange(order)}>按此顺序作答</button>
      )}
    </div>
  );
}

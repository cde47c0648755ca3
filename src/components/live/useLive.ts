import { useEffect, useState } from 'react';
import type { LiveView } from '../../live/view';
import type { RubricAverage } from '../../live/rubric';

export type FullView = LiveView & { rubric?: RubricAverage[] };

/** Follows a live session over Server-Sent Events; EventSource reconnects and the server resends the current state. */
export function useLiveStream(id: string, initial: FullView) {
  const [view, setView] = useState<FullView>(initial);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const es = new EventSource(`/api/live/${id}/events`);
    es.addEventListener('state', (e) => {
      setView(JSON.parse((e as MessageEvent).data));
      setConnected(true);
    });
    es.onerror = () => setConnected(false);
    return () => es.close();
  }, [id]);
  return { view, connected };
}

/** POSTs JSON; resolves to an error message for people, or undefined on success. */
export async function post(url: string, body: unknown): Promise<string | undefined> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) return undefined;
    return (await res.json().catch(() => ({}))).error ?? `请求失败（${res.status}）`;
  } catch {
    return '网络连接中断，请稍后再试';
  }
}

export const OUTCOME: Record<string, string> = { resolved: '圆满解决', partial: '部分解决', escalated: '已升级处理', failed: '处理失败' };

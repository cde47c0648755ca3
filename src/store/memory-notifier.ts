import type { NotifierPort } from './ports';

/**
 * The notifier for one process: publications reach this process's
 * subscribers, after the publishing write (a microtask later), never inside it.
 * PostgreSQL's adapter fans out across servers with LISTEN/NOTIFY instead.
 */
export function memoryNotifier(): NotifierPort {
  const topics = new Map<string, Set<(payload: string) => void>>();
  return {
    async publish(topic, payload) {
      for (const listener of [...(topics.get(topic) ?? [])]) {
        try {
          listener(payload);
        } catch (e) {
          console.error(`[notifier] a listener of ${topic} failed: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    },
    subscribe(topic, listener) {
      const set = topics.get(topic) ?? new Set();
      set.add(listener);
      topics.set(topic, set);
      return () => {
        set.delete(listener);
        if (!set.size) topics.delete(topic);
      };
    },
  };
}

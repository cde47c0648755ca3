/**
 * Where the records with a key are in one of the store's arrays. The store's
 * arrays only grow (push) or are replaced whole (a removal, a reload), so the
 * index catches up on what was appended since it last looked, and indexes a
 * new array afresh. It keeps positions, not records, so a record replaced in
 * place (`list[i] = next`) is found as it is now. A key that can change in
 * place (a renamed user name) needs `reset()` when it does.
 */
export class ArrayIndex<T> {
  private list?: readonly T[];
  private seen = 0;
  private map = new Map<string, number[]>();
  constructor(private readonly keyOf: (r: T) => string) {}

  /** Every record under `key`, in array order. */
  all(list: readonly T[], key: string): T[] {
    this.catchUp(list);
    const at = this.map.get(key);
    return at ? at.map((i) => list[i]!) : [];
  }

  /** The last record under `key` (keys that are unique: the only one). */
  last(list: readonly T[], key: string): T | undefined {
    this.catchUp(list);
    const at = this.map.get(key);
    return at ? list[at[at.length - 1]!] : undefined;
  }

  reset() {
    this.list = undefined;
  }

  private catchUp(list: readonly T[]) {
    if (list !== this.list || list.length < this.seen) {
      this.list = list;
      this.seen = 0;
      this.map = new Map();
    }
    for (; this.seen < list.length; this.seen++) {
      const k = this.keyOf(list[this.seen]!);
      const at = this.map.get(k);
      if (at) at.push(this.seen);
      else this.map.set(k, [this.seen]);
    }
  }
}

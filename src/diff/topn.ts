/** The N items with the largest keys, as a bounded min-heap: an offer that cannot enter costs one compare. */
export class TopN<T> {
  private keys: number[] = [];
  private items: T[] = [];
  constructor(readonly n: number) {}

  /** would an item with this key enter? (build the item only then) */
  wants(key: number): boolean {
    return this.n > 0 && (this.keys.length < this.n || key > this.keys[0]);
  }

  offer(key: number, item: T): void {
    if (!this.wants(key)) return;
    const k = this.keys;
    const it = this.items;
    if (k.length < this.n) {
      k.push(key);
      it.push(item);
      let i = k.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (k[p] <= k[i]) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    k[0] = key;
    it[0] = item;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < k.length && k[l] < k[m]) m = l;
      if (r < k.length && k[r] < k[m]) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** largest key first */
  sorted(): T[] {
    const idx = this.keys.map((_, i) => i).sort((x, y) => this.keys[y] - this.keys[x]);
    return idx.map((i) => this.items[i]);
  }

  private swap(a: number, b: number): void {
    const k = this.keys;
    const it = this.items;
    const tk = k[a];
    k[a] = k[b];
    k[b] = tk;
    const ti = it[a];
    it[a] = it[b];
    it[b] = ti;
  }
}

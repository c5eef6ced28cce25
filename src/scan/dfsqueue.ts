/**
 * Directories waiting to be scanned, served in depth-first (pre-order) order.
 *
 * Each directory gets a key: its parent's key plus its child index, encoded so that plain string
 * comparison is pre-order (a parent's key is a prefix of its children's, and prefixes sort first).
 * Only queued directories hold a key, so memory follows the frontier, not the tree.
 */
export function childKey(parentKey: string, index: number): string {
  // order-preserving, prefix-free: 0..0xBFFF in one code unit, larger in two (first >= 0xC000)
  if (index < 0xc000) return parentKey + String.fromCharCode(index);
  return parentKey + String.fromCharCode(0xc000 + Math.floor(index / 0x8000)) + String.fromCharCode(index % 0x8000);
}

export class DfsQueue {
  private keys: string[] = [];
  private ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  push(key: string, id: number): void {
    const keys = this.keys;
    const ids = this.ids;
    let i = keys.length;
    keys.push(key);
    ids.push(id);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] <= key) break;
      keys[i] = keys[p];
      ids[i] = ids[p];
      i = p;
    }
    keys[i] = key;
    ids[i] = id;
  }

  /** the id with the smallest key, or -1 */
  pop(): number {
    const keys = this.keys;
    const ids = this.ids;
    const n = ids.length;
    if (n === 0) return -1;
    const top = ids[0];
    const lastK = keys.pop()!;
    const lastI = ids.pop()!;
    const m = n - 1;
    if (m > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        const c = r < m && keys[r] < keys[l] ? r : l;
        if (keys[c] >= lastK) break;
        keys[i] = keys[c];
        ids[i] = ids[c];
        i = c;
      }
      keys[i] = lastK;
      ids[i] = lastI;
    }
    return top;
  }
}

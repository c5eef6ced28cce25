/**
 * A streaming sink that only counts: totals without a tree (used beside the export writer).
 * Hard links are counted once per (dev, ino), as du does. Byte totals are exact (util/exact.ts).
 */
import { Entry, EntryType, Excluded, Sink, SourceInfo } from '../model/entry.js';
import { TreeTotals } from '../tree/tree.js';
import { addBytes } from '../util/exact.js';

export class TotalsSink implements Sink {
  t: TreeTotals = {
    apparentBytes: 0,
    diskBytes: 0,
    entries: 0,
    files: 0,
    dirs: 0,
    symlinks: 0,
    others: 0,
    hardlinks: 0,
    errors: 0,
    excluded: 0,
  };
  root = '';
  info: SourceInfo | null = null;
  private seen = new Set<string>();
  private current: Uint8Array = new Uint8Array(0);

  /** for the progress display */
  progress(): { entries: number; bytes: number; current: Uint8Array } {
    return { entries: this.t.entries, bytes: Number(this.t.diskBytes), current: this.current };
  }

  private count(e: Entry): void {
    const t = this.t;
    t.entries++;
    if (e.readError) t.errors++;
    // an excluded entry is listed, not counted: neither a file nor a directory (see TreeTotals)
    if (e.excluded !== Excluded.None) {
      t.excluded++;
      return;
    }
    if (e.type === EntryType.File) t.files++;
    else if (e.type === EntryType.Dir) t.dirs++;
    else if (e.type === EntryType.Symlink) t.symlinks++;
    else t.others++;
    if (e.type !== EntryType.Dir && e.nlink > 1) {
      t.hardlinks++;
      const key = `${e.dev}:${e.ino}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
    }
    t.apparentBytes = addBytes(t.apparentBytes, e.asize);
    t.diskBytes = addBytes(t.diskBytes, e.dsize);
  }
  enterDir(dir: Entry): void {
    if (!this.root) this.root = Buffer.from(dir.name).toString('utf8');
    this.current = dir.name.slice();
    this.count(dir);
  }
  addEntry(e: Entry): void {
    this.count(e);
  }
  leaveDir(): void {}
  finish(info: SourceInfo): void {
    this.info = info;
  }
}

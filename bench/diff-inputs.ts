/**
 * The diff section's inputs: snapshot A is our export of the reference tree; snapshot B is A's export
 * changed on the way through (the shared reference tree itself is never touched): one top-level
 * directory removed, every 300th file grown by 100 KB, every 1000th emptied, 20 files added in every
 * 50th leaf directory. Real exports, real sizes; only B's changes are synthetic.
 */
import { importExport } from '../src/import/ncdu-reader.js';
import { NcduWriter } from '../src/export/ncdu-writer.js';
import { Entry, EntryType, Sink, SourceInfo, emptyEntry } from '../src/model/entry.js';
import { addBytes } from '../src/util/exact.js';

export interface Changes {
  removedDir: string;
  grown: number;
  emptied: number;
  added: number;
}

class Mutate implements Sink {
  depth = 0;
  skip = 0;
  files = 0;
  leaves = 0;
  c: Changes = { removedDir: 'd07', grown: 0, emptied: 0, added: 0 };
  private readonly extra = emptyEntry();
  constructor(private readonly w: NcduWriter) {}
  enterDir(d: Entry): void {
    this.depth++;
    if (this.skip) {
      this.skip++;
      return;
    }
    if (this.depth === 2 && Buffer.from(d.name).toString() === this.c.removedDir) {
      this.skip = 1;
      return;
    }
    this.w.enterDir(d);
  }
  addEntry(e: Entry): void {
    if (this.skip) return;
    if (e.type === EntryType.File) {
      this.files++;
      if (this.files % 300 === 0) {
        e.asize = addBytes(e.asize, 100_000);
        e.dsize = addBytes(e.dsize, 102_400);
        this.c.grown++;
      } else if (this.files % 1000 === 1 && e.dsize > 0) {
        e.asize = 0;
        e.dsize = 0;
        this.c.emptied++;
      }
    }
    this.w.addEntry(e);
  }
  leaveDir(): void {
    this.depth--;
    if (this.skip) {
      this.skip--;
      return;
    }
    if (this.depth === 2 && ++this.leaves % 50 === 0) {
      for (let k = 0; k < 20; k++) {
        const x = this.extra;
        x.name = Buffer.from(`new-${k}.log`);
        x.type = EntryType.File;
        x.asize = 30_000;
        x.dsize = 32_768;
        x.mtime = 1_800_000_000;
        this.w.addEntry(x);
        this.c.added++;
      }
    }
    this.w.leaveDir();
  }
  async finish(info: SourceInfo): Promise<void> {
    await this.w.finish(info);
  }
}

/** write B (changed) from A's export */
export async function makeChangedExport(a: string, b: string): Promise<Changes> {
  // dated a week later, through the snapshot metadata the diff reads (x_snapshot.time)
  const w = new NcduWriter(b, { meta: { snapshot: { time: new Date(Date.now() + 7 * 86400_000).toISOString() } } });
  const m = new Mutate(w);
  await importExport(a, m);
  return m.c;
}

/**
 * The main thread's V8 heap during a scan: its young generation held at its size, its old
 * generation collected when it has grown by garbage.
 *
 * V8 doubles a thread's new space (two semi-spaces, up to 2 x 16 MiB on 64-bit Node) each time as
 * many bytes have survived its minor collections since the last doubling as it holds. A scan keeps
 * a few objects per directory alive across collections (the queued directories, their paths, the
 * worker messages in flight), so on a tree of many small directories (a real system's: ~11% of
 * the entries) the new space reaches its 32 MiB maximum, all of it resident: 32 bytes per entry on
 * a million entries, more than the tree's own arrays. The limit (--max-semi-space-size) can only be
 * given on the command line, but the growth factor is read at each doubling: 1 stops it.
 *
 * V8 re-applies its flag implications (a growth factor of at least 2) whenever an isolate starts,
 * i.e. a worker thread: hold again after starting workers. The flag is process-wide: worker
 * threads do not grow theirs either (they are capped by their resourceLimits anyway).
 * DISKBLAME_YOUNG=grow leaves V8's default (for measuring).
 *
 * The old generation: what a scan keeps across two minor collections is promoted, and most of it
 * is per-directory state that dies soon after (a queued directory's task, its key, its path: the
 * frontier of a depth-first walk lives long). V8 collects the old generation only once it has
 * grown by a factor of its size at the last full collection (up to 4x, at least 8 MiB more): on a
 * million entries (110k directories) the old and large-object spaces went from 7 MiB live to 10-17
 * MiB with no full collection, and the pages stay resident to the end, the peak. While held,
 * collectIfGrown() (the scanner calls it per message, and once at the scan's end before the sink
 * builds its indexes) collects them itself whenever they have grown by OLD_STEP since the last
 * collection: 8-12 ms each with a 6-7 MiB live heap, two or three per million entries; max RSS
 * 3-4 bytes per entry lower on that tree, CPU time unchanged.
 * DISKBLAME_OLD=grow leaves it to V8 (for measuring).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

const off = process.env.DISKBLAME_YOUNG === 'grow';
const oldOff = process.env.DISKBLAME_OLD === 'grow';
/** growth of the old generation (bytes used) past the last full collection that makes the next one */
const OLD_STEP = 4 * 1024 * 1024;
/** held now (between hold and release) */
let held = false;
/** the old generation's bytes used after the last full collection (or when the hold began) */
let after = 0;
/** calls since the heap's size was last looked at */
let calls = 0;
/** V8's gc(), reached once it is needed (null: not yet, undefined: not available) */
let gc: (() => void) | null | undefined = null;

/** Stop the young generation from growing (this thread's and the workers'); cheap, call again after starting workers. */
export function holdYoungGeneration(): void {
  if (!held) after = oldUsed();
  held = true;
  if (!off) v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/** V8's default growth again (after the scan). */
export function releaseYoungGeneration(): void {
  held = false;
  if (!off) v8.setFlagsFromString('--semi-space-growth-factor=2');
}

/**
 * Hold again if held, after a worker thread of any kind came online (its isolate reset the flag):
 * for threads started by a sink during a scan (the export writer's gzip thread).
 */
export function reholdYoungGeneration(): void {
  if (held) holdYoungGeneration();
}

/** bytes used in the old generation: old space and large objects (what a full collection frees) */
function oldUsed(): number {
  let n = 0;
  for (const s of v8.getHeapSpaceStatistics())
    if (s.space_name === 'old_space' || s.space_name === 'large_object_space') n += s.space_used_size;
  return n;
}

/**
 * While held: a full collection when the old generation has grown by OLD_STEP since the last one
 * (see above). Cheap to call often: it looks at the heap on every 16th call only. `now`: collect
 * now if it grew by half that (the scan's end, before the sink builds its indexes). gc() is reached the
 * way the gzip thread does (export/gzip-thread.ts): the flag set, read by a new context, put back.
 */
export function collectIfGrown(now = false): void {
  if (!held || oldOff || (!now && ++calls & 15)) return;
  const used = oldUsed();
  if (used < after + (now ? OLD_STEP / 2 : OLD_STEP)) return;
  if (gc === null) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
    v8.setFlagsFromString('--no-expose-gc');
  }
  if (!gc) return;
  gc();
  after = oldUsed();
}

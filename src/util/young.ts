/**
 * The main thread's V8 young generation (new space), held at its size while a scan builds a tree.
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
 */
import v8 from 'node:v8';

const off = process.env.DISKBLAME_YOUNG === 'grow';
/** held now (between hold and release) */
let held = false;

/** Stop the young generation from growing (this thread's and the workers'); cheap, call again after starting workers. */
export function holdYoungGeneration(): void {
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

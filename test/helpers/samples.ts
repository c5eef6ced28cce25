/** Usage samples in a store for the forecast, check and metrics tests. */
import fs from 'node:fs';
import path from 'node:path';

const DAY = 86_400_000;
const GIB = 2 ** 30;

/**
 * Append to DIR/samples.jsonl the samples of mount `m` (on `device`): 20 days every 15 min of a
 * 50 GiB volume half used, filling `fillDays` after now; then one torn line, as a crash mid-write
 * leaves it.
 */
export function storeWith(dir: string, m: string, fillDays: number, device = '/dev/test'): void {
  const size = 50 * GIB;
  const now = Date.now();
  const L: string[] = [];
  for (let t = now - 20 * DAY; t <= now; t += 15 * 60_000) {
    const used = Math.round(size * 0.5 + ((size * 0.5) / (20 + fillDays)) * ((t - (now - 20 * DAY)) / DAY));
    L.push(JSON.stringify({ time: new Date(t).toISOString(), mount: m, device, fsType: 'ext4', sizeBytes: size + GIB, usedBytes: used, freeBytes: size - used, inodes: 1000, inodesFree: 500 }));
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.appendFileSync(path.join(dir, 'samples.jsonl'), L.join('\n') + '\n' + '{"torn line\n');
}

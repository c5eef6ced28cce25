import fs from 'node:fs';

/**
 * How many entries a scan of `root` may find: the inodes in use on its filesystem (an upper bound
 * when staying on one filesystem, apart from hard links), capped. Used to pre-size the tree.
 */
export function estimateEntries(root: string | Buffer, cap = 32 * 1024 * 1024): number {
  try {
    const s = fs.statfsSync(root);
    const used = s.files - s.ffree;
    if (!(used > 0)) return 0;
    return Math.min(cap, Math.ceil(used * 1.02) + 1024);
  } catch {
    return 0;
  }
}

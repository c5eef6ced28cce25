/**
 * Rescanning one directory of a scanned tree (the browser's r): the directory is addressed by the
 * exact bytes of its path (a directory named \xff is never confused with one named \uFFFD), and it
 * must still be the directory that was scanned (dev, inode), reached without a symbolic link;
 * otherwise nothing is read and the tree is left as it was.
 */
import { Tree } from '../tree/tree.js';
import { ScanError, Scanner, ScanOptions } from './scanner.js';

/** True when the tree came from a scan of this machine (not an import): only such a tree can be rescanned. */
export function canRescan(tree: Tree): boolean {
  return tree.info?.producer === 'scan' && tree.dirInoOf(0) !== 0;
}

/**
 * Scan directory `dir` of `tree` again and replace its children with what is there now.
 * Rejects with a ScanError (the tree untouched) when the tree cannot be rescanned (an import),
 * `dir` is not a directory of it, the directory was moved or replaced since the scan, or it cannot
 * be read.
 */
export async function rescanDir(tree: Tree, dir: number, opts: ScanOptions): Promise<void> {
  if (!canRescan(tree)) throw new ScanError('cannot rescan: this tree was read from an export, not scanned here');
  if (dir < 0 || dir >= tree.count || !tree.isDir(dir) || tree.removed(dir)) throw new ScanError('cannot rescan: not a directory of the tree');
  const sub = new Tree();
  await new Scanner(tree.pathOf(dir), sub, { ...opts, expectRoot: { dev: tree.devOf(dir), ino: tree.dirInoOf(dir) } }).run();
  tree.replaceChildren(dir, sub);
}

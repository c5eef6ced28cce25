/**
 * Real trees for the tests, built in temporary directories: hard links, sparse files, symlinks
 * (loops, outside the tree), FIFOs, sockets, hostile names, deep chains, huge directories.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { py, run } from './run.js';

/** A new empty directory under the system temp dir (its real path). */
export function makeTmp(tag = 't'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `diskblame-${tag}-`)));
}

/** rm -rf (copes with trees deeper than PATH_MAX and, as root, with mode 000 directories). */
export function rmrf(p: string): void {
  if (!p || p === '/') return;
  let r = run('rm', ['-rf', '--', p], { timeoutMs: 300_000 });
  if (fs.existsSync(p)) {
    run('chmod', ['-R', 'u+rwx', '--', p]);
    r = run('rm', ['-rf', '--', p], { timeoutMs: 300_000 });
  }
  assert.ok(!fs.existsSync(p), `cannot remove ${p}: ${r.stderr}`);
}

/** dir + '/' + name as bytes (for names that are not UTF-8). */
export function bpath(dir: string | Buffer, name: string | Buffer | number[]): Buffer {
  const n = Array.isArray(name) ? Buffer.from(name) : Buffer.isBuffer(name) ? name : Buffer.from(name);
  return Buffer.concat([Buffer.isBuffer(dir) ? dir : Buffer.from(dir), Buffer.from('/'), n]);
}

/** A regular file of exactly n bytes (written, so fully allocated). */
export function writeSized(p: fs.PathLike, n: number, fill = 0x61): void {
  fs.writeFileSync(p, Buffer.alloc(n, fill));
}

/** A sparse file of `size` apparent bytes with 4 KiB written at each offset. */
/**
 * The small tree of the remote tests, built in `d` (an existing directory): nested directories
 * (mode 0755: another user scans it over ssh), files of 300,000, 40,000 and 123 bytes, a hard
 * link to the largest, a symlink to a directory and a 10 MB sparse file. Each test adds its own
 * odd names under `d/keep`.
 */
export function makeRemoteTree(d: string): void {
  fs.mkdirSync(path.join(d, 'a/b/c'), { recursive: true, mode: 0o755 });
  fs.mkdirSync(path.join(d, 'keep'));
  writeSized(path.join(d, 'a/big.bin'), 300_000);
  writeSized(path.join(d, 'a/b/mid.bin'), 40_000);
  writeSized(path.join(d, 'a/b/c/small.txt'), 123);
  fs.linkSync(path.join(d, 'a/big.bin'), path.join(d, 'keep/big-link'));
  fs.symlinkSync('../a', path.join(d, 'keep/to-a'));
  const fd = fs.openSync(path.join(d, 'sparse'), 'w');
  fs.writeSync(fd, 'x', 10_000_000);
  fs.closeSync(fd);
}

export function makeSparse(p: string, size: number, offsets: number[]): void {
  const fd = fs.openSync(p, 'w');
  try {
    fs.ftruncateSync(fd, size);
    const block = Buffer.alloc(4096, 0x5a);
    for (const o of offsets) fs.writeSync(fd, block, 0, block.length, o);
  } finally {
    fs.closeSync(fd);
  }
}

export function mkfifo(p: string): void {
  const r = run('mkfifo', ['--', p]);
  assert.equal(r.code, 0, `mkfifo ${p}: ${r.stderr}`);
}

/** A unix socket file (bound by python, left behind when it exits). */
export function mksock(p: string): boolean {
  const r = run('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', p]);
  return r.code === 0 && fs.lstatSync(p).isSocket();
}

/** Names that are hostile to terminals and JSON writers (all valid UTF-8). */
export const WEIRD_NAMES = ['new\nline', 'quo"te', 'back\\slash', 'tab\there', 'esc\x1b[31mred', 'del\x7fchar'];
/** A name that is not valid UTF-8: "f" 0xff 0xfe */
export const BAD_UTF8 = Buffer.from([0x66, 0xff, 0xfe]);
/** A directory name that is not valid UTF-8: "d" 0xfe 0xff 0xc3 */
export const BAD_UTF8_DIR = Buffer.from([0x64, 0xfe, 0xff, 0xc3]);

export interface RichTree {
  root: string;
  /** a directory outside the tree that a symlink points to (holds a large file) */
  outside: string;
  /** what the tree holds, counted while building it */
  expect: { files: number; dirs: number; symlinks: number; others: number; hardlinkEntries: number; entries: number };
  /** a socket could be made */
  socket: boolean;
}

/**
 * The tree of requirement 1. Layout (below root):
 *   data/h1, data/sub1/h2, other/sub2/h3, h4      four links to one 12345-byte file
 *   data/sub1/own.bin, other/sub2/own2.bin        plain files next to the links
 *   plain/p1 (3000 B), plain/p2 (70000 B)         a directory without links
 *   sparse.img                                    100 MiB apparent, 3 written 4 KiB blocks
 *   link-out -> OUTSIDE (a directory holding 2 MiB), loop-a <-> loop-b, self -> self,
 *   dangling -> missing, link-file -> plain/p2
 *   fifo, sock                                    never opened
 *   empty1/, nest/empty2/empty3/                  empty directories
 *   names/<each WEIRD_NAMES> (100 B each), names/f\xff\xfe (7 B), names/d\xfe\xff\xc3/inner (5000 B)
 */
export function buildRichTree(root: string, outside: string): RichTree {
  const ex = { files: 0, dirs: 1, symlinks: 0, others: 0, hardlinkEntries: 0, entries: 1 };
  const dir = (p: fs.PathLike) => {
    fs.mkdirSync(p);
    ex.dirs++;
    ex.entries++;
  };
  const file = (p: fs.PathLike, n: number) => {
    writeSized(p, n);
    ex.files++;
    ex.entries++;
  };
  const link = (target: string, p: string) => {
    fs.symlinkSync(target, p);
    ex.symlinks++;
    ex.entries++;
  };
  const j = (...s: string[]) => path.join(root, ...s);

  dir(j('data'));
  dir(j('data', 'sub1'));
  dir(j('other'));
  dir(j('other', 'sub2'));
  file(j('data', 'h1'), 12345);
  for (const l of [j('data', 'sub1', 'h2'), j('other', 'sub2', 'h3'), j('h4')]) {
    fs.linkSync(j('data', 'h1'), l);
    ex.files++;
    ex.entries++;
  }
  ex.hardlinkEntries = 4;
  file(j('data', 'sub1', 'own.bin'), 20000);
  file(j('other', 'sub2', 'own2.bin'), 1);

  dir(j('plain'));
  file(j('plain', 'p1'), 3000);
  file(j('plain', 'p2'), 70000);

  makeSparse(j('sparse.img'), 100 * 1024 * 1024, [0, 50 * 1024 * 1024, 100 * 1024 * 1024 - 4096]);
  ex.files++;
  ex.entries++;

  writeSized(path.join(outside, 'big-outside.bin'), 2 * 1024 * 1024);
  link(outside, j('link-out'));
  link('loop-b', j('loop-a'));
  link('loop-a', j('loop-b'));
  link('self', j('self'));
  link('does-not-exist', j('dangling'));
  link('plain/p2', j('link-file'));

  mkfifo(j('fifo'));
  ex.others++;
  ex.entries++;
  const socket = mksock(j('sock'));
  if (socket) {
    ex.others++;
    ex.entries++;
  }

  dir(j('empty1'));
  dir(j('nest'));
  dir(j('nest', 'empty2'));
  dir(j('nest', 'empty2', 'empty3'));

  dir(j('names'));
  for (const n of WEIRD_NAMES) file(j('names', n), 100);
  file(bpath(j('names'), BAD_UTF8), 7);
  dir(bpath(j('names'), BAD_UTF8_DIR));
  file(bpath(bpath(j('names'), BAD_UTF8_DIR), 'inner'), 5000);

  return { root, outside, expect: ex, socket };
}

/**
 * A chain of `depth` nested directories named `name` below dir/top, with a file `bottom` of
 * `fileBytes` at the bottom. Built by python with chdir (no path is ever longer than a name), so
 * it may go far past PATH_MAX. Returns dir/top.
 */
export function makeChain(dir: string, depth: number, name: string, fileBytes: number): string {
  const top = path.join(dir, 'top');
  py(
    [
      'import os, sys',
      'os.chdir(sys.argv[1]); os.mkdir("top"); os.chdir("top")',
      'for _ in range(int(sys.argv[2])):',
      '    os.mkdir(sys.argv[3]); os.chdir(sys.argv[3])',
      'open("bottom", "wb").write(b"z" * int(sys.argv[4]))',
    ].join('\n'),
    [dir, String(depth), name, String(fileBytes)],
  );
  return top;
}

/** `n` empty files f0000000, f0000001, ... in dir (python: os.open/close, fast). */
export function makeManyFiles(dir: string, n: number): void {
  py(
    [
      'import os, sys',
      'd = sys.argv[1]',
      'for i in range(int(sys.argv[2])):',
      '    os.close(os.open(os.path.join(d, "f%07d" % i), os.O_CREAT | os.O_WRONLY, 0o644))',
    ].join('\n'),
    [dir, String(n)],
  );
}

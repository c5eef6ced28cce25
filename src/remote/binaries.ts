/**
 * The standalone binaries at hand here, for a remote host without a suitable Node: which file runs
 * on which architecture, its sha256 (the name it gets in the remote cache) and its compressed form
 * for the upload. Nothing is written locally: hashes and gzip copies are kept in memory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { bundleFileURL, standalone } from '../util/self.js';

/** Node's names for the architectures a standalone binary is built for */
export type BinaryArch = 'x64' | 'arm64';

/** `uname -m` on the remote host -> the binary's architecture, or null when none is built for it */
export function archOfUname(machine: string): BinaryArch | null {
  switch (machine) {
    case 'x86_64':
    case 'amd64':
      return 'x64';
    case 'aarch64':
    case 'arm64':
      return 'arm64';
    default:
      return null;
  }
}

/** the file name of the standalone binary for ARCH (`npm run binary` writes it to dist/) */
export function binaryName(arch: BinaryArch): string {
  return `diskblame-linux-${arch}`;
}

/**
 * The places a binary for ARCH is looked for, in order: the running binary itself (inside the
 * standalone binary, when ARCH is this machine's), `$DISKBLAME_BINARY_DIR/diskblame-linux-ARCH`,
 * and `diskblame-linux-ARCH` beside the bundle (dist/).
 */
export function binaryCandidates(arch: BinaryArch): string[] {
  const out: string[] = [];
  if (standalone() && process.arch === arch && process.platform === 'linux') out.push(process.execPath);
  const dir = process.env.DISKBLAME_BINARY_DIR;
  if (dir) out.push(path.resolve(dir, binaryName(arch)));
  const bundle = bundleFileURL();
  if (bundle) out.push(path.join(path.dirname(fileURLToPath(bundle)), binaryName(arch)));
  return out;
}

/** A local standalone binary ready to be sent: its path, size (bytes) and sha256 (hex) */
export interface LocalBinary {
  path: string;
  arch: BinaryArch;
  size: number;
  sha256: string;
}

const hashes = new Map<string, string>();

function statKey(file: string, st: fs.Stats): string {
  return `${file}\0${st.dev}\0${st.ino}\0${st.size}\0${st.mtimeMs}`;
}

/**
 * The first regular file among binaryCandidates(arch), with its sha256 (hashed once per process
 * and file version), or null when there is none.
 */
export async function findBinary(arch: BinaryArch): Promise<LocalBinary | null> {
  for (const file of binaryCandidates(arch)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    const key = statKey(file, st);
    let sha256 = hashes.get(key);
    if (!sha256) {
      sha256 = await hashFile(file);
      hashes.set(key, sha256);
    }
    return { path: file, arch, size: st.size, sha256 };
  }
  return null;
}

/** sha256 of a file as lowercase hex (streamed: the binary is ~100 MB) */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** A compressed copy of a binary, as it is sent: `xz` (the .xz file beside it) or `gz` (made here, in memory) */
export interface Packed {
  format: 'xz' | 'gz';
  data: Buffer;
}

const gzipped = new Map<string, Buffer>();

/**
 * The binary compressed for the upload: its `.xz` copy when the remote has xz and that copy is at
 * least as new as the binary (`npm run binary` writes both), else gzip made in memory (kept for
 * the next upload of this process). The remote checks the sha256 of what it unpacks either way.
 */
export async function packBinary(bin: LocalBinary, remoteHasXz: boolean): Promise<Packed> {
  const st = fs.statSync(bin.path);
  if (remoteHasXz) {
    try {
      const xz = fs.statSync(bin.path + '.xz');
      if (xz.isFile() && xz.mtimeMs >= st.mtimeMs) return { format: 'xz', data: fs.readFileSync(bin.path + '.xz') };
    } catch {
      // no .xz beside it: gzip
    }
  }
  const key = statKey(bin.path, st);
  let data = gzipped.get(key);
  if (!data) {
    data = await promisify(zlib.gzip)(fs.readFileSync(bin.path), { level: 6 });
    gzipped.set(key, data);
  }
  return { format: 'gz', data };
}

/**
 * The one line said when no binary for ARCH is at hand (`machine` as the remote's `uname -m` said
 * it; `why` says why Node there will not do).
 */
export function missingBinaryText(host: string, machine: string, arch: BinaryArch, why: string): string {
  const where = process.env.DISKBLAME_BINARY_DIR ? '$DISKBLAME_BINARY_DIR' : 'dist/ beside the bundle (or a dir named by $DISKBLAME_BINARY_DIR)';
  return (
    `${host} ${why}, and there is no standalone binary for ${machine} here: build one with \`npm run binary\` ` +
    `on a ${arch} Linux machine and put ${binaryName(arch)} in ${where}`
  );
}

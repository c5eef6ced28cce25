/**
 * A command-line argument's own bytes. Node decodes argv as UTF-8 before any code runs, so a file
 * name that is not UTF-8 (bad\xff.log, from a Latin-1 era or a hostile upload) reaches
 * process.argv with U+FFFD in place of its bytes and names no file. On Linux the kernel keeps the
 * bytes in /proc/self/cmdline (NUL-separated, as execve got them): `argBytes(s)` is the first of
 * those whose UTF-8 decoding is `s`. An argument without U+FFFD is its UTF-8 bytes as it is; without
 * /proc (or no argument decoding to `s`), the same.
 */
import fs from 'node:fs';

/** the most of /proc/self/cmdline read (Linux caps the arguments at ARG_MAX, 2 MiB by default) */
const CMDLINE_MAX = 4 << 20;

export function argBytes(s: string): Buffer {
  if (!s.includes('\ufffd')) return Buffer.from(s, 'utf8');
  let raw: Buffer;
  try {
    const fd = fs.openSync('/proc/self/cmdline', 'r');
    try {
      const b = Buffer.alloc(CMDLINE_MAX);
      let n = 0;
      for (let k; n < b.length && (k = fs.readSync(fd, b, n, b.length - n, null)) > 0; ) n += k;
      raw = b.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return Buffer.from(s, 'utf8');
  }
  for (let o = 0; o < raw.length; ) {
    let e = raw.indexOf(0, o);
    if (e < 0) e = raw.length;
    const a = raw.subarray(o, e);
    if (a.toString('utf8') === s) return Buffer.from(a);
    o = e + 1;
  }
  return Buffer.from(s, 'utf8');
}

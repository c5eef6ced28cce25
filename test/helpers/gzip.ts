/** Gzip files member by member: which library made each (export/gzip.ts: libdeflate or zlib). */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** gzip's OS byte (RFC 1952): zlib writes 3 (Unix), libdeflate 255 (unknown) */
export const OS_ZLIB = 3;
export const OS_LIBDEFLATE = 255;

/**
 * A gzip file's members, walked one by one (not searched for: a member's end is where its deflate
 * stream ends, as inflate says, plus its 8-byte trailer): each one's offset, flags, OS byte and text.
 * Fails the test at anything that is not a member.
 */
export function gzipMembers(b: Buffer): { at: number; flg: number; os: number; text: Buffer }[] {
  const out: { at: number; flg: number; os: number; text: Buffer }[] = [];
  for (let p = 0; p < b.length; ) {
    assert.ok(b[p] === 0x1f && b[p + 1] === 0x8b && b[p + 2] === 8, `no gzip member at byte ${p} of ${b.length}`);
    const flg = b[p + 3];
    let h = p + 10;
    if (flg & 4) h += 2 + b.readUInt16LE(h); // FEXTRA (a snapshot's head room fill)
    if (flg & 8) h = b.indexOf(0, h) + 1; // FNAME
    if (flg & 16) h = b.indexOf(0, h) + 1; // FCOMMENT
    if (flg & 2) h += 2; // FHCRC
    const r = inflateRawSync(b.subarray(h), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    out.push({ at: p, flg, os: b[p + 9], text: r.buffer });
    p = h + r.engine.bytesWritten + 8;
  }
  return out;
}

/**
 * Every member that holds text (flags 0: the fill of a snapshot's head room aside) was made by
 * `lib` (libdeflate: OS 255, zlib: OS 3); returns how many hold text.
 */
export function assertMadeBy(b: Buffer, lib: 'libdeflate' | 'zlib', what: string): number {
  const ms = gzipMembers(b).filter((m) => m.flg === 0);
  const want = lib === 'libdeflate' ? OS_LIBDEFLATE : OS_ZLIB;
  const other = ms.filter((m) => m.os !== want);
  assert.equal(other.length, 0, `${what}: ${other.length} of ${ms.length} members not made by ${lib} (OS bytes ${[...new Set(other.map((m) => m.os))].join(', ')})`);
  return ms.length;
}

/** Debian's libdeflate-dev is installed (its header and static library): the addon is then built with it */
export function libdeflateDevInstalled(): boolean {
  return fs.existsSync('/usr/include/libdeflate.h') && ['x86_64-linux-gnu', 'aarch64-linux-gnu'].some((a) => fs.existsSync(`/usr/lib/${a}/libdeflate.a`));
}

/**
 * Gzip input with bounded memory: the magic test and a streaming gunzip (also multi-member) shared
 * by the export importer (import/ncdu-reader.ts) and the --history reader (store/forecasts.ts).
 * Node's zlib ignores zero padding after the last member and fails on any other trailing bytes
 * ("incorrect header check"), so both readers refuse a gzip with garbage after it alike.
 */
import { createGunzip } from 'node:zlib';

/** Whether `head` (the first bytes of an input) starts with the gzip magic 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** compressed bytes per zlib call */
const GZ_PIECE = 16 * 1024;

/**
 * Gunzips `compressed` (also multi-member) with bounded memory and deterministic error offsets.
 * The compressed bytes are re-cut into GZ_PIECE-byte pieces at fixed offsets, so zlib makes the same
 * calls whatever the source's chunking, and every output of the calls before a failing one is
 * yielded before the error is thrown: a corrupt or truncated gzip fails after the same decompressed
 * byte from a file, a pipe or a caller's stream. A piece is written only when the previous one's
 * output has been taken, so at most one piece's output (GZ_PIECE times deflate's 1032:1, 16.5 MiB)
 * waits: a gzip bomb inflates only as fast as it is parsed. Throws zlib's errors.
 */
export async function* gunzipStream(compressed: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const gz = createGunzip();
  const out: Buffer[] = [];
  let failed: unknown = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const poke = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const sleep = (): Promise<void> => new Promise<void>((r) => (wake = r));
  gz.on('data', (b: Buffer) => {
    out.push(b);
    poke();
  });
  gz.on('error', (e) => {
    failed ??= e;
    poke();
  });
  gz.on('end', () => {
    ended = true;
    poke();
  });
  /** write one piece (null: the end), yielding its output until it is all out, or the error */
  async function* put(piece: Buffer | null): AsyncGenerator<Buffer> {
    let done = false;
    if (piece === null) gz.end();
    else {
      gz.write(piece, () => {
        done = true;
        poke();
      });
    }
    for (;;) {
      while (out.length > 0) yield out.shift()!;
      if (failed !== null) throw failed;
      // (output pushed before the write's callback may still sit in the readable buffer)
      if (piece === null ? ended : done && gz.readableLength === 0) return;
      await sleep();
    }
  }
  try {
    const piece = Buffer.allocUnsafe(GZ_PIECE);
    let fill = 0;
    for await (const c of compressed) {
      for (let p = 0; p < c.length; ) {
        const n = Math.min(GZ_PIECE - fill, c.length - p);
        piece.set(c.subarray(p, p + n), fill);
        fill += n;
        p += n;
        if (fill === GZ_PIECE) {
          yield* put(Buffer.from(piece)); // a copy: zlib holds on to what it is given
          fill = 0;
        }
      }
    }
    if (fill > 0) yield* put(Buffer.from(piece.subarray(0, fill)));
    yield* put(null);
  } finally {
    gz.destroy();
  }
}

/**
 * Reading a whole file off the main thread (libuv's pool). Its own module: write.ts is among the
 * pieces `--version` loads, which a startup test keeps small.
 */
import fs from 'node:fs';
import { openNoFollow } from './write.js';

/**
 * readFileNoFollow with the reading off this thread (libuv's pool): opened and checked here (see
 * openNoFollow), then read whole into a buffer of its own (byteOffset 0) of the size fstat gave
 * (shorter when the file shrank meanwhile). Rejects with the errno error.
 */
export async function readFileNoFollowAsync(file: string): Promise<Buffer> {
  const fd = openNoFollow(file);
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafeSlow(size);
    let got = 0;
    while (got < size) {
      const n = await new Promise<number>((resolve, reject) => fs.read(fd, buf, got, size - got, got, (e, k) => (e ? reject(e) : resolve(k))));
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

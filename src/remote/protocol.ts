/**
 * What diskblame says to its agent (`diskblame __agent` on the remote host) and back, over the
 * agent's stdin and stdout.
 *
 * The agent speaks first: the 8 bytes MAGIC, then a Hello frame (the protocol version, its
 * program version, host name). Everything after is frames:
 *
 *   type (1 byte, ASCII) | length (4 bytes, big-endian) | payload (length bytes)
 *
 * - 'Q' (to the agent) a request, JSON: { id, op, args }; one at a time.
 * - 'X' (to the agent) stop the request `id` (a scan aborts: what was found so far is sent).
 * - 'H' (from the agent) hello, JSON: { proto, version, host }.
 * - 'D' (from the agent) data of the request in progress: gzip members of an ncdu-format export
 *   (a scan), each frame at most MAX_DATA bytes.
 * - 'P' (from the agent) progress of the request in progress, JSON: { entries, bytes, current }.
 * - 'R' (from the agent) the end of request `id`, JSON: { id, ok: true, value } or
 *   { id, ok: false, error: { message, code } } (the agent's own one-line message and exit code).
 *
 * Frames from the other side are hostile input: a frame type not known, a length over the
 * type's limit (MAX_JSON, MAX_DATA), bytes before the magic that are not the magic, JSON that does
 * not parse or is not an object: each is a ProtocolError of one line, and the reader holds at most
 * one frame (header + limit) in memory. JSON uses util/exact.ts (exact integers beyond 2^53).
 */
import { parseExact, stringifyExact } from '../util/exact.js';

/** the version of this protocol; the agent's hello must carry the same */
export const PROTO = 1;
/** the first bytes the agent writes */
export const MAGIC = Buffer.from('DSKBLM\x01\n', 'latin1');
/** the longest JSON frame (an owners report with its lists) */
export const MAX_JSON = 16 << 20;
/** the longest data frame */
export const MAX_DATA = 1 << 20;
/** the bytes of what came instead of the magic shown in the error */
const SHOWN = 80;

export type FrameType = 'Q' | 'X' | 'H' | 'D' | 'P' | 'R';
const LIMITS: Record<FrameType, number> = { Q: MAX_JSON, X: 4096, H: 4096, D: MAX_DATA, P: 64 * 1024, R: MAX_JSON };

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

/** Bad bytes from the other side: one line for the user. */
export class ProtocolError extends Error {}

/** One frame's bytes. Throws when the payload is over its type's limit (a bug here). */
export function encodeFrame(type: FrameType, payload: Uint8Array): Buffer {
  if (payload.length > LIMITS[type]) throw new Error(`frame ${type} of ${payload.length} bytes is over its limit`);
  const b = Buffer.allocUnsafe(5 + payload.length);
  b[0] = type.charCodeAt(0);
  b.writeUInt32BE(payload.length, 1);
  b.set(payload, 5);
  return b;
}

/** A JSON frame's bytes. */
export function jsonFrame(type: FrameType, value: unknown): Buffer {
  return encodeFrame(type, Buffer.from(stringifyExact(value), 'utf8'));
}

/** The JSON object of a frame; a ProtocolError when it is not one. */
export function frameJson(f: Frame): Record<string, unknown> {
  let v: unknown;
  try {
    v = parseExact(f.payload.toString('utf8'));
  } catch {
    throw new ProtocolError(`a ${f.type} message that is not JSON`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ProtocolError(`a ${f.type} message that is not an object`);
  return v as Record<string, unknown>;
}

/** printable text of the first bytes of something that is not our protocol */
function shown(b: Buffer): string {
  const t = b.subarray(0, SHOWN).toString('latin1').replace(/[^\x20-\x7e]+/g, ' ').trim();
  return t ? `"${t}${b.length > SHOWN ? '…' : ''}"` : `${b.length} bytes that are not text`;
}

/**
 * Cuts a byte stream into frames. `push` returns the frames completed by a chunk; throws a
 * ProtocolError on garbage. `expectMagic`: the stream starts with MAGIC (the agent's output).
 * `allowed`: the frame types this side may receive.
 */
export class FrameReader {
  /** what arrived and is not a whole frame yet, in pieces (joined once the frame is whole) */
  private parts: Buffer[] = [];
  private have = 0;
  /** bytes the frame begun in `parts` needs in all (0: its header is not in yet) */
  private need = 0;
  private magicSeen: boolean;
  /** bytes taken in so far (the channel's byte counter) */
  bytes = 0;

  constructor(
    private readonly allowed: readonly FrameType[],
    expectMagic: boolean,
  ) {
    this.magicSeen = !expectMagic;
  }

  push(chunk: Buffer): Frame[] {
    this.bytes += chunk.length;
    this.parts.push(chunk);
    this.have += chunk.length;
    const out: Frame[] = [];
    if (this.need > 0 && this.have < this.need) return out; // a long frame still coming: no copying meanwhile
    let buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    this.have = 0;
    this.need = 0;
    if (!this.magicSeen) {
      const n = Math.min(buf.length, MAGIC.length);
      if (!buf.subarray(0, n).equals(MAGIC.subarray(0, n))) throw new ProtocolError(`the other side does not speak diskblame's protocol; it said ${shown(buf)}`);
      if (buf.length < MAGIC.length) {
        this.keep(buf);
        return out;
      }
      this.magicSeen = true;
      buf = buf.subarray(MAGIC.length);
    }
    for (;;) {
      if (buf.length < 5) break;
      const t = String.fromCharCode(buf[0]) as FrameType;
      const limit = this.allowed.includes(t) ? LIMITS[t] : -1;
      if (limit < 0) throw new ProtocolError(`an unknown message (type byte 0x${buf[0].toString(16).padStart(2, '0')})`);
      const len = buf.readUInt32BE(1);
      if (len > limit) throw new ProtocolError(`a ${t} message of ${len} bytes (at most ${limit})`);
      if (buf.length < 5 + len) {
        this.need = 5 + len;
        break;
      }
      out.push({ type: t, payload: Buffer.from(buf.subarray(5, 5 + len)) });
      buf = buf.subarray(5 + len);
    }
    this.keep(buf);
    return out;
  }

  private keep(rest: Buffer): void {
    if (!rest.length) return;
    this.parts = [Buffer.from(rest)]; // a copy: the source may reuse its buffer
    this.have = rest.length;
  }

  /** bytes of an unfinished frame (or magic) held: the stream ended in the middle of one when > 0 */
  get pending(): number {
    return this.have;
  }
}

/** The hello the agent sends after the magic. */
export interface Hello {
  proto: number;
  version: string;
  host: string;
}

/** The ops an agent answers; `args` and `value` are JSON. */
export type Op = 'scan' | 'checkRoot' | 'volume' | 'deletedOpen' | 'volumeSample' | 'sampleMounts' | 'owners' | 'delete';

/**
 * A terminal plot of a volume's history and its projection, in braille dots (2x4 per cell): the
 * used bytes (solid, min..max of each column so a sawtooth shows as one), the size (solid line),
 * the projection to the fill (dotted), the fill (x) with its range ([ ]) on the size line, the
 * next risky peak (! will not fit, ^ fits), sizes on the y axis, dates on the x axis. Pure: data
 * in, exactly `height` lines of exactly `width` columns out (plain text, no colours).
 */
import type { Forecast, Point } from '../forecast/types.js';
import { clock } from '../report/time.js';
import { size } from '../util/format.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** braille dot bits by [row 0-3][column 0-1] */
const BITS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];
const LABEL_W = 10;

export interface PlotInput {
  points: Point[];
  forecast: Forecast | null;
  width: number;
  height: number;
}

class Canvas {
  readonly dots: Uint8Array;
  readonly marks = new Map<number, string>();
  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.dots = new Uint8Array(cols * rows);
  }
  get w(): number {
    return this.cols * 2;
  }
  get h(): number {
    return this.rows * 4;
  }
  set(x: number, y: number): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
    this.dots[(y >> 2) * this.cols + (x >> 1)] |= BITS[y & 3][x & 1];
  }
  vline(x: number, y0: number, y1: number): void {
    for (let y = Math.round(Math.min(y0, y1)); y <= Math.round(Math.max(y0, y1)); y++) this.set(x, y);
  }
  /** a character over the cell holding dot (x, y) */
  mark(x: number, y: number, ch: string): void {
    const cx = Math.floor(Math.round(x) / 2);
    const cy = Math.floor(Math.max(0, Math.min(this.h - 1, Math.round(y))) / 4);
    if (cx >= 0 && cx < this.cols) this.marks.set(cy * this.cols + cx, ch);
  }
  row(r: number): string {
    let s = '';
    for (let c = 0; c < this.cols; c++) {
      const k = r * this.cols + c;
      s += this.marks.get(k) ?? (this.dots[k] ? String.fromCharCode(0x2800 + this.dots[k]) : ' ');
    }
    return s;
  }
}

/** The time span to show: the history, then the projection up to the fill (within reason). */
function timeRange(points: Point[], f: Forecast | null): [number, number] {
  const t0 = points[0].t;
  const asOf = points[points.length - 1].t;
  const hist = Math.max(asOf - t0, HOUR);
  let end = asOf + hist / 3;
  if (f && f.status === 'ok') {
    const cap = asOf + Math.max(3 * hist, DAY);
    const want = [f.fillsAt, f.latest, f.nextRisk?.at].filter((x): x is number => x !== null && x !== undefined);
    if (want.length) end = Math.min(cap, Math.max(end, ...want) + hist / 20);
  }
  return [t0, end];
}

export function plot(input: PlotInput): string[] {
  const { points, forecast: f } = input;
  const width = Math.max(LABEL_W + 10, input.width);
  const height = Math.max(4, input.height);
  const cols = width - LABEL_W;
  const rows = height - 2;
  const pad = (s: string) => (s.length >= width ? s.slice(0, width) : s + ' '.repeat(width - s.length));
  if (points.length === 0) {
    const out = Array.from({ length: height }, () => pad(''));
    out[Math.floor(height / 2)] = pad(' '.repeat(LABEL_W) + 'no history yet');
    return out;
  }
  const cv = new Canvas(cols, rows);
  const [t0, t1] = timeRange(points, f);
  const last = points[points.length - 1];
  let ymax = 0;
  for (const p of points) ymax = Math.max(ymax, p.size, p.used);
  if (f?.nextRisk) ymax = Math.max(ymax, f.nextRisk.expectedUsed);
  ymax = ymax * 1.06 || 1;
  const X = (t: number) => ((t - t0) / (t1 - t0 || 1)) * (cv.w - 1);
  const Y = (v: number) => cv.h - 1 - (Math.max(0, v) / ymax) * (cv.h - 1);

  // history: per dot column, min..max of used (joined to the previous column) and the size
  const lo = new Float64Array(cv.w).fill(NaN);
  const hi = new Float64Array(cv.w).fill(NaN);
  const cap = new Float64Array(cv.w).fill(NaN);
  const lastOf = new Float64Array(cv.w).fill(NaN);
  for (const p of points) {
    const x = Math.round(X(p.t));
    if (x < 0 || x >= cv.w) continue;
    lo[x] = Number.isNaN(lo[x]) ? p.used : Math.min(lo[x], p.used);
    hi[x] = Number.isNaN(hi[x]) ? p.used : Math.max(hi[x], p.used);
    cap[x] = Number.isNaN(cap[x]) ? p.size : Math.max(cap[x], p.size);
    lastOf[x] = p.used;
  }
  let prev = NaN;
  let curSize = points[0].size;
  const xNow = Math.round(X(last.t));
  for (let x = 0; x < cv.w; x++) {
    if (!Number.isNaN(cap[x])) curSize = cap[x];
    if (x <= xNow) cv.set(x, Y(curSize));
    if (Number.isNaN(lo[x])) {
      prev = NaN; // a gap in the history stays a gap
      continue;
    }
    cv.vline(x, Y(Number.isNaN(prev) ? lo[x] : Math.min(lo[x], prev)), Y(Number.isNaN(prev) ? hi[x] : Math.max(hi[x], prev)));
    prev = lastOf[x];
  }

  // projection: dotted from the last sample to the fill (or along the trend), size ahead dotted too
  if (f && f.status === 'ok') {
    const endT = f.fillsAt ?? t1;
    const endV = f.fillsAt !== null ? f.sizeBytes : last.used + (f.growthBytesPerDay * (t1 - last.t)) / DAY;
    for (let x = xNow + 1; x < cv.w; x++) {
      if ((x - xNow) % 3 !== 0) continue;
      cv.set(x, Y(f.sizeBytes));
      const t = t0 + (x / (cv.w - 1)) * (t1 - t0);
      if (t > endT) continue;
      cv.set(x, Y(last.used + ((endV - last.used) * (t - last.t)) / (endT - last.t || 1)));
    }
    if (f.earliest !== null && f.earliest > last.t) cv.mark(X(f.earliest), Y(f.sizeBytes), '[');
    if (f.latest !== null) cv.mark(X(Math.min(f.latest, t1)), Y(f.sizeBytes), f.latest > t1 ? '>' : ']');
    if (f.fillsAt !== null && f.fillsAt <= t1) cv.mark(X(f.fillsAt), Y(f.sizeBytes), 'x');
    if (f.nextRisk && f.nextRisk.at <= t1) cv.mark(X(f.nextRisk.at), Y(f.nextRisk.expectedUsed), f.nextRisk.fits ? '^' : '!');
  }

  // y axis: the size, the top, the middle, zero
  const labels = new Map<number, string>();
  const yRow = (v: number) => Math.floor(Y(v) / 4);
  labels.set(rows - 1, '0 B');
  labels.set(yRow(ymax / 2), size(ymax / 2));
  labels.set(yRow(last.size), size(last.size));
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const l = labels.get(r);
    out.push(pad((l ? l.padStart(LABEL_W - 2) + ' ┤' : ' '.repeat(LABEL_W - 1) + '│') + cv.row(r)));
  }

  // x axis: ticks and dates at the start, now and the end
  const short = t1 - t0 > 2 * DAY ? (t: number) => clock(t).slice(5, 10) : (t: number) => clock(t).slice(11, 16);
  const axis = Array.from({ length: cols }, () => '─');
  const text = Array.from({ length: cols }, () => ' ');
  const put = (col: number, s: string, tick: boolean) => {
    col = Math.max(0, Math.min(cols - s.length, col));
    if (text.slice(Math.max(0, col - 1), col + s.length + 1).some((c) => c !== ' ')) return;
    for (let k = 0; k < s.length; k++) text[col + k] = s[k];
    if (tick) axis[Math.max(0, Math.min(cols - 1, col))] = '┬';
  };
  const cNow = Math.floor(xNow / 2);
  put(0, short(t0), true);
  const nowLabel = `now ${short(last.t)}`;
  put(cNow - Math.floor(nowLabel.length / 2), nowLabel, false);
  if (cNow >= 0 && cNow < cols) axis[cNow] = '┬';
  if (cNow < cols - 12) put(cols - short(t1).length, short(t1), false);
  out.push(pad(' '.repeat(LABEL_W - 1) + '└' + axis.join('')));
  out.push(pad(' '.repeat(LABEL_W) + text.join('')));
  return out;
}

// TEMPORARY placeholder: replaced by the real model at merge
import type { Point } from './types.js';

/** CSV `timestamp,used_bytes,size_bytes` (header optional; ISO 8601 or unix seconds) -> points, oldest first. */
export function parseHistory(text: string): Point[] {
  const points: Point[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const f = line.split(',').map((s) => s.trim());
    if (i === 0 && /^[a-z_]/i.test(f[0]) && !/^\d/.test(f[0])) continue; // header
    if (f.length < 3) throw new Error(`line ${i + 1}: want timestamp,used_bytes,size_bytes`);
    const t = /^\d+(\.\d+)?$/.test(f[0]) ? Number(f[0]) * 1000 : Date.parse(f[0]);
    const used = Number(f[1]);
    const size = Number(f[2]);
    if (!Number.isFinite(t)) throw new Error(`line ${i + 1}: bad timestamp ${JSON.stringify(f[0].slice(0, 40))}`);
    if (!(f[1] !== '' && Number.isFinite(used) && used >= 0)) throw new Error(`line ${i + 1}: bad used_bytes`);
    if (!(f[2] !== '' && Number.isFinite(size) && size > 0)) throw new Error(`line ${i + 1}: bad size_bytes`);
    points.push({ t, used, size });
  }
  points.sort((a, b) => a.t - b.t);
  return points;
}

/**
 * Load backtest traces from a folder: NN-name.csv or NN-name.csv.gz (timestamp,used_bytes,size_bytes)
 * with NN-name.json ({"pattern": ..., "fills_at": ISO 8601 | null}) beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseHistoryCsv } from '../src/forecast/history.js';
import type { Trace } from '../src/forecast/backtest.js';

export function loadTraces(dir: string): Trace[] {
  const names = fs.readdirSync(dir).filter((n) => /\.csv(\.gz)?$/.test(n)).sort();
  const traces: Trace[] = [];
  for (const n of names) {
    const stem = n.replace(/\.csv(\.gz)?$/, '');
    const file = path.join(dir, n);
    const buf = fs.readFileSync(file);
    const text = n.endsWith('.gz') ? zlib.gunzipSync(buf).toString('utf8') : buf.toString('utf8');
    let points;
    try {
      points = parseHistoryCsv(text);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    const metaFile = path.join(dir, stem + '.json');
    const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { pattern?: string; fills_at?: string | null };
    const fillsAt = meta.fills_at ? Date.parse(meta.fills_at) : null;
    traces.push({ name: stem, pattern: meta.pattern ?? 'unknown', points, fillsAt });
  }
  return traces;
}

/**
 * The Forecast view: the volume's history and projection as a terminal plot, the fill date and
 * range, the pattern, growth and next risky moment. `ForecastView` is a pure render of the data;
 * `ForecastPane` loads it (the store's samples of the browsed root's volume, or a CSV) when the
 * view is first opened.
 */
import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Point } from '../forecast/types.js';
import { clock, patternText, rate, relative, span, VolumeForecast } from '../report/forecast.js';
import { forecastVolumes } from '../app/forecast.js';
import { otherPeaks, otherPeakText, peakParts } from '../report/peak.js';
import { localTimes } from '../report/time.js';
import { escapeName, exactName } from '../util/escape.js';
import { size } from '../util/format.js';
import { plot } from './plot.js';
import { fit } from './text.js';
import type { Tree } from '../tree/tree.js';
import { FirstContactPane } from './FirstContactView.js';

export interface ForecastData {
  volume: VolumeForecast;
  points: Point[];
}

export interface ForecastViewProps {
  /** null while loading */
  data: ForecastData | null;
  /** why there is nothing to show (no samples, a bad CSV) */
  error?: string;
  width: number;
  height: number;
}

function summary(v: VolumeForecast): string[] {
  const f = v.forecast;
  const when = (t: number) => (v.source === 'history' ? `last sample + ${span(Math.max(0, t - v.now))}` : relative(t, v.now));
  const pct = f.sizeBytes > 0 ? ((100 * f.usedBytes) / f.sizeBytes).toFixed(1) : '0';
  const now = `${size(f.usedBytes)} of ${size(f.sizeBytes)} (${pct}%)`;
  if (f.status !== 'ok') return [`not enough data to forecast: ${f.notes[0] ?? 'too few samples'}`, `now ${now}; keep sampling (diskblame sample)`];
  const L: string[] = [];
  if (f.fillsAt === null) L.push('fills: not within the forecast horizon');
  else L.push(`fills ${clock(f.fillsAt)} (${when(f.fillsAt)})`);
  if (f.earliest !== null || f.latest !== null) L.push(`range ${f.earliest !== null ? clock(f.earliest) : 'now'} .. ${f.latest !== null ? clock(f.latest) : 'later'}`);
  L.push(`${patternText(f.pattern)}, trend ${rate(f.growthBytesPerDay)}; now ${now}`);
  const r = f.nextRisk;
  L.push(r ? `next risk: ${r.fits ? 'fits' : 'will NOT fit'}, ${clock(r.at)} (${when(r.at)}): ${localTimes(r.what, r.at)}` : 'next risk: none expected before the fill');
  // the peak in local time and the job that starts it, a line each
  const words = r ? peakParts(r, f) : null;
  if (words) L.splice(L.length - 1, 1, `next risk: ${r!.fits ? 'fits' : 'will NOT fit'}, ${clock(r!.at)} (${when(r!.at)})`, ...words.map((w) => `  ${w}`));
  // the other recurring peaks (a nightly job besides the weekly one), a line each
  for (const o of otherPeaks(f.peaks, r, v.peakJobs)) L.push(`${r?.peak ? 'also ' : ''}${otherPeakText(o.peak, o.job)}`);
  return L;
}

export function ForecastView(props: ForecastViewProps): React.ReactElement {
  const { width, height, data } = props;
  const lines: string[] = [];
  if (props.error) lines.push(` ${props.error}`);
  else if (!data) lines.push(' reading the usage samples…');
  else {
    const v = data.volume;
    lines.push(` ${escapeName(exactName(v.mount, v.mountBase64))}${v.device ? `  (${escapeName(v.device)})` : ''}  from ${escapeName(v.from)}`);
    for (const s of summary(v)) lines.push(` ${s}`);
    const room = height - lines.length - 1;
    if (room >= 6) lines.push(...plot({ points: data.points, forecast: v.forecast, width: width - 1, height: room }).map((l) => ' ' + l));
    const b = v.forecast.backtestError;
    lines.push(` x fill  [ ] range  ! peak that will not fit  ^ peak that fits  ···· projection${b !== null ? `   backtest error ${b.toFixed(2)}` : ''}`);
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((l, k) => (
        <Text key={k}>{fit(l, width)}</Text>
      ))}
    </Box>
  );
}

/**
 * Loads the forecast of the volume holding `root` (or of the CSV `history`) when first shown; with no
 * samples of that volume and the browsed `tree`, its first contact (FirstContactView.tsx).
 */
export function ForecastPane(props: { root: string; history?: string; store?: string; tree?: Tree; width: number; height: number; active: boolean }): React.ReactElement | null {
  const [data, setData] = useState<ForecastData | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [first, setFirst] = useState(false);
  const [firstStore, setFirstStore] = useState<{ samples: number; since: number | null } | undefined>(undefined);
  useEffect(() => {
    if (!props.active || data || error) return;
    // after the first paint: the model may take a moment on a long history
    const t = setTimeout(() => {
      const browsing = !!props.tree && props.history === undefined;
      forecastVolumes(props.history !== undefined ? { history: props.history } : { volume: props.root, store: props.store }, { firstContact: browsing }).then(
        (r) => {
          const fc = r.firstContact?.[0];
          if (fc) setFirstStore({ samples: fc.samples, since: fc.since });
          if (!r.volumes.length) {
            // no samples of the volume: what the store lacks, over its first contact
            setError(r.noSamples ?? 'no usage samples');
            setFirst(fc !== undefined);
            return;
          }
          setData({ volume: r.volumes[0], points: r.points[0] });
          const f = r.volumes[0].forecast;
          if (browsing && f.status !== 'ok') {
            // the model's note may start with its own "not enough data: ": said once
            setError(`not enough usage samples yet: ${(f.notes[f.notes.length - 1] ?? 'too few').replace(/^not enough data:\s*/i, '')}`);
            setFirst(true);
          }
        },
        (e) => setError((e as Error).message),
      );
    }, 0);
    return () => clearTimeout(t);
  }, [props.active]);
  if (!props.active) return null;
  const f = data?.volume.forecast;
  // the store's samples: the first contact's count, else (a long history whose regime is too short: a resize) the regime's
  const stored = firstStore ?? (f && f.samplesUsed > 0 ? { samples: f.samplesUsed, since: f.regimeStart } : undefined);
  if (first && props.tree) return <FirstContactPane tree={props.tree} root={props.root} store={props.store} why={error} stored={stored} width={props.width} height={props.height} active />;
  return <ForecastView data={data} error={error} width={props.width} height={props.height} />;
}

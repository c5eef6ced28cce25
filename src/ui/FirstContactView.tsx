/**
 * The Forecast view when the store has no usage samples of the volume: the first contact from the
 * tree being browsed (app/firstcontact.ts, no other source: nothing is spawned while drawing), and
 * the offer to start sampling: `i` shows what would be installed (app/timer.ts), `y` does it, any
 * other key leaves it. Nothing is installed without the `y`. Wrapped to the width; what does not fit
 * the height scrolls (Up/Down, j/k, PgUp/PgDn, Home/End) above the offer, which stays in sight.
 */
import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import type { Tree } from '../tree/tree.js';
import { firstContactOfTree, FirstContactReport } from '../app/firstcontact.js';
import { installSampling, InstallResult, samplingPlan, SamplingPlan } from '../app/timer.js';
import { firstContactText } from '../report/firstcontact.js';
import { storeDir } from '../store/store.js';
import { terminalText } from '../util/escape.js';
import { useKeys } from './keys.js';
import { clusters, fit, width } from './text.js';
import { wrap } from '../report/peak.js';

export type Offer = { step: 'idle' } | { step: 'confirm'; plan: SamplingPlan } | { step: 'done'; plan: SamplingPlan; result: InstallResult | null };

/** The lines of the offer at each step (pure). */
export function offerLines(o: Offer): string[] {
  if (o.step === 'idle') return ['i: record a usage sample every 5 min from now on (shows what it installs first)'];
  if (o.step === 'confirm') {
    return [
      `To sample every 5 min (${o.plan.why}):`,
      ...o.plan.shell.map((s) => `    ${s}`),
      ...(o.plan.cronLine ? [`  the crontab line: ${o.plan.cronLine}`] : []),
      'Install it now? y: yes, any other key: no',
    ];
  }
  if (!o.result) return ['Nothing installed.'];
  return [
    ...o.result.done.map((d) => `done: ${d}`),
    o.result.failed ? `FAILED: ${o.result.failed}; nothing more was done` : `Sampling every 5 min${o.plan.how === 'cron' ? ' (cron)' : ''}: the forecast will use it.`,
  ];
}

/** The first contact of the browsed `tree` (rooted at `root`) and the offer, under `why` (the store's answer); null while inactive. */
export function FirstContactPane(props: {
  tree: Tree;
  root: string;
  /** the store the sampler's offer records into (default: storeDir's) */
  store?: string;
  width: number;
  height: number;
  active: boolean;
  why?: string;
  /** the store's samples the model found too few, and the first one's time (since a resize: its regime's); absent: none */
  stored?: { samples: number; since: number | null };
  /** the report, when the caller already has one (its time and volume figures then stay those); absent: made when first active */
  report?: FirstContactReport;
}): React.ReactElement | null {
  const [report, setReport] = useState<FirstContactReport | null>(props.report ?? null);
  const [error, setError] = useState<string | null>(null);
  const [offer, setOffer] = useState<Offer>({ step: 'idle' });
  useEffect(() => {
    if (!props.active || report || error) return;
    const t = setTimeout(() => {
      try {
        setReport(firstContactOfTree(props.tree, props.root, props.stored));
      } catch (e) {
        setError((e as Error).message);
      }
    }, 0);
    return () => clearTimeout(t);
  }, [props.active]);
  const [top, setTop] = useState(0);
  // the lines that do not fit scroll: the offer stays at the bottom, a line says where the view is
  const { body, tail } = firstContactLines({ report, error, why: props.why, offer, width: props.width });
  const scrolls = body.length + tail.length > props.height;
  const room = Math.max(1, props.height - tail.length - (scrolls ? 1 : 0));
  const maxTop = Math.max(0, body.length - room);
  useKeys(
    (input, key) => {
      // asked to install: any key is the answer (y: yes)
      if (offer.step === 'confirm') {
        setOffer({ step: 'done', plan: offer.plan, result: input === 'y' ? installSampling(offer.plan) : null });
        return;
      }
      const to = (t: number) => setTop(Math.max(0, Math.min(maxTop, t)));
      if (key.upArrow || input === 'k') to(top - 1);
      else if (key.downArrow || input === 'j') to(top + 1);
      else if (key.pageUp) to(top - room);
      else if (key.pageDown) to(top + room);
      else if (key.home) to(0);
      else if (key.end) to(maxTop);
      else if (offer.step === 'idle' && input === 'i') setOffer({ step: 'confirm', plan: samplingPlan(storeDir(props.store)) });
    },
    { isActive: props.active },
  );
  if (!props.active) return null;
  const at = Math.min(top, maxTop);
  const shown = scrolls ? [...body.slice(at, at + room), ` -- lines ${at + 1}-${Math.min(body.length, at + room)} of ${body.length}: Up/Down, PgUp/PgDn scroll --`] : body;
  const lines = [...shown, ...tail].slice(0, props.height);
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.map((l, k) => (
        <Text key={k}>{fit(terminalText(l), props.width)}</Text>
      ))}
    </Box>
  );
}

/**
 * A line wider than `w` columns (a long path has no space to wrap at) in pieces of at most `w`,
 * the pieces after the first under a row's value (16 columns in).
 */
function breakLong(line: string, w: number): string[] {
  if (width(line) <= w) return [line];
  const ind = ' '.repeat(Math.min(16, Math.floor(w / 2)));
  const out: string[] = [];
  let cur = '';
  for (const c of clusters(line)) {
    if (width(cur) + width(c) > w) {
      out.push(cur);
      cur = ind;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/**
 * The view's lines at `width` columns (pure): `body`, the store's answer (`why`) and the first
 * contact (or the error, or that the tree is being read), wrapped; `tail`, the offer at its step,
 * wrapped (cut, the command it would install would not be seen before the y).
 */
export function firstContactLines(o: { report: FirstContactReport | null; error: string | null; why?: string; offer: Offer; width: number }): { body: string[]; tail: string[] } {
  const w = Math.max(20, o.width - 1);
  const body = [
    ...(o.why ? wrap(o.why, w).map((l) => ` ${l}`) : []),
    ...(o.error ? wrap(o.error, w).map((l) => ` ${l}`) : o.report ? firstContactText(o.report, null, w).trimEnd().split('\n').map((l) => ' ' + l) : [' reading the tree…']),
  ].flatMap((l) => breakLong(terminalText(l), o.width));
  const tail = offerLines(o.offer).flatMap((l) => {
    const ind = ' ' + /^ */.exec(l)![0];
    return wrap(l.trimStart(), Math.max(20, o.width - ind.length - 4)).map((x, k) => (k ? `${ind}    ${x}` : ind + x));
  });
  return { body, tail };
}

/**
 * The Forecast view when the store has no usage samples of the volume: the first contact from the
 * tree being browsed (app/firstcontact.ts, no other source: nothing is spawned while drawing), and
 * the offer to start sampling: `i` shows what would be installed (app/timer.ts), `y` does it, any
 * other key leaves it. Nothing is installed without the `y`.
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
import { fit } from './text.js';
import { wrap } from '../report/peak.js';

type Offer = { step: 'idle' } | { step: 'confirm'; plan: SamplingPlan } | { step: 'done'; plan: SamplingPlan; result: InstallResult | null };

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
  width: number;
  height: number;
  active: boolean;
  why?: string;
  /** the store's samples the model found too few, and the first one's time (since a resize: its regime's); absent: none */
  stored?: { samples: number; since: number | null };
}): React.ReactElement | null {
  const [report, setReport] = useState<FirstContactReport | null>(null);
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
  useKeys(
    (input) => {
      if (offer.step === 'idle' && input === 'i') setOffer({ step: 'confirm', plan: samplingPlan(storeDir()) });
      else if (offer.step === 'confirm') setOffer({ step: 'done', plan: offer.plan, result: input === 'y' ? installSampling(offer.plan) : null });
    },
    { isActive: props.active && offer.step !== 'done' },
  );
  if (!props.active) return null;
  const body = [
    ...(props.why ? [` ${props.why}`] : []),
    ...(error ? [` ${error}`] : report ? firstContactText(report).trimEnd().split('\n').map((l) => ' ' + l) : [' reading the tree…']),
  ];
  // the offer whole, wrapped (cut, the command it would install would not be seen before the y)
  const tail = offerLines(offer).flatMap((l) => {
    const ind = ' ' + /^ */.exec(l)![0];
    return wrap(l.trimStart(), Math.max(20, props.width - ind.length - 4)).map((w, k) => (k ? `${ind}    ${w}` : ind + w));
  });
  const lines = [...body.slice(0, Math.max(0, props.height - tail.length)), ...tail].slice(0, props.height);
  return (
    <Box flexDirection="column" width={props.width} height={props.height}>
      {lines.map((l, k) => (
        <Text key={k}>{fit(terminalText(l), props.width)}</Text>
      ))}
    </Box>
  );
}

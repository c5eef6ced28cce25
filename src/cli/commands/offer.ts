/**
 * The offer to start sampling, on a terminal only: the plan (app/timer.ts) printed on stderr, one
 * y/N question, nothing done without a yes. Never asks when stdin, stdout or stderr is not a
 * terminal (scripts, pipes, --json callers never block), nor under CI.
 */
import readline from 'node:readline';
import { installSampling, samplingPlan, SamplingPlan } from '../../app/timer.js';
import { terminalLines } from '../../util/escape.js';
import { wrap } from '../../report/peak.js';

/** true when a question can be asked: every standard stream is a terminal and not CI */
export function canAsk(): boolean {
  return process.stdin.isTTY === true && process.stdout.isTTY === true && process.stderr.isTTY === true && !process.env.CI;
}

/** one line from stdin; '' at end of input */
function ask(q: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let answered = false;
    rl.question(q, (a) => {
      answered = true;
      rl.close();
      resolve(a);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}

/** the plan as lines for a person */
export function planText(p: SamplingPlan): string {
  // the prose wrapped to 80 columns; the commands whole, to be copied
  const L = wrap(`To get a real history, sample every 5 min (${p.why}):`, 80);
  for (const s of p.shell) L.push(`    ${s}`);
  if (p.cronLine) L.push(`  the crontab line: ${p.cronLine}`);
  return terminalLines(L.join('\n')) + '\n';
}

/** Offer to install the sampler into `store` (see the file's comment); resolves when answered. */
export async function offerSampling(store: string): Promise<void> {
  if (!canAsk()) return;
  const plan = samplingPlan(store);
  process.stderr.write('\n' + planText(plan));
  const a = (await ask('Install it now? [y/N] ')).trim().toLowerCase();
  if (a !== 'y' && a !== 'yes') {
    process.stderr.write('Nothing installed.\n');
    return;
  }
  const r = installSampling(plan);
  for (const d of r.done) process.stderr.write(terminalLines(`  done: ${d}`) + '\n');
  if (r.failed) process.stderr.write(terminalLines(`  FAILED: ${r.failed}; nothing more was done`) + '\n');
  else process.stderr.write(terminalLines(`Sampling every 5 min into ${store}${plan.how === 'cron' ? ' (cron)' : ''}.`) + '\n');
}

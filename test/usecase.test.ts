/**
 * The forecast use case (app/forecast.ts forecastVolumes): the store's samples are read once and
 * each volume's history goes through the model once, whether the answer is the history's forecast
 * or a first contact (the choice is made from that same fit). Counted through the use case's
 * injected reader and model, which call the real ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { forecastVolumes, type ForecastDeps } from '../src/app/forecast.js';
import { forecast } from '../src/forecast/model.js';
import { gatherJobs } from '../src/jobs/gather.js';
import { NoSamplesError, readHistory } from '../src/store/forecasts.js';
import { readSamples } from '../src/store/samples.js';
import { volumeOf } from '../src/owners/reconcile.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { storeWith } from './helpers/samples.js';

const GIB = 2 ** 30;
const tmp = makeTmp('usecase');
test.after(() => rmrf(tmp));

/** the real reader, model and jobs, each call counted */
function counted() {
  const n = { samples: 0, history: 0, fits: 0, jobs: 0 };
  const deps: ForecastDeps = {
    readSamples: (...a) => (n.samples++, readSamples(...a)),
    readHistory: (f) => (n.history++, readHistory(f)),
    forecast: (p) => (n.fits++, forecast(p)),
    gatherJobs: (r) => (n.jobs++, gatherJobs(r)),
  };
  return { n, deps };
}

/** `count` samples of `mount` an hour apart ending now: too few for the model; returns that now (unix ms) */
function shortHistory(store: string, mount: string, count: number): number {
  const now = Date.now();
  const L: string[] = [];
  for (let k = count - 1; k >= 0; k--) {
    const used = 10 * GIB + (count - k) * 1e6;
    L.push(JSON.stringify({ time: new Date(now - k * 3_600_000).toISOString(), mount, device: '/dev/short', fsType: 'ext4', sizeBytes: 20 * GIB, usedBytes: used, freeBytes: 20 * GIB - used, inodes: 10, inodesFree: 5 }));
  }
  fs.mkdirSync(store, { recursive: true });
  fs.appendFileSync(path.join(store, 'samples.jsonl'), L.join('\n') + '\n');
  return now;
}

const store = path.join(tmp, 'store');
const long = path.join(tmp, 'long');
const short = path.join(tmp, 'short');
const none = path.join(tmp, 'none');
for (const d of [long, short, none]) fs.mkdirSync(d);
storeWith(store, long, 30);
const shortNow = shortHistory(store, short, 3);

test('a volume with a long history: one read of the store, one fit, the forecast (no first contact)', async () => {
  const { n, deps } = counted();
  const r = await forecastVolumes({ volume: long, store }, { firstContact: true, drivers: true }, deps);
  assert.deepEqual({ samples: n.samples, fits: n.fits, history: n.history }, { samples: 1, fits: 1, history: 0 });
  assert.equal(r.firstContact, null);
  assert.equal(r.single, true);
  assert.equal(r.volumes.length, 1);
  assert.equal(r.volumes[0]!.mount, long);
  assert.equal(r.volumes[0]!.forecast.status, 'ok');
  assert.ok(r.volumes[0]!.forecast.fillsAt !== null);
  // the fit the answer carries is the one the model made (not a second one)
  assert.equal(r.points[0]!.length, r.volumes[0]!.forecast.samplesUsed);
  assert.equal(r.volumes[0]!.drivers, null);
});

test('a volume with too few samples: one read, one fit, and that fit chooses the first contact', async () => {
  const { n, deps } = counted();
  const r = await forecastVolumes({ volume: short, store }, { firstContact: true }, deps);
  assert.deepEqual({ samples: n.samples, fits: n.fits }, { samples: 1, fits: 1 });
  assert.equal(r.volumes[0]!.forecast.status, 'not-enough-data');
  assert.equal(r.firstContact?.length, 1);
  assert.equal(r.firstContact![0]!.mount, short);
  assert.equal(r.firstContact![0]!.samples, 3);
  // the first sample's time, exactly: the clock read when the samples were written (a second
  // Date.now() here, after the tests before, was compared within a minute that could run out)
  assert.equal(r.firstContact![0]!.since, shortNow - 2 * 3_600_000);
  assert.equal(r.noSamples, null);
  assert.equal(n.jobs, 0);
  // metrics (no first contact): the same history answers, still one read and one fit
  const m = counted();
  const h = await forecastVolumes({ volume: short, store }, {}, m.deps);
  assert.deepEqual({ samples: m.n.samples, fits: m.n.fits }, { samples: 1, fits: 1 });
  assert.equal(h.firstContact, null);
  assert.equal(h.volumes[0]!.forecast.status, 'not-enough-data');
});

test('every volume: one read of the store and one fit per volume; a long history answers for all', async () => {
  const { n, deps } = counted();
  const r = await forecastVolumes({ store }, { firstContact: true }, deps);
  assert.deepEqual({ samples: n.samples, fits: n.fits }, { samples: 1, fits: 2 });
  assert.equal(r.firstContact, null);
  assert.equal(r.single, false);
  assert.deepEqual(r.volumes.map((v) => v.mount).sort(), [long, short].sort());
});

test('no samples of the volume: a first contact with what the store lacks, no fit; without a first contact, NoSamplesError', async () => {
  const { n, deps } = counted();
  const r = await forecastVolumes({ volume: none, store }, { firstContact: true }, deps);
  assert.deepEqual({ samples: n.samples, fits: n.fits }, { samples: 1, fits: 0 });
  // a path that is not a mount point: the volume holding it
  const vol = volumeOf(none).mountPoint;
  assert.deepEqual(r.firstContact, [{ mount: vol, samples: 0, since: null }]);
  assert.equal(r.noSamples, `no usage samples of ${vol} in ${store}/samples.jsonl: record some with \`diskblame sample\` (cron, or the diskblame-sample.timer the package installs), or give --history FILE`);
  assert.deepEqual(r.volumes, []);
  const m = counted();
  await assert.rejects(forecastVolumes({ volume: none, store }, {}, m.deps), (e) => e instanceof NoSamplesError && e.mount === vol);
  assert.equal(m.n.samples, 1);
});

test('--history: the CSV read once, one fit, never the store', async () => {
  const csv = path.join(tmp, 'h.csv');
  const t0 = Date.UTC(2026, 9, 1);
  const rows = Array.from({ length: 20 * 24 }, (_, k) => `${(t0 + k * 3_600_000) / 1000},${10 * GIB + k * 50e6},${100 * GIB}`);
  fs.writeFileSync(csv, rows.join('\n') + '\n');
  const { n, deps } = counted();
  const r = await forecastVolumes({ history: csv, store }, { firstContact: true, drivers: true }, deps);
  assert.deepEqual(n, { samples: 0, history: 1, fits: 1, jobs: 0 });
  assert.equal(r.firstContact, null);
  assert.equal(r.volumes[0]!.source, 'history');
  assert.equal(r.volumes[0]!.forecast.status, 'ok');
  assert.equal(r.points[0]!.length, rows.length);
});

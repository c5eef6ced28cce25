/**
 * One volume's history read back from Prometheus (for the exporter's /volume chart, issue 14):
 * the same reads as a refresh (fleet/discover.ts readBatch, a batch of one), over a refresh's
 * range and step, so the points are the ones the model saw.
 */
import type { Point } from '../forecast/types.js';
import { batches, readBatch, seriesKey } from '../fleet/discover.js';
import { PromClient } from '../fleet/promclient.js';
import type { FleetRequest, FleetResult, VolumeKey } from '../fleet/types.js';

/**
 * V's points over R's range (unix ms) at R's step, oldest first ([] when Prometheus has none now).
 * Errors: the client's UserErrors (unreachable, auth, timeout, a non-Prometheus answer).
 */
export async function volumeHistory(req: FleetRequest, v: VolumeKey, r: Pick<FleetResult, 'start' | 'end' | 'stepSeconds'>): Promise<Point[]> {
  // the series' own labels (an empty label is no label in Prometheus), as discovery keyed it
  const metric: Record<string, string> = { ...v.labels };
  for (const k of ['instance', 'mountpoint', 'device', 'fstype'] as const) if (v[k] !== '') metric[k] = v[k];
  const key = seriesKey(metric);
  const client = new PromClient({ url: req.url, bearerToken: req.bearerToken, basicAuth: req.basicAuth, caFile: req.caFile, timeoutMs: req.timeoutMs });
  try {
    const got = await readBatch(client, batches([{ ...v, key }])[0]!, r.start, r.end, r.stepSeconds);
    return got.get(key) ?? [];
  } finally {
    client.close();
  }
}

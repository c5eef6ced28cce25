/**
 * Bench section helper: what the --remote channel costs, in-process, on a tree: a scan here
 * against the same scan through an agent (the loopback of src/remote/local.ts, or any launcher:
 * remote/launch.ts's launchAgent for ssh to localhost), with the bytes received per entry.
 * Not wired into bench.ts: the integrator adds the section (with the ssh launcher when merged).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalPlace } from '../src/app/place.js';
import { RemotePlace } from '../src/app/remote.js';
import type { Launcher } from '../src/app/places.js';
import { launchLocal } from '../src/remote/local.js';
import { Tree } from '../src/tree/tree.js';

export interface RemoteCost {
  tree: string;
  entries: number;
  localMs: number;
  /** from launching the agent to the last entry parsed here */
  remoteMs: number;
  /** bytes over the channel from the agent (hello, the gzip'd export, the answer) */
  bytesReceived: number;
  bytesSent: number;
  bytesPerEntry: number;
  /** the two trees' disk totals agree */
  same: boolean;
}

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'main.js');

/** One local scan and one over the channel of `root`; `launcher` defaults to the loopback. */
export async function measureRemoteCost(root: string, launcher: Launcher = (t) => launchLocal({ script: CLI, label: t.spec })): Promise<RemoteCost> {
  let t0 = performance.now();
  const local = new Tree();
  await new LocalPlace().scan(root, local, {}).done;
  const localMs = performance.now() - t0;
  t0 = performance.now();
  const place = await RemotePlace.open({ spec: 'localhost', host: 'localhost', sshOptions: [] }, launcher);
  try {
    const remote = new Tree();
    await place.scan(root, remote, {}).done;
    const remoteMs = performance.now() - t0;
    return {
      tree: root,
      entries: remote.count,
      localMs: Math.round(localMs),
      remoteMs: Math.round(remoteMs),
      bytesReceived: place.bytesReceived,
      bytesSent: place.bytesSent,
      bytesPerEntry: Math.round((place.bytesReceived / Math.max(1, remote.count)) * 100) / 100,
      same: local.sizeD(0) === remote.sizeD(0) && local.count === remote.count,
    };
  } finally {
    await place.close();
  }
}

// `node --import tsx bench/remote-cost.ts DIR`: one measurement, as JSON
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  console.log(JSON.stringify(await measureRemoteCost(process.argv[2] ?? '/usr'), null, 2));
}

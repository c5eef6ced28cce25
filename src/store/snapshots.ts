/**
 * Snapshots in the store: <store>/snapshots/<id>.json.gz, each an ncdu-format export (gzip) whose
 * metadata object carries our data under x_ keys, so `zcat F | ncdu -f -` and `gdu -f` open it.
 *
 * CONTRACT (implemented by the snapshot work; the diff, forecast and metrics code rely on it):
 * - id: `YYYYMMDDTHHMMSSZ-<host>-<8 hex of sha1(root)>`; sorting ids sorts by time for one host.
 * - metadata keys written by the snapshot writer (the ncdu writer prefixes x_):
 *   x_snapshot: SnapshotMeta (below, without `file` and `id`)
 * - listSnapshots never throws on a bad file: it is reported in `bad` and skipped.
 */

export interface SnapshotVolume {
  mount: string;
  device: string;
  fsType: string;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
}

export interface SnapshotMeta {
  id: string;
  /** ISO 8601 UTC, when the scan started */
  time: string;
  host: string;
  /** the absolute scanned path */
  root: string;
  volume: SnapshotVolume;
  entries: number;
  diskBytes: number;
  apparentBytes: number;
  /** bytes per kind of data (owners/kinds rules), when computed */
  kinds?: Record<string, number>;
  /** bytes held by deleted-but-open files on the volume, when /proc was read */
  deletedOpenBytes?: number;
  /** the file in the store */
  file: string;
}

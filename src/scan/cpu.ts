/**
 * How much of the machine is idle: the scanner starts a worker thread only when a core is free.
 *
 * Reads the kernel's CPU time counters (the first line of /proc/stat: user, nice, system, idle,
 * iowait, irq, softirq, steal, in clock ticks) and compares them with the previous reading; time
 * waiting for the disk (iowait) counts as idle, as a worker could use that core. Where /proc/stat
 * cannot be read, os.cpus() (the same counters without iowait, summed over the processors).
 */
import fs from 'node:fs';
import os from 'node:os';

interface Reading {
  /** idle ticks (idle + iowait), summed over all processors */
  idle: number;
  /** all ticks, summed over all processors */
  total: number;
  /** processors counted */
  cpus: number;
}

const buf = Buffer.alloc(4096);

/** Reads the start of FILE (a /proc file: one read) into INTO: the bytes read. Throws fs errors. */
function readStart(file: string, into: Buffer): number {
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, into, 0, into.length, 0);
  } finally {
    fs.closeSync(fd);
  }
}

function readProcStat(): Reading | null {
  try {
    const n = readStart('/proc/stat', buf);
    const text = buf.toString('latin1', 0, n);
    const nl = text.indexOf('\n');
    const first = text.slice(0, nl < 0 ? n : nl).trim().split(/\s+/);
    if (first[0] !== 'cpu' || first.length < 5) return null;
    const v = first.slice(1, 9).map(Number);
    if (v.some((x) => !Number.isFinite(x))) return null;
    let cpus = 0;
    for (let at = nl; at >= 0 && text.startsWith('cpu', at + 1); at = text.indexOf('\n', at + 1)) cpus++;
    // a page longer than the buffer (hundreds of processors) may cut the count: then os.cpus()
    if (n === buf.length) cpus = os.cpus().length;
    return { idle: v[3] + (v[4] || 0), total: v.reduce((a, b) => a + (b || 0), 0), cpus: Math.max(1, cpus) };
  } catch {
    return null;
  }
}

function readOsCpus(): Reading | null {
  const list = os.cpus();
  if (!list.length) return null;
  let idle = 0;
  let total = 0;
  for (const c of list) {
    idle += c.times.idle;
    total += c.times.idle + c.times.user + c.times.nice + c.times.sys + c.times.irq;
  }
  return { idle, total, cpus: list.length };
}

/** Idle processors between successive looks. */
export class IdleMeter {
  private last: Reading | null;
  private readonly read: () => Reading | null;
  /** this process's CPU time (µs, all its threads) and the clock (ms) at the last reading */
  private ownUs: number;
  private at: number;
  /** processors counted at the last reading */
  private cpusSeen = 1;

  constructor() {
    const p = readProcStat();
    this.read = p ? readProcStat : readOsCpus;
    this.last = p ?? readOsCpus();
    this.cpusSeen = this.last?.cpus ?? 1;
    this.ownUs = ownCpuUs();
    this.at = performance.now();
  }

  /**
   * Processors left idle since the previous call (or since construction), on average over that
   * time: 0 (all busy) up to the number of processors. null when the counters cannot be read or
   * did not move (too short an interval: less than a clock tick per processor).
   */
  freeCores(): number | null {
    return this.sample((idleCores) => idleCores);
  }

  /**
   * Processors free for one more thread of ours, on average since the previous call: the
   * processors, less what other processes kept busy (the machine's busy time less this process's
   * own, all its threads: V8's helpers and our scanning threads too), less `ownThreads` (the
   * threads of ours that want a processor each: the main thread and the scanning threads running).
   * Our own helpers' passing work (start-up's compiling, a collection) does not hide a core that
   * no one else uses, as the idle time alone did: on a quiet 2-core machine a scan's first looks
   * found 0.5 cores idle, and its thread started at 221 ms of a 360 ms scan. 0 up to the processors;
   * null as freeCores.
   * @param ownThreads threads of ours that keep a processor busy (>= 1)
   */
  freeCoresBeside(ownThreads: number): number | null {
    const free = this.sample((idleCores, cpus, ownCores) => Math.max(0, cpus - Math.max(0, cpus - idleCores - ownCores) - ownThreads));
    if (free === null) return null;
    // A short interval is a few clock ticks: one tick of idle more or less moves the average by
    // 0.4 of a core on 2 processors over 25 ms, and on a busy machine (a CPU-bound loop per
    // processor and one more) looks found up to 0.52 free, and a thread started on one run in ten.
    // So a look also counts the threads runnable at this instant (the kernel's count, less this
    // process's own): more than the processors left beside ours, and none is free, whatever the
    // average said. One runnable more or less (a kernel thread passing) does not decide: a quiet
    // machine's first look would then wait 25 ms more on one run in three.
    const running = runnableNow();
    if (running === null) return free;
    const others = Math.max(0, running - ownRunnableNow());
    return others + ownThreads > this.cpusSeen ? 0 : free;
  }

  private sample(f: (idleCores: number, cpus: number, ownCores: number) => number): number | null {
    const now = this.read();
    const before = this.last;
    if (!now || !before) return null;
    const dt = now.total - before.total;
    if (!(dt >= now.cpus)) return null; // keep the older reading: the interval goes on
    const ownUs = ownCpuUs();
    const at = performance.now();
    const ownCores = at > this.at ? (ownUs - this.ownUs) / 1000 / (at - this.at) : 0;
    this.last = now;
    this.cpusSeen = now.cpus;
    this.ownUs = ownUs;
    this.at = at;
    return f((Math.max(0, now.idle - before.idle) / dt) * now.cpus, now.cpus, ownCores);
  }

  /** Start a new interval now (the last one saw a change of our own, a thread started). */
  restart(): void {
    this.last = this.read() ?? this.last;
    this.ownUs = ownCpuUs();
    this.at = performance.now();
  }
}

const loadBuf = Buffer.alloc(128);

/**
 * Threads runnable on the whole machine at this instant, the caller's own among them (the fourth
 * field of /proc/loadavg, "running/total": proc(5)); null where it cannot be read.
 */
function runnableNow(): number | null {
  try {
    const n = readStart('/proc/loadavg', loadBuf);
    const m = /^\S+ \S+ \S+ (\d+)\//.exec(loadBuf.toString('latin1', 0, n));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const statBuf = Buffer.alloc(512);

/**
 * This process's threads runnable at this instant (state R in /proc/self/task/TID/stat: proc(5)),
 * the caller among them: V8's helpers compiling or collecting are ours, not another's load. At
 * least 1.
 */
function ownRunnableNow(): number {
  let n = 0;
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      try {
        const len = readStart(`/proc/self/task/${tid}/stat`, statBuf);
        // ')' ends the name (the last one: a name may hold one), the state follows; searched from
        // the last byte read, not past it (the bytes beyond are an earlier thread's)
        const close = len > 0 ? statBuf.lastIndexOf(0x29, len - 1) : -1;
        if (close >= 0 && close + 2 < len && statBuf[close + 2] === 0x52) n++; // 'R'
      } catch {
        // the thread ended
      }
    }
  } catch {
    return 1;
  }
  return Math.max(1, n);
}

/** this process's CPU time so far, user + system, all its threads (µs) */
function ownCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

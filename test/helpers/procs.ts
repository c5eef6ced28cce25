/** Processes as /proc shows them, for tests that act on a program's children (stop, kill, watch). */
import fs from 'node:fs';

/** bytes process `pid` has written so far (/proc/PID/io wchar; 0 when it is gone) */
export function wrote(pid: number): number {
  try {
    return Number(/^wchar: (\d+)/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** does process `pid` hold a file descriptor on `dir` or on a path under it (/proc/PID/fd)? (a scan has begun) */
export function holdsUnder(pid: number, dir: string): boolean {
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (target === dir || target.startsWith(dir + '/')) return true;
    }
  } catch {
    /* gone */
  }
  return false;
}

/** every process: pid -> its parent's pid and its arguments (/proc/PID/stat, cmdline) */
export function processes(): Map<number, { ppid: number; argv: string[] }> {
  const out = new Map<number, { ppid: number; argv: string[] }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.set(Number(name), { ppid, argv: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0') });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** pids of the children of `parent` and their command lines (arguments joined by spaces) */
export function childrenOf(parent: number): { pid: number; cmd: string }[] {
  return [...processes()].filter(([, p]) => p.ppid === parent).map(([pid, p]) => ({ pid, cmd: p.argv.join(' ') }));
}

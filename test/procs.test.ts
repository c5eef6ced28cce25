/**
 * Deleted-but-open files and writers from /proc, against real processes on a real tmpfs: the
 * deleted files must match `lsof +L1`, and df - du on the mount must equal the bytes they hold.
 * Also cgroup / fdinfo parsing, the view of user nobody, and 100,000 fds (counts only).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  deletedOpen,
  deletedOpenBytes,
  fixText,
  processFix,
  deletedByProcess,
  parseUserManager,
  userManagerUid,
  parseCgroup,
  parseCmdline,
  parseDeletedMaps,
  parseFdinfo,
  parsePasswd,
  parseStatusUid,
  readProcesses,
  writers,
} from '../src/owners/procs.js';
import type { OpenFile, ProcSnapshot } from '../src/owners/types.js';
import { REPO, have, isRoot, run } from './helpers/run.js';

const root = isRoot();
const MiB = 1 << 20;
const pageUp = (n: number): number => Math.ceil(n / 4096) * 4096;

/** A bash child that runs `script` ($1.. = args) and prints "ready" once its fds are open. */
async function holder(script: string, args: string[], kids: ChildProcess[]): Promise<ChildProcess> {
  const c = spawn('bash', ['-c', script, 'holder', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  kids.push(c);
  await waitReady(c);
  return c;
}

function waitReady(c: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`child ${c.pid} not ready: ${JSON.stringify(out)}`)), 15_000);
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? sig}) before ready: ${JSON.stringify(out)}`));
    });
  });
}

async function killAll(kids: ChildProcess[]): Promise<void> {
  await Promise.all(
    kids.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGKILL');
      return gone;
    }),
  );
}

/** mount a 64 MiB tmpfs on a new temp dir for fn, then kill its children and unmount */
async function withTmpfs(fn: (mnt: string, kids: ChildProcess[]) => Promise<void>): Promise<void> {
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-procs-'));
  const kids: ChildProcess[] = [];
  const m = run('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
  assert.equal(m.code, 0, `mount: ${m.stderr}`);
  try {
    await fn(mnt, kids);
  } finally {
    await killAll(kids);
    let u = run('umount', [mnt]);
    if (u.code !== 0) u = run('umount', ['-l', mnt]);
    fs.rmdirSync(mnt);
    assert.equal(u.code, 0, `umount: ${u.stderr}`);
  }
}

const key = (pid: number, fd: number, p: string, size: number): string => `${pid} ${fd} ${size} ${p}`;

/** `lsof -nP -a +L1 MNT`: deleted (nlink 0) open files on that file system, as keys */
function lsofDeleted(mnt: string): string[] {
  const r = run('lsof', ['-nP', '-a', '+L1', mnt]);
  assert.equal(r.signal, null, 'lsof killed');
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length > 0, `lsof printed nothing (exit ${r.code}): ${r.stderr}`);
  assert.deepEqual(lines[0]!.trim().split(/\s+/), [
    'COMMAND', 'PID', 'USER', 'FD', 'TYPE', 'DEVICE', 'SIZE/OFF', 'NLINK', 'NODE', 'NAME',
  ]);
  return lines.slice(1).map((l) => {
    const f = l.trim().split(/\s+/); // our children are all "sleep": no spaces before NAME
    const fd = /^(\d+)[rwu]?$/.exec(f[3]!);
    assert.ok(fd, `lsof FD column ${f[3]} in ${l}`);
    assert.equal(f[4], 'REG', l);
    assert.equal(f[7], '0', `NLINK in ${l}`);
    const name = f.slice(9).join(' ').replace(/ \(deleted\)$/, '');
    return key(Number(f[1]), Number(fd[1]), name, Number(f[6]));
  });
}

function fileOf(snap: ProcSnapshot, pid: number, fd: number): OpenFile | undefined {
  return snap.files.find((f) => f.pid === pid && f.fd === fd);
}

// ------------------------------------------------------------------------------------------------
describe('deleted-but-open files on a tmpfs, against lsof +L1 and df - du', { skip: !root && 'needs root (mount)' }, () => {
  it('lists each (pid, fd) of the deleted files, counts each inode once, matches lsof and df - du', async (t) => {
    await withTmpfs(async (mnt, kids) => {
      const A = path.join(mnt, 'a.log');
      const B = path.join(mnt, 'b.dat');
      const C = path.join(mnt, 'c.txt');
      const C2 = path.join(mnt, 'c2.txt');
      const NA = 3 * MiB + 1234;
      const NB = MiB + 5;
      fs.writeFileSync(B, Buffer.alloc(NB, 0x62));
      fs.writeFileSync(C, Buffer.alloc(10_000, 0x63));
      fs.linkSync(C, C2);
      // p1 writes NA bytes to A through fd 3 (append), reads B on 4, C on 5; p2 holds B twice
      const p1 = await holder(
        `exec 3>>"$1" 4<"$2" 5<"$3"; head -c ${NA} /dev/urandom >&3; echo ready; exec sleep 60`,
        [A, B, C],
        kids,
      );
      const p2 = await holder('exec 3<"$1" 7<"$1"; echo ready; exec sleep 60', [B], kids);
      fs.unlinkSync(A);
      fs.unlinkSync(B);
      fs.unlinkSync(C); // still reachable as c2.txt: not deleted for df, du or lsof
      const dev = fs.statSync(mnt).dev;

      const cwd = process.cwd();
      const snap = await readProcesses({ allFiles: true });
      assert.equal(process.cwd(), cwd, 'working directory restored');
      assert.equal(snap.complete, true);
      assert.equal(snap.unreadable, 0);

      const list = deletedOpen(snap, dev);
      const ours = list.map((d) => key(d.pid, d.fd, d.path, d.bytes)).sort();
      assert.deepEqual(ours, [
        key(p1.pid!, 3, A, NA),
        key(p1.pid!, 4, B, NB),
        key(p2.pid!, 3, B, NB),
        key(p2.pid!, 7, B, NB),
      ].sort());
      assert.equal(list[0]!.path, A, 'biggest first');
      assert.equal(list[0]!.diskBytes, pageUp(NA));
      assert.equal(list[0]!.command, `sleep 60`);
      assert.equal(list[0]!.user, 'root');
      assert.equal(list[0]!.unit, snap.processes.find((p) => p.pid === p1.pid)!.unit);
      assert.match(list[0]!.fix, new RegExp(`^: > /proc/${p1.pid}/fd/3 .*data in that file is lost`, 'm'));

      // one inode B behind three fds: counted once
      const held = deletedOpenBytes(list);
      assert.equal(held, pageUp(NA) + pageUp(NB));
      assert.ok(list.reduce((s, d) => s + d.diskBytes, 0) > held, 'the dedupe had something to do');

      // fdinfo: p1's fd 3 is O_WRONLY|O_APPEND at the end, p2's fd 3 read-only at 0
      const a = fileOf(snap, p1.pid!, 3)!;
      assert.deepEqual([a.writing, a.append, a.pos, a.flags & 3], [true, true, NA, 1]);
      const b = fileOf(snap, p2.pid!, 3)!;
      assert.deepEqual([b.writing, b.append, b.pos, b.flags & 3], [false, false, 0, 0]);
      // c.txt: the kernel says "(deleted)" but c2.txt keeps the inode: not deleted, name stripped
      const c = fileOf(snap, p1.pid!, 5)!;
      assert.deepEqual([c.deleted, c.path, c.bytes], [false, C, 10_000]);

      // the default snapshot (no allFiles) finds the same deleted files
      const snap2 = await readProcesses();
      assert.deepEqual(deletedOpen(snap2, dev).map((d) => key(d.pid, d.fd, d.path, d.bytes)).sort(), ours);
      assert.equal(fileOf(snap2, p1.pid!, 5), undefined, 'read-only live files are left out by default');

      // lsof +L1 on that mount sees exactly the same (pid, fd, size, name)
      const lsof = lsofDeleted(mnt).sort();
      t.diagnostic(`lsof +L1 ${mnt}: ${lsof.length} entries, ours ${ours.length}`);
      assert.deepEqual(lsof, ours);

      // df - du on the mount is what deleted-open files hold
      const df = run('df', ['-B1', '--output=used', mnt]);
      const used = Number(df.stdout.trim().split('\n')[1]);
      const du = run('du', ['-sB1', mnt]);
      const seen = Number(du.stdout.split('\t')[0]);
      assert.ok(Number.isFinite(used) && Number.isFinite(seen), `df ${df.stdout} du ${du.stdout}`);
      const tol = Math.max(used * 0.01, 64 * 1024);
      t.diagnostic(`df used ${used}, du ${seen}, df - du ${used - seen}, deletedOpenBytes ${held}, tolerance ${tol}`);
      assert.ok(Math.abs(used - seen - held) <= tol, `df - du = ${used - seen}, ours ${held}`);
    });
  });

  it('writers: an appending child grows between two looks; readers are not writers', async () => {
    await withTmpfs(async (mnt, kids) => {
      const L = path.join(mnt, 'app.log');
      const R = path.join(mnt, 'rw.db');
      const Q = path.join(mnt, 'readonly.txt');
      fs.writeFileSync(R, 'x'.repeat(5000));
      fs.writeFileSync(Q, 'q');
      const ticker = spawn(
        process.execPath,
        [
          '-e',
          "const fs=require('fs');const fd=fs.openSync(process.argv[1],'a');console.log('ready');" +
            "setInterval(()=>fs.writeSync(fd,'tick tick tick\\n'),50)",
          L,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      kids.push(ticker);
      await waitReady(ticker);
      const rw = await holder('exec 3<>"$1" 4<"$2"; echo ready; exec sleep 60', [R, Q], kids);
      const dev = fs.statSync(mnt).dev;

      const snap = await readProcesses({ sampleMs: 300 });
      const w = writers(snap, dev);
      const mine = w.filter((x) => x.pid === ticker.pid || x.pid === rw.pid);
      assert.deepEqual(
        mine.map((x) => [x.pid, x.path, x.append]),
        [
          [ticker.pid, L, true],
          [rw.pid, R, false],
        ],
        'growth first, then size; the read-only fd is not there',
      );
      assert.ok(mine[0]!.grewBytes > 0, `grew ${mine[0]!.grewBytes}`);
      assert.equal(mine[1]!.grewBytes, 0);
      assert.equal(mine[1]!.bytes, 5000);
      assert.ok(w.every((x) => x.path.startsWith(mnt + '/')), 'only files on that dev');

      const unsampled = writers(await readProcesses(), dev).find((x) => x.pid === ticker.pid);
      assert.equal(unsampled?.grewBytes, 0, 'no sample, no growth');
    });
  });
});

// ------------------------------------------------------------------------------------------------
/**
 * python3: write N bytes to PATH, mmap them (MAP_SHARED, through libc: Python's mmap module keeps a
 * dup of the fd), close the fd unless KEEP is 1, unlink PATH when UNLINK is 1, print "ready", sleep.
 */
const MAPPER = `
import ctypes, os, sys, time
p, n, keep, unlink = os.fsencode(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == '1', sys.argv[4] == '1'
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, b'm' * n)
addr = libc.mmap(None, n, 1, 1, fd, 0)
if addr is None or addr == ctypes.c_void_p(-1).value: sys.exit('mmap failed')
if not keep: os.close(fd)
if unlink: os.unlink(p)
print('ready', flush=True)
time.sleep(120)
`;

async function mapper(file: string, n: number, keepFd: boolean, unlink: boolean, kids: ChildProcess[]): Promise<ChildProcess> {
  const c = spawn('python3', ['-c', MAPPER, file, String(n), keepFd ? '1' : '0', unlink ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  kids.push(c);
  await waitReady(c);
  return c;
}

/** `lsof -nP -a -p PIDS MNT`... DEL rows (deleted files mapped into memory): "pid ino name" */
function lsofMapped(pids: number[]): string[] {
  const r = run('lsof', ['-nP', '-p', pids.join(',')]);
  assert.equal(r.signal, null, 'lsof killed');
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.deepEqual(lines[0]!.trim().split(/\s+/), ['COMMAND', 'PID', 'USER', 'FD', 'TYPE', 'DEVICE', 'SIZE/OFF', 'NODE', 'NAME']);
  const out: string[] = [];
  for (const l of lines.slice(1)) {
    const f = l.trim().split(/\s+/);
    if (f[3] !== 'DEL') continue;
    // DEL rows have no SIZE/OFF: COMMAND PID USER DEL TYPE DEVICE NODE NAME...
    out.push(`${f[1]} ${f[6]} ${f.slice(7).join(' ')}`);
  }
  return out;
}

describe('deleted files kept alive by a memory mapping (lsof: DEL)', { skip: !root && 'needs root (mount, map_files)' }, () => {
  it('counted once per inode, sized, matched with lsof and df - du; the fix restarts, never truncates', async (t) => {
    if (!have('python3') || !have('lsof')) return t.skip('needs python3 and lsof');
    await withTmpfs(async (mnt, kids) => {
      const A = path.join(mnt, 'mapped only.bin');
      const B = path.join(mnt, 'mapped-and-open.bin');
      const C = path.join(mnt, 'same-process.bin');
      const NA = 5 * MiB;
      const NB = 2 * MiB + 7;
      const NC = MiB + 3;
      const mA = await mapper(A, NA, false, true, kids); // no fd left, only the mapping
      const mB = await mapper(B, NB, false, false, kids); // mapped here, held by an fd in another process
      const hB = await holder('exec 3<"$1"; echo ready; exec sleep 60', [B], kids);
      fs.unlinkSync(B);
      const mC = await mapper(C, NC, true, true, kids); // fd and mapping in one process
      const dev = fs.statSync(mnt).dev;

      const snap = await readProcesses();
      const list = deletedOpen(snap, dev);
      const rows = list.map((d) => `${d.pid} ${d.fd >= 0 ? 'fd' : 'map'} ${d.path} ${d.bytes} ${d.mapped}`).sort();
      const fdC = list.find((d) => d.pid === mC.pid)?.fd ?? -2;
      assert.deepEqual(
        rows,
        [
          `${mA.pid} map ${A} ${NA} true`,
          `${mB.pid} map ${B} ${NB} true`,
          `${hB.pid} fd ${B} ${NB} true`,
          `${mC.pid} fd ${C} ${NC} true`,
        ].sort(),
      );
      assert.ok(fdC >= 0, 'the fd of the same-process holder');
      const a = list.find((d) => d.pid === mA.pid)!;
      assert.equal(a.fd, -1);
      assert.equal(a.diskBytes, pageUp(NA));
      // the fix: a restart; truncating a mapped file kills its process with SIGBUS
      for (const d of list) {
        assert.doesNotMatch(d.fix, /: >|truncate -s/, `pid ${d.pid} fd ${d.fd}: ${d.fix}`);
        assert.match(d.fix, /do not truncate/);
      }
      assert.match(a.fix, new RegExp(`^restart process ${mA.pid} `, 'm'));

      // each inode once: B is held by two processes
      const held = deletedOpenBytes(list);
      assert.equal(held, pageUp(NA) + pageUp(NB) + pageUp(NC));

      // lsof shows a mapping of a deleted file as FD "DEL" (no size, no link count; `lsof +L1`
      // lists only fds): the same (pid, inode, name) as our mapped rows of those processes
      const ours = snap.files
        .filter((f) => f.deleted && f.mapped && f.dev === dev)
        .map((f) => `${f.pid} ${f.ino} ${f.path}`)
        .filter((k) => k.startsWith(`${mA.pid} `) || k.startsWith(`${mB.pid} `) || k.startsWith(`${mC.pid} `))
        .sort();
      const lsof = lsofMapped([mA.pid!, mB.pid!, mC.pid!]).filter((k) => k.split(' ').slice(2).join(' ').startsWith(mnt + '/')).sort();
      t.diagnostic(`lsof DEL: ${JSON.stringify(lsof)}`);
      assert.deepEqual(lsof, ours);
      // and `lsof +L1` (fds only) lists the two fds
      assert.deepEqual(
        lsofDeleted(mnt).sort(),
        [key(hB.pid!, 3, B, NB), key(mC.pid!, fdC, C, NC)].sort(),
      );

      // df - du on the mount is what they hold
      const used = Number(run('df', ['-B1', '--output=used', mnt]).stdout.trim().split('\n')[1]);
      const seen = Number(run('du', ['-sB1', mnt]).stdout.split('\t')[0]);
      assert.ok(Math.abs(used - seen - held) <= Math.max(used * 0.01, 64 * 1024), `df - du = ${used - seen}, ours ${held}`);

      // owners --json and text, end to end
      const o = run(process.execPath, [path.join(REPO, 'dist', 'cli', 'main.js'), 'owners', mnt, '--json', '--sample-ms', '0']);
      assert.equal(o.code, 0, o.stderr);
      const j = JSON.parse(o.stdout) as { deletedOpen: { pid: number; fd: number; bytes: number; mapped: boolean; fix: string }[]; reconciliation: { deletedOpenBytes: number } };
      const ja = j.deletedOpen.find((d) => d.pid === mA.pid);
      assert.ok(ja && ja.fd === -1 && ja.bytes === NA && ja.mapped, JSON.stringify(j.deletedOpen));
      assert.equal(j.reconciliation.deletedOpenBytes, held);
      const txt = run(process.execPath, [path.join(REPO, 'dist', 'cli', 'main.js'), 'owners', mnt, '--sample-ms', '0']);
      assert.equal(txt.code, 0, txt.stderr);
      assert.match(txt.stdout, new RegExp(`pid ${mA.pid} .*memory-mapped, no fd`));
      assert.match(txt.stdout, new RegExp(`pid ${hB.pid} .*fd 3, also memory-mapped`));
      assert.doesNotMatch(txt.stdout, /: > \/proc\//, 'no truncation offered for a mapped file');
    });
  });
});

// ------------------------------------------------------------------------------------------------
describe('parsing', () => {
  const H = 'a'.repeat(64);
  const H2 = '0123456789abcdef'.repeat(4);
  const cases: [string, string, string | null, string | null][] = [
    ['v2 service', '0::/system.slice/nginx.service\n', 'nginx.service', null],
    [
      'v1 lines',
      '12:pids:/system.slice/cron.service\n11:memory:/system.slice/cron.service\n1:name=systemd:/system.slice/cron.service\n',
      'cron.service',
      null,
    ],
    ['hybrid: v2 line wins', '1:name=systemd:/system.slice/a.service\n0::/system.slice/b.service\n', 'b.service', null],
    ['docker scope', `0::/system.slice/docker-${H}.scope\n`, `docker-${H}.scope`, H],
    ['docker cgroupfs v1', `5:memory:/docker/${H2}\n4:cpu:/docker/${H2}\n`, null, H2],
    ['podman libpod', `0::/machine.slice/libpod-${H}.scope/container\n`, `libpod-${H}.scope`, H],
    ['podman conmon is not the container', `0::/machine.slice/libpod-conmon-${H}.scope\n`, `libpod-conmon-${H}.scope`, null],
    ['containerd', `0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-${H}.scope\n`, `cri-containerd-${H}.scope`, H],
    ['cri-o', `0::/kubepods.slice/kubepods-burstable.slice/crio-${H2}.scope\n`, `crio-${H2}.scope`, H2],
    [
      'user slice',
      '0::/user.slice/user-0.slice/user@0.service/app.slice/app-foo.scope\n',
      'app-foo.scope',
      null,
    ],
    ['user service', '0::/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service\n', 'pipewire.service', null],
    ['session', '0::/user.slice/user-0.slice/session-3.scope\n', 'session-3.scope', null],
    ['root only', '0::/\n', null, null],
    ['none', '', null, null],
    ['not a hex id', '0::/system.slice/docker-xyz.scope\n', 'docker-xyz.scope', null],
  ];
  for (const [name, text, unit, container] of cases) {
    it(`cgroup: ${name}`, () => {
      assert.deepEqual(parseCgroup(text), { unit, container });
    });
  }

  it('fdinfo, status, cmdline, passwd', () => {
    const b = Buffer.from('pos:\t4096\nflags:\t0102001\nmnt_id:\t42\nino:\t7\n');
    assert.deepEqual(parseFdinfo(b, b.length), { pos: 4096, flags: 0o102001 });
    assert.deepEqual(parseFdinfo(b, 0), { pos: -1, flags: -1 });
    assert.equal(parseStatusUid('Name:\tx\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t0\n'), 1000);
    assert.equal(parseStatusUid('Name:\tx\n'), -1);
    assert.equal(parseCmdline('sleep\x0060\x00'), 'sleep 60');
    assert.equal(parseCmdline(''), '');
    const pw = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# c\nnobody:x:65534:65534::/:/x\nbad\ntoor:x:0:0::/:/x\n');
    assert.deepEqual([...pw], [[0, 'root'], [65534, 'nobody']]);
  });

  it('fix text', () => {
    const svc = fixText(10, 4, 'nginx.service', null).split('\n');
    assert.match(svc[0]!, /^systemctl restart nginx\.service .*releases the space/);
    assert.match(svc[1]!, /^: > \/proc\/10\/fd\/4 .*process keeps running.*lost/);
    // a scope is not restartable: only the truncation (plus the container, when there is one)
    assert.doesNotMatch(fixText(10, 4, 'session-3.scope', null), /systemctl/);
    assert.match(fixText(10, 4, `docker-${H}.scope`, H), /restart container aaaaaaaaaaaa/);
    // memory-mapped: a restart only, never a truncation (SIGBUS)
    const m = fixText(10, -1, null, null, null, true);
    assert.match(m, /^restart process 10 /);
    assert.doesNotMatch(m, /: >/);
    const ms = fixText(10, 4, 'nginx.service', null, null, true);
    assert.match(ms, /^systemctl restart nginx\.service /);
    assert.doesNotMatch(ms, /: >/);
    assert.match(ms, /do not truncate/);
  });

  it('maps: the mappings of deleted files, exact bytes of their names, map_files names', () => {
    const text = Buffer.concat([
      Buffer.from('00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n'),
      Buffer.from('7f77f7b1d000-7f77f801d000 r--s 00000000 00:27 2                          /tmp/x/mapped file.bin (deleted)\n'),
      Buffer.from('0804a000-0804b000 rw-p 00001000 fe:01 99 /srv/a\\012b'),
      Buffer.from([0xff]),
      Buffer.from(' (deleted)\n'),
      Buffer.from('7f0000000000-7f0000001000 rw-s 00000000 00:01 1024 /memfd:x (deleted)\n'),
      Buffer.from('7f0000002000-7f0000003000 rw-p 00000000 00:00 0 [heap] (deleted)\n'),
      Buffer.from('7fff24c6f000-7fff24c90000 rw-p 00000000 00:00 0                          [stack]'),
    ]).toString('latin1');
    const m = parseDeletedMaps(text);
    assert.deepEqual(
      m.map((x) => [x.range, x.dev, x.ino, x.path.toString('latin1')]),
      [
        ['7f77f7b1d000-7f77f801d000', '00:27', 2, '/tmp/x/mapped file.bin'],
        ['804a000-804b000', 'fe:01', 99, '/srv/a\\012b\xff'],
        ['7f0000000000-7f0000001000', '00:01', 1024, '/memfd:x'],
      ],
    );
  });

  it('fix text for user units: the user manager, never the system one', () => {
    const cases: [string, number | null][] = [
      ['/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service', 1000],
      ['/user.slice/user-1000.slice/user@1000.service/app.slice/deep.slice/x.service', 1000],
      ['/user.slice/user-1001.slice/user@1001.service/init.scope', 1001],
      ['/user.slice/user-1002.slice/odd.service', 1002],
      ['/user.slice/user-0.slice/session-3.scope', null],
      // the user manager itself is a system unit
      ['/user.slice/user-1000.slice/user@1000.service', null],
      ['/system.slice/nginx.service', null],
      ['/', null],
    ];
    for (const [p, uid] of cases) assert.equal(userManagerUid(p), uid, p);
    assert.equal(parseUserManager('0::/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service\n'), 1000);
    assert.equal(parseUserManager('1:name=systemd:/user.slice/user-7.slice/user@7.service/app.slice/a.service\n'), 7);
    assert.equal(parseUserManager('0::/system.slice/cron.service\n'), null);

    const user = fixText(10, 4, 'pipewire.service', null, 'alice').split('\n');
    assert.match(user[0]!, /^systemctl --user -M alice@ restart pipewire\.service /);
    assert.ok(!user.some((l) => /^systemctl restart/.test(l)), 'no restart through the system manager');
    assert.match(user.at(-1)!, /^: > \/proc\/10\/fd\/4 /);
    // a user without a plain name is quoted for the shell
    assert.match(fixText(10, 4, 'x.service', null, "o'brien x"), /-M 'o'\\''brien x'@ restart x\.service/);
    // the user manager itself: a system restart, with what it costs
    assert.match(fixText(10, 4, 'user@1000.service', null), /^systemctl restart user@1000\.service .*every unit of that user/);
    // a user's scope (an app, a session) is not restartable
    assert.doesNotMatch(fixText(10, 4, 'app-foo.scope', null, 'alice'), /systemctl/);
  });

  it('deletedOpenBytes and writers on a hand-made snapshot', () => {
    const f = (pid: number, fd: number, o: Partial<OpenFile>): OpenFile => ({
      pid, fd, path: `/x/${pid}-${fd}`, mapped: false, deleted: false, bytes: 100, diskBytes: 4096, dev: 1, ino: pid * 100 + fd,
      flags: 0, writing: false, append: false, pos: 0, grewBytes: 0, ...o,
    });
    const snap: ProcSnapshot = {
      processes: [{ pid: 5, command: 'app', uid: 0, user: 'root', unit: 'app.service', container: null }],
      files: [
        f(5, 3, { deleted: true, ino: 9, diskBytes: 8192 }),
        f(5, 4, { deleted: true, ino: 9, diskBytes: 8192 }),
        f(5, 5, { deleted: true, ino: 9, dev: 2, diskBytes: 8192 }),
        f(5, 6, { writing: true, bytes: 10, grewBytes: 0 }),
        f(5, 7, { writing: true, bytes: 1, grewBytes: 50, append: true }),
        f(5, 8, { writing: true, dev: 2 }),
      ],
      complete: true, unreadable: 0, scannedProcesses: 1, scannedFds: 6, elapsedMs: 0,
    };
    const d1 = deletedOpen(snap, 1);
    assert.deepEqual(d1.map((d) => d.fd), [3, 4]);
    assert.equal(deletedOpenBytes(d1), 8192);
    assert.equal(deletedOpenBytes(deletedOpen(snap)), 16384, 'same ino on another dev is another inode');
    assert.match(d1[0]!.fix, /^systemctl restart app\.service/);
    assert.deepEqual(writers(snap, 1).map((w) => [w.fd, w.grewBytes]), [[7, 50], [6, 0]]);
    assert.equal(writers(snap).length, 3);
    // one file written through three fds: one row, its fds ascending, the growth seen on any
    const thrice = { ...snap, files: [f(5, 9, { writing: true, ino: 77 }), f(5, 4, { writing: true, ino: 77, grewBytes: 30 }), f(5, 6, { writing: true, ino: 77 }), f(6, 3, { writing: true, ino: 77 })] };
    assert.deepEqual(writers(thrice).map((w) => [w.pid, w.fd, w.fds, w.grewBytes]), [[5, 4, [4, 6, 9], 30], [6, 3, [3], 0]]);
  });

  it('one fix per process: deletedByProcess groups the rows, processFix truncates every unmapped fd in one line', () => {
    const f = (fd: number, o: Partial<OpenFile> = {}): OpenFile => ({
      pid: 5, fd, path: `/x/${fd}`, mapped: false, deleted: true, bytes: 100, diskBytes: 4096 * fd, dev: 1, ino: fd,
      flags: 0, writing: false, append: false, pos: 0, grewBytes: 0, ...o,
    });
    const snap: ProcSnapshot = {
      processes: [{ pid: 5, command: 'app', uid: 0, user: 'root', unit: 'app.service', container: null }, { pid: 8, command: 'b', uid: 0, user: 'root', unit: null, container: null }],
      files: [f(3), f(4), f(9, { pid: 8 }), f(7)],
      complete: true, unreadable: 0, scannedProcesses: 2, scannedFds: 4, elapsedMs: 0,
    };
    const g = deletedByProcess(deletedOpen(snap));
    assert.deepEqual(g.map((x) => [x.pid, x.rows.map((r) => r.fd)]), [[8, [9]], [5, [7, 4, 3]]], 'by process, the one with the largest file first');
    const fix5 = g[1].fix.split('\n');
    assert.equal(fix5.length, 2);
    assert.match(fix5[0], /^systemctl restart app\.service /);
    assert.match(fix5[1], /^truncate -s 0 \/proc\/5\/fd\/3 \/proc\/5\/fd\/4 \/proc\/5\/fd\/7 /);
    assert.match(g[0].fix, /^: > \/proc\/8\/fd\/9 /);
    // a mapped file among them: never truncated, the others still are
    const mixed = processFix(5, [{ fd: 3, mapped: true }, { fd: 4, mapped: false }], null, null);
    assert.match(mixed, /^restart process 5 /);
    assert.match(mixed, /do not truncate those/);
    assert.match(mixed, /: > \/proc\/5\/fd\/4 /);
    assert.doesNotMatch(mixed, /fd\/3/);
    assert.equal(fixText(10, 4, 'nginx.service', null), processFix(10, [{ fd: 4, mapped: false }], 'nginx.service', null));
  });
});

// ------------------------------------------------------------------------------------------------
describe('as user nobody', { skip: !(root && have('setpriv')) && 'needs root and setpriv' }, () => {
  it("cannot read root's fds: incomplete, unreadable > 0", () => {
    const script =
      "import { readProcesses } from './src/owners/procs.ts';" +
      'const s = await readProcesses();' +
      'console.log(JSON.stringify({ complete: s.complete, unreadable: s.unreadable, uid: process.getuid(),' +
      ' rootProcs: s.processes.filter((p) => p.uid === 0).length, me: s.processes.some((p) => p.pid === process.pid) }));';
    const r = run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath,
      '--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO });
    assert.equal(r.code, 0, `${r.cmd}: ${r.stderr}`);
    const o = JSON.parse(r.stdout) as { complete: boolean; unreadable: number; uid: number; rootProcs: number; me: boolean };
    assert.equal(o.uid, 65534);
    assert.ok(o.rootProcs > 0, "root's processes are listed");
    assert.equal(o.me, true);
    assert.equal(o.complete, false);
    assert.ok(o.unreadable > 0 && o.unreadable >= o.rootProcs, `unreadable ${o.unreadable}, root processes ${o.rootProcs}`);
  });
});

// ------------------------------------------------------------------------------------------------
describe('many processes, many fds', () => {
  it('50 processes x 2,000 fds: every fd looked at, the right ones kept (counts, no timing)', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diskblame-fds-'));
    const F = path.join(dir, 'shared');
    fs.writeFileSync(F, 'shared');
    const kids: ChildProcess[] = [];
    try {
      // 1,999 read-only fds and one read-write fd (the last) on the same file, each
      const script = 'for ((i=0;i<1999;i++)); do exec {x}<"$1"; done; exec {y}<>"$1"; echo "ready"; exec sleep 60';
      await Promise.all(Array.from({ length: 50 }, () => holder(script, [F], kids)));
      const pids = new Set(kids.map((c) => c.pid!));

      const snap = await readProcesses();
      t.diagnostic(`${snap.scannedProcesses} processes, ${snap.scannedFds} fds, ${snap.files.length} files kept: ${snap.elapsedMs.toFixed(0)} ms`);
      assert.ok(snap.scannedFds >= 100_000, `scannedFds ${snap.scannedFds}`);
      assert.ok(snap.scannedProcesses >= 50);
      const kept = snap.files.filter((f) => pids.has(f.pid));
      assert.equal(kept.length, 50, 'one read-write fd per child');
      assert.ok(kept.every((f) => f.path === F && f.writing && !f.append && !f.deleted));

      const all = await readProcesses({ allFiles: true });
      t.diagnostic(`allFiles: ${all.files.length} files kept: ${all.elapsedMs.toFixed(0)} ms`);
      const perPid = new Map<number, number>();
      for (const f of all.files) if (pids.has(f.pid) && f.path === F) perPid.set(f.pid, (perPid.get(f.pid) ?? 0) + 1);
      assert.equal(perPid.size, 50);
      assert.ok([...perPid.values()].every((n) => n === 2000), `per child: ${[...new Set(perPid.values())]}`);
    } finally {
      await killAll(kids);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('processes coming and going during the read are skipped silently', async () => {
    const churn = spawn('bash', ['-c', 'while :; do /bin/true & /bin/true; wait; done'], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 5; i++) {
        const snap = await readProcesses();
        assert.ok(snap.processes.some((p) => p.pid === churn.pid));
        assert.equal(new Set(snap.processes.map((p) => p.pid)).size, snap.processes.length);
        if (root) assert.equal(snap.complete, true);
      }
    } finally {
      await killAll([churn]);
    }
  });
});

/**
 * Names keep their exact bytes in every command's JSON (the text, plus `pathBase64` /
 * `commandBase64` where the text is lossy), and every command's text output is safe for a
 * terminal: owners (deleted-open files, writers, command lines, kinds), snapshot, snapshots,
 * diff, forecast's growth drivers, over the hostile-names fixture.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { HOSTILE, HOSTILE_DIR, assertTerminalSafe, makeHostileTree } from './helpers/hostile.js';
import { makeTmp, rmrf } from './helpers/fs.js';
import { runCli, runCliOk } from './helpers/run.js';

const u = (s: string) => Buffer.from(s, 'utf8');

/** the exact bytes of a JSON name: pathBase64 (or another *Base64) when present, else the text */
function exact(text: string, base64?: string): Buffer {
  return base64 !== undefined ? Buffer.from(base64, 'base64') : u(text);
}

/** every byte as \0NNN, for bash's printf %b (argv cannot carry bytes that are not UTF-8) */
function printfArg(b: Buffer): string {
  return [...b].map((c) => '\\0' + c.toString(8).padStart(3, '0')).join('');
}

function startHolder(script: string, args: string[], kids: ChildProcess[]): Promise<ChildProcess> {
  const c = spawn('bash', ['-c', script, 'holder', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  kids.push(c);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`holder not ready: ${out}`)), 15_000);
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        resolve(c);
      }
    });
    c.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`holder exited ${code}: ${out}`));
    });
  });
}

describe('exact bytes of names in JSON, safe text, in every command', () => {
  it('owners: deleted-open and written files, command lines, kinds of data', async (t) => {
    const root = makeTmp('names-owners');
    const kids: ChildProcess[] = [];
    t.after(() => {
      for (const c of kids) c.kill('SIGKILL');
      rmrf(root);
    });
    const h = makeHostileTree(root);
    const dirB = Buffer.from(h.dir + '/');
    const held = Buffer.concat([dirB, HOSTILE.find((x) => x.label === 'invalid UTF-8')!.bytes]);
    const written = Buffer.concat([dirB, HOSTILE.find((x) => x.label === 'OSC title (BEL)')!.bytes]);
    const argv0 = Buffer.concat([u('cmd\x1b[31m\u202e'), Buffer.from([0xff, 0xfe])]);
    // a log in the hostile directory (not UTF-8), big enough to be the biggest of its kind
    const log = Buffer.concat([dirB, HOSTILE_DIR, u('/x\x1b[2J'), Buffer.from([0xfe]), u('.log')]);
    fs.writeFileSync(log, Buffer.alloc(300_000, 0x6c));
    const p = await startHolder(
      'exec 3<"$(printf %b "$1")" 4>>"$(printf %b "$2")"; echo ready; exec -a "$(printf %b "$3")" sleep 60',
      [printfArg(held), printfArg(written), printfArg(argv0)],
      kids,
    );
    fs.unlinkSync(held);
    // the exec has happened once /proc/PID/cmdline says so
    for (let k = 0; k < 100 && !fs.readFileSync(`/proc/${p.pid}/cmdline`).subarray(0, argv0.length).equals(argv0); k++)
      await new Promise((r) => setTimeout(r, 50));

    const r = runCliOk(['owners', root, '--json', '--sample-ms', '0', '--top', '50']);
    const j = JSON.parse(r.stdout);
    const del = j.deletedOpen.filter((d: { pid: number }) => d.pid === p.pid);
    assert.equal(del.length, 1, JSON.stringify(j.deletedOpen));
    assert.ok(exact(del[0].path, del[0].pathBase64).equals(held), `deleted-open path ${del[0].path}`);
    assert.ok(exact(del[0].command, del[0].commandBase64).equals(Buffer.concat([argv0, u(' 60')])), `command ${del[0].command}`);
    const wr = j.writers.filter((w: { pid: number }) => w.pid === p.pid);
    assert.equal(wr.length, 1, JSON.stringify(j.writers));
    assert.ok(exact(wr[0].path, wr[0].pathBase64).equals(written));
    assert.equal(wr[0].pathBase64, undefined, 'a valid UTF-8 path needs no pathBase64');
    const logs = j.categories.find((c: { name: string }) => c.name === 'live logs');
    assert.ok(logs, JSON.stringify(j.categories.map((c: { name: string }) => c.name)));
    assert.ok(exact(logs.biggest[0].path, logs.biggest[0].pathBase64).equals(log), `kinds: ${JSON.stringify(logs.biggest[0])}`);

    const txt = runCliOk(['owners', root, '--sample-ms', '0']);
    assertTerminalSafe(txt.stdoutBuf, 'owners text');
    assert.ok(txt.stdout.includes('\\xff\\xfe.bin'), 'the deleted file, escaped');
    assert.ok(txt.stdout.includes('cmd\\x1b[31m\\u{202e}\\xff\\xfe 60'), 'the command, escaped');
  });

  it('snapshot, snapshots, diff and forecast: roots, changed paths, growth drivers', (t) => {
    const top = makeTmp('names-snap');
    const store = makeTmp('names-store');
    t.after(() => {
      rmrf(top);
      rmrf(store);
    });
    // a root whose own name attacks the terminal (valid UTF-8: it has to pass through argv); its
    // zero-width space, like the fixture's format characters, is escaped by the escape module
    const root = path.join(top, 'root\x1b]0;t\x07\u202e\u200b');
    fs.mkdirSync(root);
    const h = makeHostileTree(root);
    const env = { ...process.env, DISKBLAME_STORE: store, DISKBLAME_DEBUG: '' };
    runCliOk(['snapshot', root, '--json'], { env });
    // every hostile file grows by 100 KiB; one new file with a name that is not UTF-8
    for (const n of h.names) fs.appendFileSync(Buffer.concat([Buffer.from(h.dir + '/'), n.bytes]), Buffer.alloc(100 << 10, 0x7a));
    const added = Buffer.concat([Buffer.from(h.dir + '/'), HOSTILE_DIR, u('/new\x1b[H'), Buffer.from([0xc0, 0xaf])]);
    fs.writeFileSync(added, Buffer.alloc(5 << 20, 0x79));
    const s2 = JSON.parse(runCliOk(['snapshot', root, '--json'], { env }).stdout);
    assert.equal(s2.root, root, 'snapshot --json: root');

    const list = JSON.parse(runCliOk(['snapshots', '--json'], { env }).stdout);
    assert.equal(list.snapshots.length, 2);
    for (const s of list.snapshots) assert.ok(exact(s.root, s.rootBase64).equals(u(root)), `snapshots root ${JSON.stringify(s.root)}`);
    assertTerminalSafe(runCliOk(['snapshots'], { env }).stdoutBuf, 'snapshots text');

    const d = JSON.parse(runCliOk(['diff', '--json', '--top', '100'], { env }).stdout);
    assert.ok(exact(d.after.path, d.after.pathBase64).equals(u(root)));
    const grown = new Set(d.grown.map((f: { path: string; pathBase64?: string }) => exact(f.path, f.pathBase64).toString('hex')));
    for (const n of h.names) {
      const want = Buffer.concat([Buffer.from(h.dir + '/'), n.bytes]);
      assert.ok(grown.has(want.toString('hex')), `diff --json: grown ${n.label} not found with its exact bytes`);
    }
    const add = d.added.map((f: { path: string; pathBase64?: string }) => exact(f.path, f.pathBase64));
    assert.ok(add.some((b: Buffer) => b.equals(added)), 'diff --json: the added file with its exact bytes');
    const txt = runCli(['diff', '--top', '100'], { env });
    assert.equal(txt.code, 0, txt.stderr);
    assertTerminalSafe(txt.stdoutBuf, 'diff text');

    // forecast: the directories driving the growth (from the same two snapshots)
    const fc = runCli(['forecast', '--json'], { env });
    assert.ok(fc.code === 0 || fc.code === 1, fc.stderr);
    const vols = [JSON.parse(fc.stdout)].flat();
    const drivers = vols.map((v: { drivers?: { dirs: { path: string; pathBase64?: string }[] } | null }) => v.drivers).find((x) => x);
    assert.ok(drivers, `no growth drivers: ${fc.stdout.slice(0, 400)}`);
    const dirs = drivers.dirs.map((x: { path: string; pathBase64?: string }) => exact(x.path, x.pathBase64));
    const hostileDir = Buffer.concat([Buffer.from(h.dir + '/'), HOSTILE_DIR]);
    assert.ok(dirs.some((b: Buffer) => b.equals(hostileDir)), `forecast --json drivers: ${JSON.stringify(drivers.dirs)}`);
  });
});

/**
 * util/escape.ts, the one module that makes text terminal-safe: what is escaped (controls, format
 * and invisible characters, private use, unassigned, lone surrogates, invalid UTF-8), what is kept
 * (emoji ZWJ sequences, VS16, keycaps, tag flags), names vs whole messages, and the Prometheus label
 * values built on it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeName, isDangerous, jsonTerminalSafe, terminalLines, terminalText } from '../src/util/escape.js';
import { HOSTILE, HOSTILE_DIR, assertTerminalSafe } from './helpers/hostile.js';

test('every hostile name escapes to terminal-safe text, and distinct names stay distinct', () => {
  const seen = new Map<string, string>();
  for (const x of [...HOSTILE, { label: 'dir', bytes: HOSTILE_DIR }]) {
    const e = escapeName(x.bytes);
    assertTerminalSafe(e, x.label);
    assert.ok(!e.includes('\n') && !e.includes('\t'), `${x.label}: one line`);
    assert.ok(!seen.has(e), `${x.label} and ${seen.get(e)} both show as ${e}`);
    seen.set(e, x.label);
  }
});

test('format, invisible, separator, private-use, unassigned and surrogate code points are escaped', () => {
  const cases: [string, string][] = [
    ['\u200b', '\\u{200b}'], // zero-width space
    ['\u200c', '\\u{200c}'], // ZWNJ
    ['\u200e', '\\u{200e}'], // LRM
    ['\u202e', '\\u{202e}'], // RLO
    ['\u2066', '\\u{2066}'], // LRI
    ['\u2060', '\\u{2060}'], // word joiner
    ['\u2064', '\\u{2064}'], // invisible plus
    ['\ufeff', '\\u{feff}'], // BOM
    ['\u00ad', '\\u{ad}'], // soft hyphen
    ['\u061c', '\\u{61c}'], // Arabic letter mark
    ['\u180e', '\\u{180e}'], // Mongolian vowel separator
    ['\ufff9', '\\u{fff9}'], // interlinear annotation anchor
    ['\u2028', '\\u{2028}'], // line separator
    ['\u2029', '\\u{2029}'], // paragraph separator
    ['\u3164', '\\u{3164}'], // Hangul filler (default ignorable, not Cf)
    ['\u034f', '\\u{34f}'], // combining grapheme joiner
    ['\u{e0041}', '\\u{e0041}'], // a tag outside a flag
    ['\ue000', '\\u{e000}'], // private use
    ['\u{10fffd}', '\\u{10fffd}'], // private use, plane 16
    ['\u0378', '\\u{378}'], // unassigned
    ['\ud800', '\\u{d800}'], // lone surrogate
    ['\x1b', '\\x1b'],
    ['\x7f', '\\x7f'],
    ['\u0085', '\\u{85}'], // NEL (C1)
    ['\u009b', '\\u{9b}'], // CSI (C1)
  ];
  for (const [ch, esc] of cases) {
    assert.equal(escapeName(`a${ch}b`), `a${esc}b`, `U+${ch.codePointAt(0)!.toString(16)}`);
    assert.equal(terminalText(`a${ch}b`), `a${esc}b`);
    assert.ok(isDangerous(ch.codePointAt(0)!));
  }
  for (const ch of ['a', ' ', 'é', '日', '\u0301', '\u00a0', '\u{1f600}', '\u{1f3fd}', '\u20e3']) assert.ok(!isDangerous(ch.codePointAt(0)!), ch);
});

test('emoji sequences are kept: ZWJ between emoji, VS16 after an emoji base, keycaps, tag flags; the same characters alone are escaped', () => {
  const kept = [
    '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}\u200d\u{1f466}', // family
    '\u2764\ufe0f\u200d\u{1f525}', // heart on fire: VS16 then ZWJ
    '\u{1f44d}\u{1f3fd}', // skin tone
    '\u{1f469}\u{1f3fd}\u200d\u{1f4bb}', // modifier then ZWJ
    '1\ufe0f\u20e3#\ufe0f\u20e3', // keycaps
    '\u2764\ufe0f\u2601\ufe0e', // VS16, VS15
    '\u{1f1e9}\u{1f1ea}', // flag
    '\u{1f3f4}\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}', // flag of Scotland (tags)
  ];
  for (const s of kept) {
    assert.equal(escapeName(s), s);
    assert.equal(escapeName(Buffer.from(s)), s);
  }
  assert.equal(escapeName('a\u200db'), 'a\\u{200d}b');
  assert.equal(escapeName('a\u200d\u{1f600}'), 'a\\u{200d}\u{1f600}', 'ZWJ after a letter');
  assert.equal(escapeName('\u{1f600}\u200d'), '\u{1f600}\\u{200d}', 'ZWJ at the end');
  assert.equal(escapeName('\u{1f600}\u200d\u200d\u{1f600}'), '\u{1f600}\\u{200d}\\u{200d}\u{1f600}', 'two ZWJ');
  assert.equal(escapeName('x\ufe0f'), 'x\\u{fe0f}', 'VS16 after a letter');
  assert.equal(escapeName('\u{1f600}\ufe0f\ufe0f'), '\u{1f600}\ufe0f\\u{fe0f}', 'a second VS16');
  assert.equal(escapeName('\u{1f3f4}\u{e0067}\u{e0062}'), '\u{1f3f4}\\u{e0067}\\u{e0062}', 'tags without the cancel tag');
  assert.equal(escapeName('\u{1f3f4}\u{e007f}'), '\u{1f3f4}\\u{e007f}', 'a cancel tag alone');
  // in invalid UTF-8 the valid runs keep their emoji
  assert.equal(escapeName(Buffer.concat([Buffer.from('\u{1f468}\u200d\u{1f469}'), Buffer.from([0xff])])), '\u{1f468}\u200d\u{1f469}\\xff');
});

test('a BOM at the start of a name is shown, not dropped by the decoder', () => {
  assert.equal(escapeName(Buffer.from('\ufeffbom')), '\\u{feff}bom');
  assert.notEqual(escapeName(Buffer.from('\ufeffbom')), escapeName(Buffer.from('bom')));
});

test('names double their backslashes; whole messages do not (the names in them are escaped already)', () => {
  const name = escapeName(Buffer.from('a\\x1b\x1b'));
  assert.equal(name, 'a\\\\x1b\\x1b');
  const msg = `cannot remove ${name}: ENOENT, lstat '/tmp/raw\x1b]0;t\x07'\n`;
  assert.equal(terminalText(msg), `cannot remove a\\\\x1b\\x1b: ENOENT, lstat '/tmp/raw\\x1b]0;t\\x07'\\n`);
  assert.equal(terminalText(terminalText(msg)), terminalText(msg), 'idempotent');
  assert.equal(terminalLines('one\x1b\ntwo\u202e\n'), 'one\\x1b\ntwo\\u{202e}\n');
  assertTerminalSafe(terminalText(msg));
});

test('jsonTerminalSafe: hidden characters in JSON strings become \\u escapes (surrogate pairs above U+FFFF), the value unchanged', () => {
  const v = { a: 'x\u202ey\u200b\x7f\u0085\u{e0041}\u2028\ue000', emoji: '\u2764\ufe0f\u200d\u{1f525} \u{1f468}\u200d\u{1f469}', b: ['\x1b[31m', 'q"\\'] };
  const text = JSON.stringify(v, null, 2);
  const safe = jsonTerminalSafe(text);
  assertTerminalSafe(safe);
  assert.deepEqual(JSON.parse(safe), v);
  assert.ok(safe.includes('"x\\u202ey\\u200b\\u007f\\u0085\\udb40\\udc41\\u2028\\ue000"'), safe);
  assert.ok(safe.includes(v.emoji), 'emoji sequences kept');
  assert.equal(safe.split('\n').length, text.split('\n').length, 'the layout kept');
  assert.equal(jsonTerminalSafe('{"plain": 1}'), '{"plain": 1}');
});

test('\\xNN is always one raw byte: a byte 0x9b and the character U+009B are told apart', () => {
  const raw = escapeName(Buffer.from([0x78, 0x9b]));
  const c1 = escapeName(Buffer.from('x\u009b', 'utf8'));
  assert.equal(raw, 'x\\x9b');
  assert.equal(c1, 'x\\u{9b}');
  assert.notEqual(raw, c1);
});

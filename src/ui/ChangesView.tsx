/**
 * The Changes view: the tree after the change, each entry with its growth (+/-), the entries that
 * are gone shown where they were (D), new ones marked N; sorted by growth, navigable with ncdu's
 * keys. Opened by `diskblame diff A B --browse`.
 */
import React, { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { useKeys } from './keys.js';
import { viewHeader } from './header.js';
import { escapeName } from '../util/escape.js';
import { size } from '../util/format.js';
import { signedSize } from '../diff/report.js';
import { ChangePrefs, ChangesModel, DEFAULT_CHANGE_PREFS } from './changes.js';
import { fit, truncate } from './text.js';

const INV = '\x1b[7m';
const INV_OFF = '\x1b[27m';

interface Place {
  dir: number;
  sel: number;
  top: number;
}

export function ChangesView(props: { model: ChangesModel; width: number; height: number; active: boolean; tabs: string; quit: () => void }): React.ReactElement | null {
  const { model, width, height } = props;
  const listH = Math.max(1, height - 4);
  // the directories entered, innermost last (gone directories have no parent in the after tree)
  const [stack, setStack] = useState<Place[]>([{ dir: model.root, sel: 0, top: 0 }]);
  const [prefs, setPrefsState] = useState<ChangePrefs>(DEFAULT_CHANGE_PREFS);
  const prefsRef = useRef(prefs);
  const setPrefs = (f: (p: ChangePrefs) => ChangePrefs) => {
    prefsRef.current = f(prefsRef.current);
    setPrefsState(prefsRef.current);
  };

  const move = (f: (sel: number, n: number) => number) =>
    setStack((st) => {
      const cur = st[st.length - 1];
      const n = model.sorted(cur.dir, prefsRef.current).length;
      const sel = Math.max(0, Math.min(n - 1, f(cur.sel, n)));
      let top = cur.top;
      if (sel < top) top = sel;
      else if (sel >= top + listH) top = sel - listH + 1;
      return [...st.slice(0, -1), { dir: cur.dir, sel, top: Math.max(0, top) }];
    });

  useKeys(
    (input, key) => {
      if (key.ctrl && input === 'c') return props.quit();
      if (key.upArrow || input === 'k') move((c) => c - 1);
      else if (key.downArrow || input === 'j') move((c) => c + 1);
      else if (key.pageUp) move((c) => c - listH);
      else if (key.pageDown) move((c) => c + listH);
      else if (key.home) move(() => 0);
      else if (key.end) move((_c, n) => n - 1);
      else if (key.return || key.rightArrow || input === 'l')
        setStack((st) => {
          const cur = st[st.length - 1];
          const o = model.sorted(cur.dir, prefsRef.current);
          const r = o[Math.min(cur.sel, o.length - 1)];
          if (r === undefined || !model.isDir(r)) return st;
          return [...st, { dir: r, sel: 0, top: 0 }];
        });
      else if (key.leftArrow || input === 'h' || key.backspace || key.delete || input === '<') setStack((st) => (st.length > 1 ? st.slice(0, -1) : st));
      else if (input === 's') setPrefs((p) => (p.sort === 'delta' ? { ...p, desc: !p.desc } : { ...p, sort: 'delta', desc: true }));
      else if (input === 'S') setPrefs((p) => (p.sort === 'size' ? { ...p, desc: !p.desc } : { ...p, sort: 'size', desc: true }));
      else if (input === 'n') setPrefs((p) => (p.sort === 'name' ? { ...p, desc: !p.desc } : { ...p, sort: 'name', desc: false }));
      else if (input === 'u') setPrefs((p) => ({ ...p, hideUnchanged: !p.hideUnchanged }));
      else if (input === 'q') props.quit();
    },
    { isActive: props.active },
  );
  if (!props.active) return null;

  const cur = stack[stack.length - 1];
  const order = model.sorted(cur.dir, prefs);
  const n = order.length;
  const sel = Math.min(cur.sel, Math.max(0, n - 1));
  const d = cur.dir;
  const gone = model.gone(d) ? '  (gone)' : model.isNew(d) ? '  (new)' : '';
  const header2 = fit(`--- ${truncate(escapeName(model.path(d)), Math.max(10, width - 30), true)}${gone}  ${signedSize(model.delta(d))}`, width);
  const rows: React.ReactElement[] = [];
  for (let r = 0; r < listH; r++) {
    const k = cur.top + r;
    if (k >= n) {
      rows.push(<Text key={r}>{n === 0 && r === 0 ? fit(prefs.hideUnchanged ? '   (no changes here)' : '   (empty directory)', width) : ' '}</Text>);
      continue;
    }
    const line = model.row(order[k], width);
    rows.push(<Text key={r}>{k === sel ? INV + line + INV_OFF : line}</Text>);
  }
  const sortText = prefs.sort === 'delta' ? (prefs.desc ? 'growth' : 'shrink') : prefs.sort === 'size' ? `size ${prefs.desc ? 'desc' : 'asc'}` : `name ${prefs.desc ? 'desc' : 'asc'}`;
  const total =
    INV +
    fit(` ${size(model.before(d))} -> ${size(model.after(d))}: ${signedSize(model.delta(d))}  Sort: ${sortText}${prefs.hideUnchanged ? '  [changed only]' : ''}`, width) +
    INV_OFF;
  const footer = fit(' Enter open  Left up  s growth/shrink  S size  n name  u changed only  N new D gone', width);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text>{viewHeader(props.tabs, width)}</Text>
      <Text>{header2}</Text>
      <Box flexDirection="column" height={listH}>
        {rows}
      </Box>
      <Text>{total}</Text>
      <Text>{footer}</Text>
    </Box>
  );
}

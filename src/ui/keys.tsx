/**
 * Keys, one at a time. Ink hands an input handler whatever one read() of the terminal returned,
 * with escape sequences split off but runs of plain characters kept together: `jjj` typed ahead
 * over a slow link, or pasted, comes as one input 'jjj' that matches no key. Here every chunk is
 * split into single keypresses, and they are handled in order, one per render: each key's handler
 * sees the state the keys before it made (the cursor `jj` moved to, the view `2` opened), and
 * only the views active at that moment get it, as if the keys had been typed slowly.
 *
 * <KeysProvider> (App renders it) owns the one Ink input listener and the queue; views take keys
 * with useKeys(handler, { isActive }) instead of Ink's useInput.
 */
import React, { createContext, useContext, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useInput, type Key } from 'ink';

export type KeyHandler = (input: string, key: Key) => void;
type Press = [string, Key];

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
} as Key;

/** One plain character as Ink would report it alone (Ink's parseKeypress for one character). */
function charKey(c: string): Press {
  if (c === '\r') return ['', { ...NO_KEY, return: true }];
  if (c === '\t') return ['', { ...NO_KEY, tab: true }];
  if (c === '\b') return ['', { ...NO_KEY, backspace: true }];
  if (c === '\x7f') return ['', { ...NO_KEY, delete: true }];
  const cp = c.codePointAt(0)!;
  if (cp >= 1 && cp <= 26 && c !== '\n') return [String.fromCharCode(cp + 96), { ...NO_KEY, ctrl: true }];
  return [c, /^[A-Z]$/.test(c) ? { ...NO_KEY, shift: true } : NO_KEY];
}

/**
 * The keypresses in one input event from Ink: itself when it is one key (one character, or an
 * escape sequence Ink has decoded: an arrow, Esc, Alt+letter), else each character of the run
 * (`jj\r` -> j, j, Enter; `q` -> q).
 */
export function splitKeys(input: string, key: Key): Press[] {
  const chars = [...input];
  if (chars.length <= 1) return [[input, key]];
  const special =
    key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown || key.home || key.end ||
    key.return || key.escape || key.meta || key.ctrl || key.tab || key.backspace || key.delete;
  if (special) return [[input, key]];
  return chars.map(charKey);
}

interface Listener {
  handler: KeyHandler;
  active: boolean;
}

class KeyQueue {
  readonly listeners = new Set<{ current: Listener }>();
  readonly pending: Press[] = [];
  private timer: NodeJS.Immediate | null = null;
  /** asks the provider to render: its layout effect runs once what a key changed is committed */
  turn: () => void = () => {};
  /** hand one key to every view that is active now */
  private dispatch([input, key]: Press): void {
    for (const l of [...this.listeners]) if (l.current.active) l.current.handler(input, key);
    this.turn();
  }
  /** a chunk of keys from Ink: the first now, the others one at a time after each one's render */
  take(keys: Press[]): void {
    const idle = this.pending.length === 0 && this.timer === null;
    this.pending.push(...keys);
    if (idle) this.dispatch(this.pending.shift()!);
  }
  /**
   * The provider's render after a key has been committed, with the views' own updates of the same
   * key: the next key goes on the next turn of the event loop (not from inside the commit, where a
   * long paste would nest updates), to handlers rendered with the state the key before made.
   */
  committed(): void {
    if (this.timer !== null || this.pending.length === 0) return;
    this.timer = setImmediate(() => {
      this.timer = null;
      const next = this.pending.shift();
      if (next) this.dispatch(next);
    });
  }
  stop(): void {
    if (this.timer !== null) clearImmediate(this.timer);
    this.timer = null;
    this.pending.length = 0;
  }
}

const KeysContext = createContext<KeyQueue | null>(null);

/** The key queue for the views below it (see above). */
export function KeysProvider({ children }: { children: React.ReactNode }): React.ReactElement {
  const q = useRef<KeyQueue | null>(null);
  q.current ??= new KeyQueue();
  const queue = q.current;
  const [turn, setTurn] = useState(0);
  queue.turn = () => setTurn((x) => x + 1);
  useInput((input, key) => queue.take(splitKeys(input, key)));
  useLayoutEffect(() => queue.committed(), [turn]);
  useEffect(() => () => queue.stop(), [queue]);
  return <KeysContext.Provider value={queue}>{children}</KeysContext.Provider>;
}

/**
 * Take keys, one keypress per call, while `isActive` (default true). Below a KeysProvider the keys
 * come from its queue; alone (a view rendered by itself) from Ink, split the same way.
 */
export function useKeys(handler: KeyHandler, opts: { isActive?: boolean } = {}): void {
  const queue = useContext(KeysContext);
  const active = opts.isActive !== false;
  const me = useRef<Listener>({ handler, active });
  me.current = { handler, active }; // this render's closure: what the next key must see
  useEffect(() => {
    if (!queue) return;
    queue.listeners.add(me);
    return () => {
      queue.listeners.delete(me);
    };
  }, [queue]);
  useInput(
    (input, key) => {
      for (const p of splitKeys(input, key)) handler(p[0], p[1]);
    },
    { isActive: !queue && active },
  );
}

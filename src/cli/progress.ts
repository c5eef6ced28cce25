/**
 * Progress on stderr while a long job runs: only when stderr is a terminal, redrawn in place on
 * one line, at most 10 times a second; silent when piped. Call stop() before printing results.
 */
import { escapeName, terminalText } from '../util/escape.js';
import { truncate } from '../ui/text.js';
import { count, duration, size } from '../util/format.js';

export interface ProgressSource {
  progress(): { entries: number; bytes: number; current: string | Uint8Array };
}

/** A job counted in other units than entries and bytes: its own words for the line (e.g. "12 of 40 volumes") */
export interface ProgressText {
  text(): { head: string; current: string | Uint8Array };
}

export class Progress {
  private timer: NodeJS.Timeout | null = null;
  private readonly started = performance.now();
  private readonly enabled: boolean;

  constructor(
    private readonly label: string,
    private readonly src: ProgressSource | ProgressText,
    enabled = process.stderr.isTTY === true,
  ) {
    this.enabled = enabled;
    if (enabled) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
  }

  private lastDraw = 0;

  private draw(): void {
    this.lastDraw = performance.now();
    const secs = (performance.now() - this.started) / 1000;
    let head: string;
    let current: string | Uint8Array;
    if ('text' in this.src) {
      const t = this.src.text();
      head = `${this.label}: ${t.head}, ${duration(secs * 1000)}`;
      current = t.current;
    } else {
      const p = this.src.progress();
      const rate = secs > 0 ? Math.round(p.entries / secs) : 0;
      head = `${this.label}: ${count(p.entries)} entries, ${size(p.bytes)}, ${count(rate)}/s, ${duration(secs * 1000)}`;
      current = p.current;
    }
    const width = process.stderr.columns || 80;
    // one line narrower than the terminal (a wrapped line could not be redrawn in place); the
    // current path keeps its end, cut between grapheme clusters, measured in columns
    let line = head;
    const room = width - head.length - 3;
    if (room > 10) line += '  ' + truncate(escapeName(current), room, true);
    process.stderr.write('\r\x1b[K' + truncate(terminalText(line), width - 1));
  }

  /** Draw now if a redraw is due: for synchronous loops, during which the timer cannot fire. */
  tick(): void {
    if (!this.enabled || performance.now() - this.lastDraw < 100) return;
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.enabled) process.stderr.write('\r\x1b[K');
  }
}

/** Terminal text: widths of wide characters, truncation that never breaks the layout. */
import stringWidth from 'string-width';

/** Display width (wide CJK = 2, combining = 0). Names reaching here are already escaped. */
export function width(s: string): number {
  // fast path: printable ASCII is one column a character
  let ascii = true;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20 || c > 0x7e) {
      ascii = false;
      break;
    }
  }
  return ascii ? s.length : stringWidth(s);
}

/** Cut `s` to at most `w` columns, keeping its end if `keepEnd` (paths), marking the cut with '…'. */
export function truncate(s: string, w: number, keepEnd = false): string {
  if (w <= 0) return '';
  if (width(s) <= w) return s;
  if (w === 1) return '…';
  const chars = Array.from(s);
  let out = '';
  let used = 0;
  if (keepEnd) {
    for (let k = chars.length - 1; k >= 0; k--) {
      const cw = width(chars[k]);
      if (used + cw > w - 1) break;
      out = chars[k] + out;
      used += cw;
    }
    return '…' + out;
  }
  for (const ch of chars) {
    const cw = width(ch);
    if (used + cw > w - 1) break;
    out += ch;
    used += cw;
  }
  return out + '…';
}

/** Exactly `w` columns: truncated or padded with spaces. */
export function fit(s: string, w: number, keepEnd = false): string {
  const t = truncate(s, w, keepEnd);
  const pad = w - width(t);
  return pad > 0 ? t + ' '.repeat(pad) : t;
}

export function padLeft(s: string, w: number): string {
  const pad = w - width(s);
  return pad > 0 ? ' '.repeat(pad) + s : s;
}

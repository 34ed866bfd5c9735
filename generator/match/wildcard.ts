/**
 * Sigma wildcard values (`*` any run, `?` any one character, `\` escaping
 * `*`, `?` and `\`) matched without regular expressions and without
 * backtracking.
 *
 * A value is cut at its `*` into segments of literal characters and `?`.
 * Between two `*` a segment may sit anywhere, so placing each one at its
 * leftmost fit leaves the most room to the ones after it: one pass from left
 * to right decides the match. A segment is looked for by trying positions in
 * order, and the positions tried by successive segments never overlap, so the
 * work is at most (text length) × (longest segment), whatever the number of
 * `*` (a backtracking engine takes exponential time on `*a*a*a…b`).
 *
 * Characters are UTF-16 code units, as JavaScript's regular expressions
 * without the `u` flag see them, and case is folded the way they fold it
 * under `i`, so results equal those of the regular expression rulecat used
 * before (`^…$` with `[\s\S]*` for `*`, flags `is`).
 */

/** One `?`: any code unit. */
const ANY = -1;

/** A value ready to match: its segments between `*`, each a list of code units (or ANY). */
export interface Wildcard {
  segments: Int32Array[];
  /** The value starts with a segment that must sit at the start of the text (no leading `*`). */
  head: boolean;
  /** The value ends with a segment that must sit at the end of the text (no trailing `*`). */
  tail: boolean;
  caseless: boolean;
}

/** Where the value must sit in the text: all of it, its start, its end, or anywhere. */
export type Placement = 'equals' | 'startswith' | 'endswith' | 'contains';

/** Work left for one judgement; each code unit compared or position tried costs a step. */
export interface Meter {
  left: number;
}

let folding: Uint16Array | undefined;

/**
 * Case folding of JavaScript's regular expressions with `i` and without `u`
 * (ECMAScript Canonicalize): the upper case of a code unit when it is one code
 * unit, except that no character outside ASCII folds into ASCII.
 */
function foldTable(): Uint16Array {
  if (folding) return folding;
  folding = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    const upper = String.fromCharCode(c).toUpperCase();
    folding[c] = upper.length === 1 && !(c >= 128 && upper.charCodeAt(0) < 128) ? upper.charCodeAt(0) : c;
  }
  return folding;
}

/** The code units of a text, folded when case does not count. */
export function foldText(text: string, caseless: boolean): Uint16Array {
  const out = new Uint16Array(text.length);
  const table = caseless ? foldTable() : undefined;
  for (let i = 0; i < text.length; i++) out[i] = table ? table[text.charCodeAt(i)] : text.charCodeAt(i);
  return out;
}

/** Read a Sigma wildcard value for a placement (a `contains` value is `*value*`, and so on). */
export function compileWildcard(value: string, placement: Placement, caseless: boolean): Wildcard {
  const table = caseless ? foldTable() : undefined;
  const segments: Int32Array[] = [];
  let current: number[] = [];
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c === 0x5c /* \ */ && i + 1 < value.length && '*?\\'.includes(value[i + 1])) c = value.charCodeAt(++i);
    else if (c === 0x2a /* * */) {
      segments.push(Int32Array.from(current));
      current = [];
      continue;
    } else if (c === 0x3f /* ? */) {
      current.push(ANY);
      continue;
    }
    current.push(table ? table[c] : c);
  }
  segments.push(Int32Array.from(current));
  // A leading or trailing `*` leaves an empty first or last segment, which then fits anywhere.
  const head = placement === 'equals' || placement === 'startswith';
  const tail = placement === 'equals' || placement === 'endswith';
  return { segments, head, tail, caseless };
}

/** Whether the segment fits the text at `at` (the caller checked that it does not run past the end). */
function fitsAt(segment: Int32Array, text: Uint16Array, at: number, meter: Meter): boolean {
  meter.left -= 1;
  for (let k = 0; k < segment.length; k++) {
    const s = segment[k];
    if (s !== ANY && s !== text[at + k]) {
      meter.left -= k + 1;
      return false;
    }
  }
  meter.left -= segment.length;
  return true;
}

/**
 * Whether the wildcard matches the (already folded) text; undefined when the
 * meter ran out before the answer was known (an answer found is given even
 * when it cost a little more than was left).
 */
export function matchWildcard(w: Wildcard, text: Uint16Array, meter: Meter): boolean | undefined {
  const { segments } = w;
  const n = text.length;
  let first = 0;
  let last = segments.length - 1;
  let lo = 0;
  let hi = n;
  if (w.head && w.tail && segments.length === 1) {
    return segments[0].length === n && fitsAt(segments[0], text, 0, meter);
  }
  if (w.head) {
    const s = segments[first++];
    if (s.length > n || !fitsAt(s, text, 0, meter)) return false;
    lo = s.length;
  }
  if (w.tail) {
    const s = segments[last--];
    if (n - s.length < lo || !fitsAt(s, text, n - s.length, meter)) return false;
    hi = n - s.length;
  }
  for (let i = first; i <= last; i++) {
    const s = segments[i];
    let at = lo;
    while (at + s.length <= hi && !fitsAt(s, text, at, meter)) {
      if (meter.left < 0) return undefined;
      at++;
    }
    if (at + s.length > hi) return false;
    lo = at + s.length;
  }
  return true;
}

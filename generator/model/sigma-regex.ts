/**
 * Sigma `re` values run by RE2 (the `re2js` port): matching time is linear in
 * the text whatever the pattern, so a rule such as `'^(a+)+$'` cannot stall a
 * run. Sigma semantics: the pattern is searched for anywhere in the value (not
 * anchored); `|re|i` ignores case, `|re|m` lets `^`/`$` match at line breaks,
 * `|re|s` lets `.` match a line break. Inline flags (`(?i)…`) are RE2 syntax.
 *
 * RE2 refuses what needs backtracking (look-around, backreferences, atomic
 * groups, possessive quantifiers) and repeat counts over 1000: such a value
 * cannot be judged, counts as able to match, and the rule gets a warning
 * (reported once, where the rule's detection is read).
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';

export interface RegexFlags {
  i: boolean;
  m: boolean;
  s: boolean;
}

export type SigmaRegex =
  | { ok: true; re: RE2JS; /** RE2's program size: work per character of text, at most. */ size: number }
  | { ok: false; code: 'regex-unsupported' | 'regex-invalid'; message: string };

/** RE2 errors that every regular-expression dialect shares (the pattern is broken, not just beyond RE2). */
const BROKEN = new Set([
  'missing closing )',
  'missing closing ]',
  'unexpected )',
  'missing argument to repetition operator',
  'trailing backslash at end of expression',
  'invalid character class range',
  'duplicate capture group name',
]);

export function regexFlags(modifiers: readonly string[]): RegexFlags {
  return { i: modifiers.includes('i'), m: modifiers.includes('m'), s: modifiers.includes('s') };
}

const compiled = new Map<string, SigmaRegex>();
/** Compiled patterns kept between runs (a watch loop); forgotten all at once past this many. */
const KEEP = 10_000;

const clip = (text: string) => (text.length > 60 ? text.slice(0, 60) + '…' : text);

/** What RE2 stumbled on, named as a regular-expression feature when it is a known one. */
function feature(error: string, input: string): string {
  if (/^\(\?<[=!]/.test(input)) return `look-behind "${input.slice(0, 4)}"`;
  if (/^\(\?[=!]/.test(input)) return `look-ahead "${input.slice(0, 3)}"`;
  if (input.startsWith('(?>')) return 'atomic group "(?>"';
  if (/^\\([1-9]|k)/.test(input)) return `backreference "${clip(input)}"`;
  if (error === 'invalid nested repetition operator') return `possessive or nested repetition "${clip(input)}"`;
  if (error === 'invalid repeat count') return `repeat count "${clip(input)}" (at most 1000)`;
  return `"${clip(input)}" (${error})`;
}

function describe(e: unknown): { code: 'regex-unsupported' | 'regex-invalid'; message: string } {
  if (e instanceof RE2JSSyntaxException) {
    if (BROKEN.has(e.error)) {
      const what = e.input ? `"${clip(e.input)}" (${e.error})` : e.error;
      return {
        code: 'regex-invalid',
        message: `Unexpected ${what} in regular expression, expected a valid pattern; the value counts as able to match`,
      };
    }
    return {
      code: 'regex-unsupported',
      message: `Unexpected ${e.input ? feature(e.error, e.input) : e.error} in regular expression, expected RE2 syntax (no look-around, backreferences, atomic groups, possessive quantifiers or repeat counts over 1000); the value counts as able to match`,
    };
  }
  const text = e instanceof Error ? e.message : String(e);
  return {
    code: 'regex-unsupported',
    message: `Unexpected regular expression that RE2 cannot compile (${text}), expected RE2 syntax; the value counts as able to match`,
  };
}

/** The pattern compiled for RE2 with Sigma's flags, or why it cannot be. */
export function sigmaRegex(pattern: string, flags: RegexFlags): SigmaRegex {
  const key = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}\u0000${pattern}`;
  let known = compiled.get(key);
  if (known) return known;
  const bits = (flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (flags.m ? RE2JS.MULTILINE : 0) | (flags.s ? RE2JS.DOTALL : 0);
  try {
    const re = RE2JS.compile(pattern, bits);
    known = { ok: true, re, size: Math.max(1, re.programSize()) };
  } catch (e) {
    known = { ok: false, ...describe(e) };
  }
  if (compiled.size >= KEEP) compiled.clear();
  compiled.set(key, known);
  return known;
}

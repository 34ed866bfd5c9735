import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzRuns } from '../../test/reliability/helpers.js';
import type { FieldTest } from '../model/detection.js';
import { judgeTest } from './values.js';
import { compileWildcard, foldText, matchWildcard, type Placement } from './wildcard.js';

/**
 * The reference: the regular expression rulecat built before (backtracking,
 * exponential on many `*`, hence short inputs only).
 */
function referenceSource(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1])) out += '\\' + value[++i];
    else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}

function referenceMatch(value: string, placement: Placement, caseless: boolean, text: string): boolean {
  const core = referenceSource(value);
  const source =
    placement === 'contains'
      ? core
      : placement === 'startswith'
        ? `^${core}`
        : placement === 'endswith'
          ? `${core}$`
          : `^${core}$`;
  return new RegExp(source, caseless ? 'is' : 's').test(text);
}

/** Windash as rulecat wrote it before: every dash of one kind replaced by each other kind, as alternatives. */
function referenceWindash(value: string): string[] {
  const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
  const out = new Set<string>([value]);
  for (const from of dashes) {
    if (!value.includes(from)) continue;
    for (const to of dashes) out.add(value.split(from).join(to));
  }
  return [...out];
}

const ours = (value: string, placement: Placement, caseless: boolean, text: string) =>
  matchWildcard(compileWildcard(value, placement, caseless), foldText(text, caseless), { left: Infinity });

/** Characters where wildcard matching and case folding go wrong: specials, escapes, dashes, non-ASCII letters folding to ASCII. */
const PIECES = [
  'a',
  'A',
  'b',
  'B',
  '*',
  '?',
  '\\',
  '\\*',
  '\\?',
  '\\\\',
  '-',
  '/',
  '\u2013',
  '.',
  '$',
  '(',
  '[',
  '\n',
  'é',
  'É',
  's',
  'S',
  '\u017f',
  'k',
  '\u212a',
  'ß',
  '\ud83d\ude00',
  '\ud800',
];
/** Mostly a few characters (so that values and texts overlap often), sometimes any of the pieces. */
const piece = fc.oneof(
  { arbitrary: fc.constantFrom('a', 'A', 'b', '*', '?'), weight: 4 },
  { arbitrary: fc.constantFrom(...PIECES), weight: 1 },
);
const short = (max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join(''));
/** Texts of at most three letters: shorter than most values, where the start and the end of a value could overlap. */
const tiny = fc.array(fc.constantFrom('a', 'A', 'b'), { maxLength: 3 }).map((p) => p.join(''));
const placement = fc.constantFrom<Placement>('equals', 'contains', 'startswith', 'endswith');

describe('wildcard matching equals the former regular expressions', () => {
  it('on short random values and texts, every placement, with and without case', () => {
    fc.assert(
      fc.property(short(6), fc.oneof(short(8), tiny), placement, fc.boolean(), (value, text, where, caseless) => {
        expect(ours(value, where, caseless, text)).toBe(referenceMatch(value, where, caseless, text));
      }),
      { numRuns: fuzzRuns(3_000) },
    );
  });

  it('on texts built from the value, sometimes with a piece cut out (so that matches and near misses are frequent)', () => {
    fc.assert(
      fc.property(
        short(6),
        short(3),
        short(3),
        fc.nat(10),
        fc.nat(3),
        placement,
        fc.boolean(),
        (value, before, after, cut, length, where, caseless) => {
          const whole = before + value.replace(/\\(.)/g, '$1').replace(/[*?]/g, 'x') + after;
          const text = whole.slice(0, cut) + whole.slice(cut + length);
          expect(ours(value, where, caseless, text)).toBe(referenceMatch(value, where, caseless, text));
        },
      ),
      { numRuns: fuzzRuns(5_000) },
    );
  });

  it('through the modifiers, windash included', () => {
    const test = (modifiers: string[], value: string): FieldTest => ({
      field: 'f',
      modifiers,
      values: [value],
      place: { file: 'x', line: 1, col: 1 },
    });
    const modifiers = fc
      .tuple(placement, fc.boolean(), fc.boolean())
      .map(([p, cased, windash]) => [
        ...(p === 'equals' ? [] : [p]),
        ...(cased ? ['cased'] : []),
        ...(windash ? ['windash'] : []),
      ]);
    fc.assert(
      fc.property(short(5), fc.array(short(6), { minLength: 1, maxLength: 3 }), modifiers, (value, constants, m) => {
        const where: Placement = m.includes('contains')
          ? 'contains'
          : m.includes('startswith')
            ? 'startswith'
            : m.includes('endswith')
              ? 'endswith'
              : 'equals';
        const variants = m.includes('windash') ? referenceWindash(value) : [value];
        const expected = constants.some((c) => variants.some((v) => referenceMatch(v, where, !m.includes('cased'), c)));
        // Words that read as numbers or booleans are of another kind: undecidable, not compared.
        fc.pre(!/^(true|false)$/i.test(value) && !constants.some((c) => /^(true|false)$/i.test(c)));
        expect(judgeTest(test(m, value), constants).canMatch).toBe(expected);
      }),
      { numRuns: fuzzRuns(2_000) },
    );
  });

  it('folds case as JavaScript does without the u flag (no non-ASCII letter folds into ASCII)', () => {
    expect(ours('k', 'equals', true, '\u212a')).toBe(false); // Kelvin sign
    expect(ours('s', 'equals', true, '\u017f')).toBe(false); // long s
    expect(ours('é', 'equals', true, 'É')).toBe(true);
    expect(ours('a\\*b', 'equals', true, 'A*B')).toBe(true);
    expect(ours('a\\b', 'equals', true, 'a\\b')).toBe(true); // a lone backslash is itself
    expect(ours('a\\', 'equals', true, 'a\\')).toBe(true);
  });

  it('never lets the start and the end of a value overlap in the text', () => {
    expect(ours('a*a', 'equals', false, 'a')).toBe(false);
    expect(ours('ab*b', 'equals', false, 'ab')).toBe(false);
    expect(ours('a*b*a', 'equals', false, 'aba')).toBe(true);
    expect(ours('a*b*a', 'equals', false, 'ab')).toBe(false);
  });
});

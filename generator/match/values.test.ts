import { describe, expect, it } from 'vitest';
import type { FieldTest, Scalar } from '../model/detection.js';
import { judgeTest, STEP_BUDGET, testCanMatchConstants } from './values.js';

const t = (modifiers: string[], values: Scalar[]): FieldTest => ({
  field: 'f',
  modifiers,
  values,
  place: { file: 'x', line: 1, col: 1 },
});
const can = (modifiers: string[], values: Scalar[], constants: Scalar[]) =>
  testCanMatchConstants(t(modifiers, values), constants);

describe('test values against constant field values', () => {
  it('compares equality case-insensitively with wildcards, unless cased', () => {
    expect(can([], ['AWS'], ['aws'])).toBe(true);
    expect(can([], ['gcp'], ['aws'])).toBe(false);
    expect(can([], ['a*s'], ['aws'])).toBe(true);
    expect(can([], ['a?s'], ['aws'])).toBe(true);
    expect(can([], ['a\\*s'], ['aws'])).toBe(false);
    expect(can(['cased'], ['AWS'], ['aws'])).toBe(false);
    expect(can([], [4624], ['4624'])).toBe(true);
  });

  it('honours contains, startswith, endswith and all', () => {
    expect(can(['contains'], ['trail'], ['cloudtrail'])).toBe(true);
    expect(can(['startswith'], ['trail'], ['cloudtrail'])).toBe(false);
    expect(can(['endswith'], ['TRAIL'], ['cloudtrail'])).toBe(true);
    expect(can(['contains', 'all'], ['cloud', 'trail'], ['cloudtrail'])).toBe(true);
    expect(can(['contains', 'all'], ['cloud', 'guard'], ['cloudtrail'])).toBe(false);
    expect(can(['contains'], ['x', 'guard'], ['cloudtrail', 'guardduty'])).toBe(true);
  });

  it('honours re (with i/m/s flags), cidr and windash', () => {
    expect(can(['re'], ['^cloud.*$'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['^CLOUD'], ['cloudtrail'])).toBe(false);
    expect(can(['re', 'i'], ['^CLOUD'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['(unclosed'], ['x'])).toBe(true); // undecidable: never a proof
    expect(can(['cidr'], ['10.0.0.0/8'], ['10.1.2.3'])).toBe(true);
    expect(can(['cidr'], ['10.0.0.0/8'], ['192.168.1.1'])).toBe(false);
    expect(can(['windash', 'contains'], [' -enc '], ['powershell /enc abc'])).toBe(true);
  });

  it('compares numbers with lt/lte/gt/gte', () => {
    expect(can(['gte'], [10], [12])).toBe(true);
    expect(can(['lt'], [10], [12])).toBe(false);
  });

  it('never proves a mismatch it cannot decide', () => {
    expect(can(['base64offset', 'contains'], ['IEX'], ['x'])).toBe(true);
    expect(can(['fieldref'], ['other.field'], ['x'])).toBe(true);
    expect(can([], [null], ['x'])).toBe(true);
    expect(can([], ['x'], [])).toBe(true);
    expect(can([], ['true'], ['egress', 'ingress'])).toBe(true); // a mapping may translate values
    expect(can([], [4624], ['authentication'])).toBe(true);
    expect(can([], ['true'], ['false'])).toBe(false);
  });
});

describe('regular expressions (RE2: linear time, Sigma flags)', () => {
  it('searches anywhere in the value, with i, m and s', () => {
    expect(can(['re'], ['trail'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['^trail'], ['cloudtrail'])).toBe(false);
    expect(can(['re'], ['^b'], ['a\nb'])).toBe(false);
    expect(can(['re', 'm'], ['^b'], ['a\nb'])).toBe(true);
    expect(can(['re'], ['a.b'], ['a\nb'])).toBe(false);
    expect(can(['re', 's'], ['a.b'], ['a\nb'])).toBe(true);
    expect(can(['re', 'i', 'm'], ['^B$'], ['a\nb\nc'])).toBe(true);
  });

  it('reads inline flags, which JavaScript before Node 23 refused (those tests were undecidable)', () => {
    expect(can(['re'], ['(?i)^CLOUD'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['(?i)^guard'], ['cloudtrail'])).toBe(false);
  });

  it('judges ^(a+)+$ against a long constant in steps proportional to its length', () => {
    for (const n of [41, 1_000, 100_000]) {
      const j = judgeTest(t(['re'], ['^(a+)+$']), ['a'.repeat(n) + '!']);
      expect(j).toMatchObject({ canMatch: false, exhausted: false });
      expect(j.steps).toBeLessThanOrEqual(20 * (n + 2));
    }
    expect(can(['re'], ['^(a+)+$'], ['a'.repeat(41)])).toBe(true);
  });

  it('counts a pattern RE2 refuses (look-around, backreference) as able to match', () => {
    expect(can(['re'], ['(?<!x)y'], ['zz'])).toBe(true);
    expect(can(['re'], ['(a)\\1'], ['b'])).toBe(true);
    expect(can(['re'], ['x(?=y)'], ['b'])).toBe(true);
  });
});

describe('wildcards without backtracking', () => {
  it('judges 16 * against a 200-character constant in at most (length) x (longest segment) steps', () => {
    const value = '*a'.repeat(15) + '*b'; // 16 stars; no b in the constant
    const j = judgeTest(t([], [value]), ['a'.repeat(200)]);
    expect(j).toMatchObject({ canMatch: false, exhausted: false });
    // Reading the constant (its kind, its folded code units) and the pair: 401 steps; matching: at most 2 per position.
    expect(j.steps).toBeLessThanOrEqual(401 + 2 * 200);
    expect(can([], [value.slice(0, -1) + 'a'], ['a'.repeat(200)])).toBe(true);
    for (const m of [['contains'], ['startswith'], ['endswith'], ['windash', 'contains']]) {
      const k = judgeTest(t(m, ['a*'.repeat(16) + 'b']), ['a'.repeat(200)]);
      expect(k).toMatchObject({ canMatch: false, exhausted: false });
      expect(k.steps).toBeLessThanOrEqual(401 + 2 * 200);
    }
  });

  it('stops at the step budget: the test then counts as able to match', () => {
    const costly = t(['contains'], ['a'.repeat(99) + 'b']);
    const constants = ['a'.repeat(20_000)];
    const j = judgeTest(costly, constants, 100_000);
    expect(j).toMatchObject({ canMatch: true, exhausted: true });
    expect(j.steps).toBeGreaterThan(100_000);
    expect(j.steps).toBeLessThan(100_000 + 300);
    // With the whole budget the answer is a proven mismatch: the constant read twice, one pair, 19,901 positions × 101 steps.
    const whole = judgeTest(costly, constants);
    expect(whole).toMatchObject({ canMatch: false, exhausted: false });
    expect(whole.steps).toBe(2 * 20_000 + 1 + 19_901 * 101);
    expect(STEP_BUDGET).toBeGreaterThan(whole.steps);
  });
});

import { describe, expect, it } from 'vitest';
import { sigmaRegex, type RegexFlags } from './sigma-regex.js';

const none: RegexFlags = { i: false, m: false, s: false };
const refusal = (pattern: string) => {
  const r = sigmaRegex(pattern, none);
  return r.ok ? 'ok' : `${r.code}: ${r.message.slice(0, r.message.indexOf(' in regular expression'))}`;
};

describe('patterns RE2 refuses are named', () => {
  it('by feature: look-around, backreferences, atomic groups, possessive quantifiers, large repeat counts', () => {
    expect(refusal('(?<!x)a')).toBe('regex-unsupported: Unexpected look-behind "(?<!"');
    expect(refusal('a(?<=x)')).toBe('regex-unsupported: Unexpected look-behind "(?<="');
    expect(refusal('a(?=x)')).toBe('regex-unsupported: Unexpected look-ahead "(?="');
    expect(refusal('a(?!x)')).toBe('regex-unsupported: Unexpected look-ahead "(?!"');
    expect(refusal('(a)\\1')).toBe('regex-unsupported: Unexpected backreference "\\1"');
    expect(refusal('(?>a)')).toBe('regex-unsupported: Unexpected atomic group "(?>"');
    expect(refusal('a++')).toBe('regex-unsupported: Unexpected possessive or nested repetition "++"');
    expect(refusal('a{1001}')).toBe('regex-unsupported: Unexpected repeat count "{1001}" (at most 1000)');
    expect(refusal('a\\Z')).toBe('regex-unsupported: Unexpected "\\Z" (invalid escape sequence)');
  });

  it('broken patterns apart', () => {
    expect(refusal('(unclosed')).toBe('regex-invalid: Unexpected "(unclosed" (missing closing ))');
    expect(refusal('[z-a]')).toBe('regex-invalid: Unexpected "z-a" (invalid character class range)');
    expect(refusal('*a')).toBe('regex-invalid: Unexpected "*" (missing argument to repetition operator)');
  });

  it('accepts what SigmaHQ rules use: inline flags, named groups, classes, counted repeats', () => {
    for (const p of [
      '(?i)\\s(-u|--user)\\s*:',
      '(?P<n>a)|(?<m>b)',
      '[[:alpha:]]\\d{2,10}',
      '\\.exe[\\"\']?\\s+[^\\"]{0,64}',
      'a\\/b\\-c',
    ])
      expect(refusal(p)).toBe('ok');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyJson } from './py-json.js';

describe('pyJson', () => {
  it('writes Python json.dumps spacing and escapes', () => {
    expect(pyJson({ a: [1, 'x, y: z'], 'k"ey': null, t: true })).toBe(
      '{"a": [1, "x, y: z"], "k\\"ey": null, "t": true}',
    );
    expect(pyJson('é\u2028😀\u007f\n\t\u0001\\')).toBe('"\\u00e9\\u2028\\ud83d\\ude00\\u007f\\n\\t\\u0001\\\\"');
    expect(pyJson([])).toBe('[]');
    expect(pyJson({})).toBe('{}');
    expect(pyJson({ u: undefined, n: 1.5 })).toBe('{"n": 1.5}');
    expect(() => pyJson(Number.NaN)).toThrow(/Cannot write NaN/);
  });

  it('parses back to the same value for any JSON value, in pure ASCII', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = pyJson(v);
        return /^[\x20-\x7e]*$/.test(text) && JSON.stringify(JSON.parse(text)) === JSON.stringify(v);
      }),
      { numRuns: 500 },
    );
  });
});

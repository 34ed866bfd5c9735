import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pyJson, pyJsonViaStringify } from './py-json.js';

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

  it('writes exactly what JSON.stringify and the rewrite of its output give, for any value', () => {
    class WithToJson {
      constructor(readonly v: unknown) {}
      toJSON() {
        return { wrapped: this.v };
      }
    }
    const outcome = (f: () => string) => {
      try {
        return f();
      } catch (e) {
        return `throws ${(e as Error).constructor.name}`;
      }
    };
    const value = fc.oneof(
      fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withDate: true }),
      fc.jsonValue().map((v) => ({ a: v, b: [v, undefined, () => 1], c: new WithToJson(v), d: undefined })),
      fc.array(fc.string({ unit: 'binary' })),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
    );
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(() => pyJson(v))).toBe(outcome(() => pyJsonViaStringify(v)));
      }),
      { numRuns: 2000 },
    );
  });
});

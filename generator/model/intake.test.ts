import { describe, expect, it } from 'vitest';
import { eventPaths } from './intake.js';

describe('eventPaths', () => {
  it('gives each leaf dot-path its distinct values, in the order met, walking through arrays of objects', () => {
    const paths = eventPaths({
      a: { b: 'x', c: [1, 2, 1] },
      list: [{ k: 'v1' }, { k: 'v2' }, { k: 'v1' }],
      empty: [],
      obj: { n: null, t: true },
    });
    expect([...paths]).toEqual([
      ['a.b', ['x']],
      ['a.c', [1, 2]],
      ['list.k', ['v1', 'v2']],
      ['empty', []],
      ['obj.n', [null]],
      ['obj.t', [true]],
    ]);
  });

  it('adds to a map across events and tells of each path met first', () => {
    const out = new Map();
    const added: string[] = [];
    eventPaths({ a: 1, b: { c: 'x' } }, '', out, (p) => added.push(p));
    eventPaths({ a: 2, d: [] }, '', out, (p) => added.push(p));
    expect(added).toEqual(['a', 'b.c', 'd']);
    expect([...out]).toEqual([
      ['a', [1, 2]],
      ['b.c', ['x']],
      ['d', []],
    ]);
  });

  it('keeps values that are neither scalars nor objects as JSON', () => {
    expect(
      eventPaths({
        a: [
          [1, 2],
          [1, 2],
        ],
      }).get('a'),
    ).toEqual(['[1,2]']);
  });
});

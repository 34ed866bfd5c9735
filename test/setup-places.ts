/**
 * Places in models are lazy (`SourcePlace`: a file and a reference, the line
 * and column found when first read). Tests compare them with plain
 * `{ file, line, col }` places: a lazy place equals the plain place it
 * resolves to.
 */
import { expect } from 'vitest';
import { SourcePlace } from '../generator/model/source-doc.js';

const plain = (v: unknown) => (v instanceof SourcePlace ? v.toJSON() : v);

expect.addEqualityTesters([
  function samePlace(a: unknown, b: unknown, testers) {
    if (!(a instanceof SourcePlace) && !(b instanceof SourcePlace)) return undefined;
    return this.equals(plain(a), plain(b), testers);
  },
]);

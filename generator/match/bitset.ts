/**
 * Fixed-size bit sets over intakes (one bit per intake), so that matching a
 * rule against every intake costs a few word operations per field.
 */
export type BitSet = Uint32Array;

export function emptySet(size: number): BitSet {
  return new Uint32Array((size + 31) >>> 5);
}

export function fullSet(size: number): BitSet {
  const s = emptySet(size);
  s.fill(0xffffffff);
  const rest = size & 31;
  if (rest !== 0) s[s.length - 1] = ((1 << rest) - 1) >>> 0;
  return s;
}

export function setBit(s: BitSet, i: number): void {
  s[i >>> 5] |= 1 << (i & 31);
}

export function hasBit(s: BitSet, i: number): boolean {
  return (s[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** a ∩ b into a new set. */
export function intersect(a: BitSet, b: BitSet): BitSet {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & b[i];
  return out;
}

/** a ∪ b into a new set. */
export function union(a: BitSet, b: BitSet): BitSet {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] | b[i];
  return out;
}

/** a \ b into a new set. */
export function difference(a: BitSet, b: BitSet): BitSet {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] & ~b[i];
  return out;
}

export function isEmpty(s: BitSet): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] !== 0) return false;
  return true;
}

/** Indexes of the set bits, ascending. */
export function members(s: BitSet): number[] {
  const out: number[] = [];
  for (let w = 0; w < s.length; w++) {
    let word = s[w];
    while (word !== 0) {
      const low = word & -word;
      out.push((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
  return out;
}

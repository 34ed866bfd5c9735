/**
 * Field facts of all intakes in the two shapes matching uses: bit sets over
 * intakes per field (whole catalog), and booleans for one intake.
 */
import type { Intake } from '../model/intake.js';
import { emptySet, fullSet, intersect, setBit, union, type BitSet } from './bitset.js';
import type { Lattice } from './evaluate.js';

export interface IntakeIndex {
  intakes: readonly Intake[];
  /** Field → intakes producing it. */
  producers: Map<string, BitSet>;
  size: number;
}

export function indexIntakes(intakes: readonly Intake[]): IntakeIndex {
  const producers = new Map<string, BitSet>();
  intakes.forEach((intake, i) => {
    for (const field of intake.fields.keys()) {
      let set = producers.get(field);
      if (!set) producers.set(field, (set = emptySet(intakes.length)));
      setBit(set, i);
    }
  });
  return { intakes, producers, size: intakes.length };
}

/** Lattice of intake sets: "where can this be true". */
export function bitsetLattice(index: IntakeIndex): Lattice<BitSet> {
  const none = emptySet(index.size);
  return {
    top: fullSet(index.size),
    bottom: none,
    meet: intersect,
    join: union,
    field: (name) => index.producers.get(name) ?? none,
    values: () => fullSet(index.size),
  };
}

/** Lattice of one intake: "can this be true there". */
export function booleanLattice(intake: Intake): Lattice<boolean> {
  return {
    top: true,
    bottom: false,
    meet: (a, b) => a && b,
    join: (a, b) => a || b,
    field: (name) => intake.fields.has(name),
    values: () => true,
  };
}

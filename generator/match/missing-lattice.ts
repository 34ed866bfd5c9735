/**
 * The matching semantics evaluated into "which missing fields would make it
 * true": a value is the family of minimal sets of fields that, added to the
 * intake, make the expression able to match (∅ in the family: it already
 * can; an empty family: no field can help — its log source does not fit or its
 * values contradict the intake's constants).
 */
import type { Intake } from '../model/intake.js';
import type { Lattice } from './evaluate.js';
import { booleanLattice, carriers, type MatchContext } from './intake-index.js';
import { logsourceFit } from './logsource.js';

/** Minimal field sets, each sorted; at most `CAP` kept (smallest first). */
export type FieldSets = string[][];

const CAP = 24;

const key = (s: string[]) => s.join('\u0000');

function isSubset(a: string[], b: string[]): boolean {
  return a.every((x) => b.includes(x));
}

/** Keep only minimal sets, deduplicated, smallest first, capped. */
export function minimise(sets: FieldSets): FieldSets {
  const sorted = [...new Map(sets.map((s) => [key(s), s])).values()].sort(
    (a, b) => a.length - b.length || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
  );
  const out: FieldSets = [];
  for (const s of sorted) {
    if (out.some((m) => isSubset(m, s))) continue;
    out.push(s);
    if (out.length >= CAP) break;
  }
  return out;
}

function unionSorted(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

export function missingLattice(intake: Intake, context: MatchContext): Lattice<FieldSets> {
  const fits = !context.features.logsource || logsourceFit(context.logsource, intake, context.table).fits;
  const derivedAllowed = context.features.derived && fits;
  const booleans = booleanLattice(intake, context);
  return {
    top: [[]],
    bottom: [],
    meet: (a, b) => minimise(a.flatMap((x) => b.map((y) => unionSorted(x, y)))),
    join: (a, b) => minimise([...a, ...b]),
    field: (need) =>
      carriers(intake, need, derivedAllowed, context.logsource).length > 0
        ? [[]]
        : minimise(need.names.filter((n) => !n.includes('*')).map((n) => [n])),
    values: (test, within) => (booleans.values(test, true) ? within : []),
    scope: fits ? [[]] : [],
  };
}

/**
 * The meaning of "a rule applies to an intake", written once over an abstract
 * lattice so that the same rules decide one pair (booleans, for explain) and
 * the whole catalog at once (bit sets over intakes).
 *
 * - a field test can match when the fields it needs are produced;
 * - an alternative (one map of tests) can match when all its tests can;
 *   a keyword alternative can always match (keywords search the whole event);
 * - a search identifier can match when one of its alternatives can;
 * - `and`/`or`/`1 of`/`all of` combine; `not X` can always be true;
 * - strict mode also requires every field the rule references;
 * - nothing applies outside the lattice's scope (where the log source fits).
 */
import { foldCondition } from '../model/condition.js';
import type { FieldNeed, NeededTest, RuleNeeds } from './needs.js';

export interface Lattice<T> {
  readonly top: T;
  readonly bottom: T;
  meet(a: T, b: T): T;
  join(a: T, b: T): T;
  /** Where the field is produced (under one of its names, or through a parser-derived mapping). */
  field(need: FieldNeed): T;
  /**
   * Where, within `within` (where the test's fields are present), the test's
   * values do not contradict the constants of its field; everywhere in
   * `within` when nothing is known.
   */
  values(test: NeededTest, within: T): T;
  /** Where the rule may apply at all (its log source fits); `top` when not decided by log source. */
  readonly scope: T;
}

export type MatchMode = 'default' | 'strict';

function meetAll<T>(L: Lattice<T>, items: T[]): T {
  return items.reduce((acc, x) => L.meet(acc, x), L.top);
}

function joinAll<T>(L: Lattice<T>, items: T[]): T {
  return items.reduce((acc, x) => L.join(acc, x), L.bottom);
}

export function testCanMatch<T>(L: Lattice<T>, t: NeededTest): T {
  const present = meetAll(
    L,
    t.needs.map((n) => L.field(n)),
  );
  return t.compared ? L.values(t, present) : present;
}

export function identifierCanMatch<T>(L: Lattice<T>, needs: RuleNeeds, name: string): T {
  const identifier = needs.identifiers.get(name);
  if (!identifier) return L.bottom;
  return joinAll(
    L,
    identifier.alternatives.map((alt) =>
      alt.kind === 'keywords'
        ? L.top
        : meetAll(
            L,
            alt.tests.map((t) => testCanMatch(L, t)),
          ),
    ),
  );
}

/** Where the rule's own detection can be true (explicit membership and correlations are handled by the catalog). */
export function ruleCanMatch<T>(L: Lattice<T>, needs: RuleNeeds, mode: MatchMode): T {
  let result = L.meet(
    L.scope,
    meetAll(
      L,
      needs.always.map((f) => L.field(f)),
    ),
  );
  if (needs.condition) {
    result = L.meet(
      result,
      foldCondition<T>(needs.condition, {
        ref: (name) => identifierCanMatch(L, needs, name),
        and: (items) => meetAll(L, items),
        or: (items) => joinAll(L, items),
        not: () => L.top,
      }),
    );
  } else if (!needs.correlates) {
    return L.bottom; // nothing to match on: only explicit membership can place it
  }
  if (mode === 'strict')
    result = L.meet(
      result,
      meetAll(
        L,
        needs.referenced.map((f) => L.field(f)),
      ),
    );
  return result;
}

/**
 * Which rules apply to which intake, for the whole catalog at once.
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { emptySet, members, union, type BitSet } from './bitset.js';
import { ruleCanMatch, type MatchMode } from './evaluate.js';
import { bitsetLattice, indexIntakes } from './intake-index.js';
import { ruleNeeds, type FieldRenamer } from './needs.js';

export interface MatchOptions {
  mode: MatchMode;
  /** Field renaming per rule (field mappings); identity when absent. */
  renamerFor?: (rule: Rule) => FieldRenamer;
}

export interface CatalogMatch {
  /** Intake uuid → rules applying to it, in catalog order. */
  rulesByIntake: Map<string, Rule[]>;
  /** Rule → intakes it applies to, in catalog order. */
  intakesByRule: Map<Rule, Intake[]>;
}

export function matchCatalog(catalog: Catalog, options: MatchOptions): CatalogMatch {
  const index = indexIntakes(catalog.intakes);
  const L = bitsetLattice(index);
  const where = new Map<Rule, BitSet>();
  const byField = (rule: Rule) => ruleCanMatch(L, ruleNeeds(rule, options.renamerFor?.(rule)), options.mode);
  for (const rule of catalog.rules) {
    if (rule.kind === 'detection') where.set(rule, byField(rule));
  }
  for (const rule of catalog.rules) {
    if (rule.kind !== 'correlation') continue;
    const correlated = (catalog.correlated.get(rule) ?? []).reduce((acc, r) => union(acc, where.get(r) ?? L.bottom), emptySet(index.size));
    where.set(rule, L.meet(byField(rule), correlated));
  }
  const rulesByIntake = new Map<string, Rule[]>(catalog.intakes.map((i) => [i.uuid, []]));
  const intakesByRule = new Map<Rule, Intake[]>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const positions = new Set(members(where.get(rule) ?? L.bottom));
    for (const intake of catalog.explicit.get(rule) ?? []) positions.add(catalog.intakes.indexOf(intake));
    const intakes = [...positions].sort((a, b) => a - b).map((i) => catalog.intakes[i]);
    intakesByRule.set(rule, intakes);
    for (const intake of intakes) rulesByIntake.get(intake.uuid)!.push(rule);
  }
  return { rulesByIntake, intakesByRule };
}

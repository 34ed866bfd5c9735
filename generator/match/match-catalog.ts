/**
 * Which rules apply to which intake, for the whole catalog at once.
 */
import type { Catalog } from '../model/catalog.js';
import type { FieldMapping } from '../model/field-mapping.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { isEmpty } from './bitset.js';
import { ruleCanMatch, type MatchMode } from './evaluate.js';
import {
  ALL_FEATURES,
  indexIntakes,
  restrictedMembers,
  scopedLattice,
  type IntakeIndex,
  type MatchFeatures,
  type ScopedLattice,
} from './intake-index.js';
import type { LogsourceTable } from './logsource.js';
import { readingKey, ruleNeeds } from './needs.js';
import { renamingsFor } from './renaming.js';

export interface MatchOptions {
  mode: MatchMode;
  /** Field mapping (Sigma names → intake names); names stay as written without one. */
  mapping?: FieldMapping;
  table: LogsourceTable;
  features?: MatchFeatures;
}

export interface CatalogMatch {
  /** Intake uuid → rules applying to it, in catalog order. */
  rulesByIntake: Map<string, Rule[]>;
  /** Rule → intakes it applies to, in catalog order. */
  intakesByRule: Map<Rule, Intake[]>;
}

const lattices = new WeakMap<IntakeIndex, Map<string, ScopedLattice>>();

const featuresKey = (f: MatchFeatures) => `${f.derived ? 1 : 0}${f.values ? 1 : 0}${f.logsource ? 1 : 0}`;

/** One lattice per log source (its scope and derived names depend on it), reused by every rule with that log source. */
function latticeFor(index: IntakeIndex, rule: Rule, options: MatchOptions): ScopedLattice {
  let byLogsource = lattices.get(index);
  if (!byLogsource) lattices.set(index, (byLogsource = new Map()));
  const key = `${rule.logsource.product ?? ''}\u0000${rule.logsource.category ?? ''}\u0000${rule.logsource.service ?? ''}\u0000${featuresKey(options.features ?? ALL_FEATURES)}`;
  let L = byLogsource.get(key);
  if (!L)
    byLogsource.set(
      key,
      (L = scopedLattice(index, {
        logsource: rule.logsource,
        features: options.features ?? ALL_FEATURES,
        table: options.table,
      })),
    );
  return L;
}

/** Where a rule's own detection can be true (intake positions, ascending): the union over the readings of its field names. */
export function whereRuleMatches(rule: Rule, index: IntakeIndex, options: MatchOptions): number[] {
  const { lattice: L, words } = latticeFor(index, rule, options);
  if (isEmpty(L.scope)) return []; // its log source fits no intake
  const renamings = renamingsFor(rule.logsource, options.mapping);
  let set = L.bottom;
  // Readings that name every field of the rule alike give the same answer: each is judged once.
  const judged = renamings.length > 1 ? new Set<string>() : undefined;
  for (const renaming of renamings) {
    if (judged) {
      const key = readingKey(rule, renaming);
      if (judged.has(key)) continue;
      judged.add(key);
    }
    set = L.join(set, ruleCanMatch(L, ruleNeeds(rule, renaming), options.mode));
  }
  return restrictedMembers(set, words);
}

/** Ascending positions in both lists. */
function common(a: readonly number[], b: ReadonlySet<number>): number[] {
  return a.filter((i) => b.has(i));
}

export function matchCatalog(catalog: Catalog, options: MatchOptions): CatalogMatch {
  const index = indexIntakes(catalog.intakes);
  const where = new Map<Rule, number[]>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'detection') where.set(rule, whereRuleMatches(rule, index, options));
  }
  for (const rule of catalog.rules) {
    if (rule.kind !== 'correlation') continue;
    const correlated = new Set<number>();
    for (const r of catalog.correlated.get(rule) ?? []) for (const i of where.get(r) ?? []) correlated.add(i);
    where.set(rule, common(whereRuleMatches(rule, index, options), correlated));
  }
  const position = new Map(catalog.intakes.map((intake, i) => [intake, i]));
  const rulesByIntake = new Map<string, Rule[]>(catalog.intakes.map((i) => [i.uuid, []]));
  const intakesByRule = new Map<Rule, Intake[]>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    let positions = where.get(rule) ?? [];
    const explicit = catalog.explicit.get(rule);
    if (explicit && explicit.length > 0)
      positions = [...new Set([...positions, ...explicit.map((i) => position.get(i)!)])].sort((a, b) => a - b);
    const intakes = positions.map((i) => catalog.intakes[i]);
    intakesByRule.set(rule, intakes);
    for (const intake of intakes) rulesByIntake.get(intake.uuid)!.push(rule);
  }
  return { rulesByIntake, intakesByRule };
}

/**
 * What an intake's parser is missing: the smallest sets of fields whose
 * addition would make more rules applicable, ranked by the rules and then the
 * techniques they unlock.
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { byCodePoint, parentOf } from './coverage.js';
import { ruleCanMatch } from './evaluate.js';
import { ALL_FEATURES } from './intake-index.js';
import type { CatalogMatch } from './match-catalog.js';
import { minimise, missingLattice, type FieldSets } from './missing-lattice.js';
import type { ExplainOptions } from './explain.js';
import { ruleNeeds } from './needs.js';
import { renamingsFor } from './renaming.js';

export interface Gap {
  fields: string[];
  rules: string[];
  techniques: string[];
}

/** Sets of up to this many fields are proposed. */
export const MAX_GAP_SIZE = 3;

const key = (s: readonly string[]) => s.join('\u0000');

/** Minimal missing field sets of one rule on one intake (none when no field can help). */
export function missingSetsOf(rule: Rule, intake: Intake, options: ExplainOptions): FieldSets {
  if (rule.kind !== 'detection' || !rule.detection) return [];
  const context = { logsource: rule.logsource, features: options.features ?? ALL_FEATURES, table: options.table };
  const L = missingLattice(intake, context);
  return minimise(
    renamingsFor(rule.logsource, options.mapping).flatMap((r) => ruleCanMatch(L, ruleNeeds(rule, r), options.mode)),
  );
}

function subsetsOf(fields: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let mask = 1; mask < 1 << fields.length; mask++) out.push(fields.filter((_, i) => mask & (1 << i)));
  return out;
}

function techniquesOf(rules: readonly Rule[]): string[] {
  const set = new Set<string>();
  for (const r of rules) for (const t of r.techniques) set.add(parentOf(t.value) ?? t.value);
  return [...set].sort(byCodePoint);
}

/** Ranked gaps of one intake. */
export function intakeGaps(intake: Intake, catalog: Catalog, match: CatalogMatch, options: ExplainOptions): Gap[] {
  const applying = new Set(match.rulesByIntake.get(intake.uuid) ?? []);
  const rulesBySet = new Map<string, Rule[]>();
  const candidates = new Map<string, string[]>();
  for (const rule of catalog.rules) {
    if (applying.has(rule) || rule.kind !== 'detection') continue;
    for (const set of missingSetsOf(rule, intake, options)) {
      if (set.length === 0 || set.length > MAX_GAP_SIZE) continue;
      const k = key(set);
      const list = rulesBySet.get(k) ?? [];
      if (!list.includes(rule)) list.push(rule);
      rulesBySet.set(k, list);
      candidates.set(k, set);
    }
  }
  const gaps: (Gap & { unlocked: Set<Rule> })[] = [];
  for (const set of candidates.values()) {
    const unlocked = new Set<Rule>();
    for (const sub of subsetsOf(set)) for (const r of rulesBySet.get(key(sub)) ?? []) unlocked.add(r);
    const rules = [...unlocked];
    gaps.push({
      fields: set,
      rules: [...new Set(rules.map((r) => r.title))].sort(byCodePoint),
      techniques: techniquesOf(rules),
      unlocked,
    });
  }
  // A set that unlocks nothing more than one of its own subsets is not among the smallest.
  const byKey = new Map(gaps.map((g) => [key(g.fields), g]));
  const useful = gaps.filter((g) =>
    subsetsOf(g.fields).every(
      (sub) => sub.length === g.fields.length || (byKey.get(key(sub))?.unlocked.size ?? 0) < g.unlocked.size,
    ),
  );
  useful.sort(
    (a, b) =>
      b.rules.length - a.rules.length ||
      b.techniques.length - a.techniques.length ||
      a.fields.length - b.fields.length ||
      byCodePoint(key(a.fields), key(b.fields)),
  );
  return useful.map(({ fields, rules, techniques }) => ({ fields, rules, techniques }));
}

export interface CatalogGaps {
  intakes: { uuid: string; name: string; applying: number; withinOneSet: number; gaps: Gap[] }[];
  /** Single fields ranked by the rules they would unlock summed over intakes. */
  fields: { field: string; rules: number; intakes: number }[];
}

export function catalogGaps(
  catalog: Catalog,
  match: CatalogMatch,
  options: ExplainOptions,
  perIntake = 5,
  /** Told after each intake (progress). */
  onIntake?: (done: number, total: number) => void,
): CatalogGaps {
  const fieldTotals = new Map<string, { rules: number; intakes: number }>();
  const intakes = catalog.intakes.map((intake, i) => {
    onIntake?.(i, catalog.intakes.length);
    const gaps = intakeGaps(intake, catalog, match, options);
    const within = new Set(gaps.flatMap((g) => g.rules));
    for (const g of gaps) {
      if (g.fields.length !== 1) continue;
      const t = fieldTotals.get(g.fields[0]) ?? { rules: 0, intakes: 0 };
      t.rules += g.rules.length;
      t.intakes += 1;
      fieldTotals.set(g.fields[0], t);
    }
    return {
      uuid: intake.uuid,
      name: intake.name,
      applying: match.rulesByIntake.get(intake.uuid)?.length ?? 0,
      withinOneSet: within.size,
      gaps: gaps.slice(0, perIntake),
    };
  });
  intakes.sort((a, b) => b.withinOneSet - a.withinOneSet || byCodePoint(a.name, b.name));
  const fields = [...fieldTotals]
    .map(([field, t]) => ({ field, ...t }))
    .sort((a, b) => b.rules - a.rules || b.intakes - a.intakes || byCodePoint(a.field, b.field));
  return { intakes, fields };
}

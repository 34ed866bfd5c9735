/**
 * Matching again after a change, redoing only what the change touches.
 * Unchanged files keep their Rule and Intake objects between updates, so a
 * new object is a changed (or added) input:
 *
 * - a new or changed rule, or one whose `intakes:` list now resolves
 *   differently, is matched against every intake (when rules changed and the
 *   catalog has correlations, every correlation is matched again too, with
 *   the rules it correlates);
 * - a new or changed intake is matched against every rule;
 * - every other rule keeps its intakes from the previous match, minus the
 *   intakes that changed or went away.
 *
 * The result equals matching the whole catalog (tested against it).
 */
import type { CatalogMatch } from './match-catalog.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';

export type MatchRunner = (catalog: Catalog) => CatalogMatch;

export interface Rematched {
  match: CatalogMatch;
  /** Rules matched against every intake, and intakes matched against every rule (all of both when `full`). */
  redone: { full: boolean; rules: number; intakes: number };
}

const uuids = (list: readonly Intake[] | undefined) => (list ?? []).map((i) => i.uuid).join(' ');

function restrict(
  explicit: ReadonlyMap<Rule, Intake[]>,
  keep: (rule: Rule, intake: Intake) => boolean,
): Map<Rule, Intake[]> {
  const out = new Map<Rule, Intake[]>();
  for (const [rule, intakes] of explicit) {
    const kept = intakes.filter((i) => keep(rule, i));
    if (kept.length > 0) out.set(rule, kept);
  }
  return out;
}

/** The rules whose own result must be computed again against every intake. */
function affectedRules(base: { catalog: Catalog; match: CatalogMatch }, catalog: Catalog): Set<Rule> {
  const affected = new Set<Rule>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    if (
      !base.match.intakesByRule.has(rule) ||
      uuids(catalog.explicit.get(rule)) !== uuids(base.catalog.explicit.get(rule))
    )
      affected.add(rule);
  }
  const current = new Set(catalog.rules);
  const removed = base.catalog.rules.some((r) => !current.has(r));
  const correlations = catalog.rules.filter((r) => r.kind === 'correlation');
  if ((affected.size > 0 || removed) && correlations.length > 0) {
    for (const c of correlations) {
      affected.add(c);
      for (const r of catalog.correlated.get(c) ?? []) affected.add(r);
    }
  }
  return affected;
}

export function rematch(
  base: { catalog: Catalog; match: CatalogMatch } | undefined,
  catalog: Catalog,
  run: MatchRunner,
): Rematched {
  if (!base)
    return {
      match: run(catalog),
      redone: { full: true, rules: catalog.rules.length, intakes: catalog.intakes.length },
    };
  const previous = new Set(base.catalog.intakes);
  const changedIntakes = catalog.intakes.filter((i) => !previous.has(i));
  const changed = new Set(changedIntakes);
  const present = new Set(catalog.intakes);
  const affected = affectedRules(base, catalog);

  const byRules =
    affected.size > 0
      ? run({
          ...catalog,
          rules: catalog.rules.filter((r) => affected.has(r)),
          explicit: restrict(catalog.explicit, (r) => affected.has(r)),
        })
      : undefined;
  const byIntakes =
    changedIntakes.length > 0
      ? run({ ...catalog, intakes: changedIntakes, explicit: restrict(catalog.explicit, (_, i) => changed.has(i)) })
      : undefined;

  const position = new Map(catalog.intakes.map((intake, i) => [intake, i]));
  const rulesByIntake = new Map<string, Rule[]>(catalog.intakes.map((i) => [i.uuid, []]));
  const intakesByRule = new Map<Rule, Intake[]>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const intakes =
      byRules?.intakesByRule.get(rule) ??
      [
        ...(base.match.intakesByRule.get(rule) ?? []).filter((i) => present.has(i)),
        ...(byIntakes?.intakesByRule.get(rule) ?? []),
      ].sort((a, b) => position.get(a)! - position.get(b)!);
    intakesByRule.set(rule, intakes);
    for (const intake of intakes) rulesByIntake.get(intake.uuid)!.push(rule);
  }
  return {
    match: { rulesByIntake, intakesByRule },
    redone: { full: false, rules: affected.size, intakes: changedIntakes.length },
  };
}

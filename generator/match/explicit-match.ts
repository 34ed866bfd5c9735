/**
 * Matching by membership alone: a rule applies to exactly the intakes it
 * names (an imported rules index has no detection to evaluate).
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import type { CatalogMatch } from './match-catalog.js';

export function matchExplicit(catalog: Catalog): CatalogMatch {
  const position = new Map(catalog.intakes.map((intake, i) => [intake, i]));
  const rulesByIntake = new Map<string, Rule[]>(catalog.intakes.map((i) => [i.uuid, []]));
  const intakesByRule = new Map<Rule, Intake[]>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const intakes = [...(catalog.explicit.get(rule) ?? [])].sort((a, b) => position.get(a)! - position.get(b)!);
    intakesByRule.set(rule, intakes);
    for (const intake of intakes) rulesByIntake.get(intake.uuid)!.push(rule);
  }
  return { rulesByIntake, intakesByRule };
}

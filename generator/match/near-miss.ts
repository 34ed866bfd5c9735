/**
 * Rules one field away from an intake: they do not apply, but adding a single
 * field to the intake's parser would make them apply (their log source fits
 * and no value contradicts). Each field is named once, in the intake's own
 * naming, whatever the readings of the rule (see `gaps.ts`).
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import type { ExplainOptions } from './explain.js';
import { IntakeNaming, singleFixesOf } from './gaps.js';
import type { CatalogMatch } from './match-catalog.js';

export interface NearMiss {
  rule: Rule;
  /** The single fields that would each make it apply, one per fix, sorted. */
  fields: string[];
}

export function nearMisses(intake: Intake, catalog: Catalog, match: CatalogMatch, options: ExplainOptions): NearMiss[] {
  const applying = new Set(match.rulesByIntake.get(intake.uuid) ?? []);
  const naming = new IntakeNaming(intake);
  const out: NearMiss[] = [];
  for (const rule of catalog.rules) {
    if (applying.has(rule) || rule.kind !== 'detection') continue;
    const fields = singleFixesOf(rule, intake, options, naming);
    if (fields.length > 0) out.push({ rule, fields });
  }
  return out;
}

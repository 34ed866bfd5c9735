/**
 * Rules one field away from an intake: they do not apply, but adding a single
 * field to the intake's parser would make them apply (their log source fits
 * and no value contradicts).
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { byCodePoint } from './coverage.js';
import type { ExplainOptions } from './explain.js';
import { missingSetsOf } from './gaps.js';
import type { CatalogMatch } from './match-catalog.js';

export interface NearMiss {
  rule: Rule;
  /** The single fields that would each make it apply, sorted. */
  fields: string[];
}

export function nearMisses(intake: Intake, catalog: Catalog, match: CatalogMatch, options: ExplainOptions): NearMiss[] {
  const applying = new Set(match.rulesByIntake.get(intake.uuid) ?? []);
  const out: NearMiss[] = [];
  for (const rule of catalog.rules) {
    if (applying.has(rule) || rule.kind !== 'detection') continue;
    const fields = missingSetsOf(rule, intake, options)
      .filter((s) => s.length === 1)
      .map((s) => s[0])
      .sort(byCodePoint);
    if (fields.length > 0) out.push({ rule, fields });
  }
  return out;
}

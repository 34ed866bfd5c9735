/**
 * The catalog the matcher is given when one intake is asked for: that intake
 * alone, the memberships of that intake, and only the rules that can land on
 * it: those naming it in `intakes:` and those whose log source fits it
 * (`table` given). The others cannot apply by their detection (the matcher's
 * scope, where the log source fits, is empty for them) and, as correlated
 * rules, bring nothing to a correlation.
 */
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { LogsourceTable } from '../model/logsource-table.js';
import type { Rule } from '../model/rule.js';
import { hasBit } from './bitset.js';
import { fitSet, indexIntakes } from './intake-index.js';

export function oneIntakeCatalog(catalog: Catalog, intake: Intake, table?: LogsourceTable): Catalog {
  const explicit = new Map<Rule, Intake[]>();
  for (const [rule, intakes] of catalog.explicit) if (intakes.includes(intake)) explicit.set(rule, [intake]);
  if (!table) return { ...catalog, intakes: [intake], explicit };
  const index = indexIntakes([intake]);
  const rules = catalog.rules.filter(
    (r) => r.kind !== 'filter' && (explicit.has(r) || hasBit(fitSet(index, r.logsource, table), 0)),
  );
  return { ...catalog, rules, intakes: [intake], explicit };
}

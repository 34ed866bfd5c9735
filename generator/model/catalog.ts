/**
 * The catalog: rules and intakes checked together (unique ids and uuids,
 * references between them resolved).
 */
import { error, warning, type Diagnostic } from '../diagnostics.js';
import type { Intake } from './intake.js';
import type { Rule } from './rule.js';

export interface Catalog {
  rules: Rule[];
  intakes: Intake[];
  /** Rules with an `intakes:` list → the intakes it names. */
  explicit: Map<Rule, Intake[]>;
  /** Correlation rules → the rules they correlate. */
  correlated: Map<Rule, Rule[]>;
}

function at(p: { file: string; line: number; col: number }): string {
  return p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
}

export function buildCatalog(rules: Rule[], intakes: Intake[], diagnostics: Diagnostic[]): Catalog {
  const byId = new Map<string, Rule>();
  const byTitle = new Map<string, Rule>();
  for (const rule of rules) {
    const first = byId.get(rule.id);
    if (first) {
      diagnostics.push(
        error(
          rule.placeOf(['id']),
          'duplicate-rule-id',
          `Duplicate rule id ${rule.id}: also used by ${at(first.placeOf(['id']))}, expected ids to be unique`,
        ),
      );
    } else byId.set(rule.id, rule);
    const sameTitle = byTitle.get(rule.title);
    if (sameTitle && rule.kind !== 'filter') {
      diagnostics.push(
        warning(
          rule.placeOf(['title']),
          'duplicate-rule-title',
          `Title "${rule.title}" is also used by ${at(sameTitle.placeOf(['title']))}; pages list it once`,
        ),
      );
    } else if (rule.kind !== 'filter') byTitle.set(rule.title, rule);
  }
  const byUuid = new Map<string, Intake>();
  const byName = new Map<string, Intake>();
  for (const intake of intakes) {
    const first = byUuid.get(intake.uuid);
    if (first) {
      diagnostics.push(
        error(
          intake.place,
          'duplicate-intake-uuid',
          `Duplicate intake uuid ${intake.uuid}: also used by ${first.manifestFile}, expected uuids to be unique`,
        ),
      );
    } else byUuid.set(intake.uuid, intake);
    if (!byName.has(intake.name)) byName.set(intake.name, intake);
    if (intake.slug && !byName.has(intake.slug)) byName.set(intake.slug, intake);
  }
  const explicit = new Map<Rule, Intake[]>();
  const correlated = new Map<Rule, Rule[]>();
  for (const rule of rules) {
    const named: Intake[] = [];
    for (const ref of rule.intakes) {
      const intake = byUuid.get(ref.value.toLowerCase()) ?? byName.get(ref.value);
      if (intake) {
        if (!named.includes(intake)) named.push(intake);
      } else {
        diagnostics.push(
          warning(
            ref.place,
            'unknown-intake',
            `Unknown intake "${ref.value}" in "intakes", expected an intake uuid, name or slug`,
          ),
        );
      }
    }
    if (named.length > 0) explicit.set(rule, named);
    const refs = rule.correlation?.rules ?? rule.filterOf ?? [];
    const resolved: Rule[] = [];
    refs.forEach((ref, i) => {
      const target = byId.get(ref) ?? byTitle.get(ref);
      if (target) resolved.push(target);
      else {
        const key = rule.correlation ? ['correlation', 'rules', i] : ['filter', 'rules', i];
        diagnostics.push(
          warning(
            rule.placeOf(key),
            'unknown-rule-reference',
            `Unknown rule "${ref}", expected the id or title of a rule of the catalog`,
          ),
        );
      }
    });
    if (rule.correlation) correlated.set(rule, resolved);
  }
  return { rules, intakes, explicit, correlated };
}

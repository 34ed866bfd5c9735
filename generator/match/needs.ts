/**
 * What a rule needs from an intake's events: per search identifier, the
 * fields each of its alternatives requires, after renaming fields through a
 * field mapping.
 */
import type { Condition } from '../model/condition.js';
import type { Alternative, FieldTest } from '../model/detection.js';
import type { Rule } from '../model/rule.js';

/** Renames a rule's field (Sigma name → the name intakes use); identity by default. */
export type FieldRenamer = (field: string) => string;

export const identity: FieldRenamer = (f) => f;

export interface NeededTest {
  test: FieldTest;
  /** Fields the test needs present (field itself, fieldref targets), after renaming. */
  fields: string[];
}

export interface NeededAlternative {
  kind: Alternative['kind'];
  tests: NeededTest[];
  /** Union of the tests' fields. */
  fields: string[];
}

export interface NeededIdentifier {
  name: string;
  alternatives: NeededAlternative[];
}

export interface RuleNeeds {
  identifiers: Map<string, NeededIdentifier>;
  /** Combined condition; absent for rules without detection (correlations, imported rules). */
  condition?: Condition;
  /** Rules (ids or names) a correlation needs: it applies where one of them applies. */
  correlates?: string[];
  /** Fields needed regardless of the condition (correlation group-by and value field). */
  always: string[];
  /** Every field the rule references anywhere (for `--match strict`). */
  referenced: string[];
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

/**
 * Fields a test needs present. A test that a missing field satisfies
 * (`field: null`, `field|exists: false`) needs none.
 */
export function testFields(test: FieldTest, rename: FieldRenamer): string[] {
  if (test.field === '') return [];
  const exists = test.modifiers.includes('exists');
  if (exists && test.values.every((v) => v === false || v === 'false' || v === 'no')) return [];
  if (!exists && test.values.some((v) => v === null)) return [];
  const out = [rename(test.field)];
  if (test.modifiers.includes('fieldref')) {
    for (const v of test.values) if (typeof v === 'string' && v !== '') out.push(rename(v));
  }
  return uniq(out);
}

/** Every field a test mentions, whatever its values (for strict matching). */
function mentionedFields(test: FieldTest, rename: FieldRenamer): string[] {
  if (test.field === '') return [];
  const out = [rename(test.field)];
  if (test.modifiers.includes('fieldref')) {
    for (const v of test.values) if (typeof v === 'string' && v !== '') out.push(rename(v));
  }
  return out;
}

export function ruleNeeds(rule: Rule, rename: FieldRenamer = identity): RuleNeeds {
  const identifiers = new Map<string, NeededIdentifier>();
  const referenced: string[] = [];
  for (const identifier of rule.kind === 'detection' ? rule.detection?.identifiers ?? [] : []) {
    const alternatives = identifier.alternatives.map((alt): NeededAlternative => {
      if (alt.kind === 'keywords') return { kind: 'keywords', tests: [], fields: [] };
      const tests = alt.tests.map((test) => {
        referenced.push(...mentionedFields(test, rename));
        return { test, fields: testFields(test, rename) };
      });
      return { kind: 'fields', tests, fields: uniq(tests.flatMap((t) => t.fields)) };
    });
    identifiers.set(identifier.name, { name: identifier.name, alternatives });
  }
  const always = rule.correlation ? uniq([...rule.correlation.groupBy, ...(rule.correlation.valueField ? [rule.correlation.valueField] : [])].map(rename)) : [];
  referenced.push(...always);
  return {
    identifiers,
    condition: rule.kind === 'detection' ? rule.detection?.condition : undefined,
    correlates: rule.correlation?.rules,
    always,
    referenced: uniq(referenced).sort(),
  };
}

/**
 * What a rule needs from an intake's events under one reading of its field
 * names: per search identifier, the fields each of its alternatives requires.
 */
import type { Condition } from '../model/condition.js';
import type { Alternative, FieldTest } from '../model/detection.js';
import type { Rule } from '../model/rule.js';
import { AS_WRITTEN, type Renaming } from './renaming.js';

/** One field a test needs: any of `names` (after renaming); `source` is the name the rule wrote. */
export interface FieldNeed {
  source: string;
  names: string[];
}

export interface NeededTest {
  test: FieldTest;
  /** Fields the test needs present (its field, fieldref targets). */
  needs: FieldNeed[];
  /** The field whose values the test compares (absent for field-less and fieldref tests). */
  compared?: FieldNeed;
}

export interface NeededAlternative {
  kind: Alternative['kind'];
  tests: NeededTest[];
}

export interface NeededIdentifier {
  name: string;
  alternatives: NeededAlternative[];
}

export interface RuleNeeds {
  renaming: Renaming;
  identifiers: Map<string, NeededIdentifier>;
  /** Combined condition; absent for rules without detection (correlations, imported rules). */
  condition?: Condition;
  /** Rules (ids or names) a correlation needs: it applies where one of them applies. */
  correlates?: string[];
  /** Fields needed regardless of the condition (correlation group-by and value field). */
  always: FieldNeed[];
  /** Every field the rule references anywhere (for `--match strict`). */
  referenced: FieldNeed[];
}

const interned = new WeakMap<Renaming, Map<string, FieldNeed>>();
/** Needs by content (field and names): readings that name a field alike share its need. */
const byContent = new Map<string, FieldNeed>();
const needIds = new WeakMap<FieldNeed, number>();
let nextId = 0;
/** Needs kept by content (a long-running preview server); past it they are forgotten, which only costs speed. */
const KEEP = 200_000;

/**
 * The need of `field` under `renaming`: one object per field and names,
 * whatever the reading, so that matching can remember what it found for a
 * need by the object itself.
 */
function need(field: string, renaming: Renaming): FieldNeed {
  let byField = interned.get(renaming);
  if (!byField) interned.set(renaming, (byField = new Map()));
  let known = byField.get(field);
  if (!known) {
    const names = renaming.targets(field);
    const key = `${field}\u0000${names.join('\u0000')}`;
    known = byContent.get(key);
    if (!known) {
      if (byContent.size >= KEEP) byContent.clear();
      byContent.set(key, (known = { source: field, names }));
      needIds.set(known, nextId++);
    }
    byField.set(field, known);
  }
  return known;
}

const fieldsCache = new WeakMap<Rule, string[]>();

/** Every field name a rule mentions (tests, field references, correlation fields), each once. */
function ruleFields(rule: Rule): string[] {
  let fields = fieldsCache.get(rule);
  if (!fields) {
    const all = new Set<string>();
    for (const identifier of rule.detection?.identifiers ?? []) {
      for (const alt of identifier.alternatives) {
        if (alt.kind !== 'fields') continue;
        for (const test of alt.tests) {
          all.add(test.field);
          for (const f of fieldrefTargets(test)) all.add(f);
        }
      }
    }
    for (const f of rule.correlation?.groupBy ?? []) all.add(f);
    if (rule.correlation?.valueField) all.add(rule.correlation.valueField);
    fieldsCache.set(rule, (fields = [...all]));
  }
  return fields;
}

/**
 * What a reading makes of the rule's fields: two readings with the same key
 * give the rule the same needs (every field the same names), hence the same
 * answer, so matching judges one of them.
 */
export function readingKey(rule: Rule, renaming: Renaming): string {
  return ruleFields(rule)
    .map((f) => needIds.get(need(f, renaming)))
    .join(',');
}

function uniqueNeeds(list: FieldNeed[]): FieldNeed[] {
  const seen = new Set<string>();
  return list.filter((n) => !seen.has(n.source) && seen.add(n.source));
}

function fieldrefTargets(test: FieldTest): string[] {
  if (!test.modifiers.includes('fieldref')) return [];
  return test.values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** True when an absent field satisfies the test (`field: null`, `field|exists: false`). */
export function absentSatisfies(test: FieldTest): boolean {
  if (test.modifiers.includes('exists')) return test.values.every((v) => v === false || v === 'false' || v === 'no');
  return test.values.some((v) => v === null);
}

/** Fields a test needs present. */
export function neededTest(test: FieldTest, renaming: Renaming): NeededTest {
  if (test.field === '' || absentSatisfies(test)) return { test, needs: [] };
  const own = need(test.field, renaming);
  const refs = fieldrefTargets(test).map((f) => need(f, renaming));
  return { test, needs: uniqueNeeds([own, ...refs]), compared: refs.length === 0 ? own : undefined };
}

/** Every field a test mentions, whatever its values (for strict matching). */
function mentioned(test: FieldTest, renaming: Renaming): FieldNeed[] {
  if (test.field === '') return [];
  return [test.field, ...fieldrefTargets(test)].map((f) => need(f, renaming));
}

export function ruleNeeds(rule: Rule, renaming: Renaming = AS_WRITTEN): RuleNeeds {
  const identifiers = new Map<string, NeededIdentifier>();
  const detection = rule.kind === 'detection' ? rule.detection : undefined;
  for (const identifier of detection?.identifiers ?? []) {
    const alternatives = identifier.alternatives.map((alt): NeededAlternative =>
      alt.kind === 'keywords'
        ? { kind: 'keywords', tests: [] }
        : { kind: 'fields', tests: alt.tests.map((t) => neededTest(t, renaming)) },
    );
    identifiers.set(identifier.name, { name: identifier.name, alternatives });
  }
  const correlation = rule.correlation;
  const always = correlation
    ? uniqueNeeds(
        [...correlation.groupBy, ...(correlation.valueField ? [correlation.valueField] : [])].map((f) =>
          need(f, renaming),
        ),
      )
    : [];
  let referenced: FieldNeed[] | undefined;
  return {
    renaming,
    identifiers,
    condition: detection?.condition,
    correlates: correlation?.rules,
    always,
    // Only strict matching, explain and reports read it: computed when first read.
    get referenced() {
      if (!referenced) {
        const all: FieldNeed[] = [];
        for (const identifier of detection?.identifiers ?? []) {
          for (const alt of identifier.alternatives)
            if (alt.kind === 'fields') for (const test of alt.tests) all.push(...mentioned(test, renaming));
        }
        all.push(...always);
        referenced = uniqueNeeds(all).sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
      }
      return referenced;
    },
  };
}

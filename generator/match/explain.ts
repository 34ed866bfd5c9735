/**
 * Why a rule applies, or not, to one intake: per search identifier its fields
 * (after mappings, with what renamed each), present or missing, constants
 * that contradict its values; the condition evaluated; the log-source
 * evidence; the missing field sets that would make it apply.
 */
import type { Place } from '../diagnostics.js';
import type { Catalog } from '../model/catalog.js';
import type { FieldMapping } from '../model/field-mapping.js';
import type { FieldOrigin, Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { formatCondition, foldCondition } from '../model/condition.js';
import type { Scalar } from '../model/detection.js';
import { byCodePoint } from './coverage.js';
import { ruleCanMatch, testCanMatch, type MatchMode } from './evaluate.js';
import {
  ALL_FEATURES,
  booleanLattice,
  carriers,
  derivedNamesFor,
  normaliseName,
  type DerivedName,
  type MatchContext,
  type MatchFeatures,
} from './intake-index.js';
import { logsourceFit, type Fit, type LogsourceTable } from './logsource.js';
import { missingLattice, minimise, type FieldSets } from './missing-lattice.js';
import { ruleNeeds, type FieldNeed, type NeededTest, type RuleNeeds } from './needs.js';
import { renamingsFor, type Renaming } from './renaming.js';

/** Where a produced field comes from on the intake. */
export interface Producer {
  /** The produced field (one of the carriers). */
  field: string;
  /** The first thing saying the intake produces it: its parser, `_meta/fields.yml`, a test event, the platform. */
  origin: FieldOrigin;
  /** Where: the parser's `set` key or `translate` target, the `fields.yml` entry, the test event (none for the platform). */
  place?: Place;
  /** Raw paths the parser copies into it (for a derived name, the one the rule field names), with the template's place. */
  copies: { raw: string; place?: Place }[];
}

export interface FieldExplanation {
  /** The field as the rule writes it. */
  field: string;
  /** Names it is looked up under after the mapping. */
  names: string[];
  /** What renamed it: `as written`, `pipeline <name>`, `prefix of pipeline <name>`. */
  via: string;
  /** The mapping entry that renamed it, when one did. */
  mapping?: { pipeline: string; place: Place };
  present: boolean;
  /** Produced fields carrying it on this intake. */
  carriers: string[];
  /** Where each carrier is produced, in the order of `carriers`. */
  producers: Producer[];
  /** Parser-derived names used, if any. */
  derived: DerivedName[];
}

export interface TestExplanation {
  test: string;
  values: Scalar[];
  fields: FieldExplanation[];
  /** Constants of the compared field that the values contradict (empty when none). */
  contradicts: { field: string; constants: Scalar[] }[];
  canMatch: boolean;
}

export interface IdentifierExplanation {
  name: string;
  kind: 'fields' | 'keywords' | 'mixed';
  /** Every field the identifier's tests need, as the rule writes them, sorted. */
  fields: string[];
  alternatives: { canMatch: boolean; tests: TestExplanation[] }[];
  canMatch: boolean;
}

export interface Explanation {
  rule: { id: string; title: string; file: string; kind: Rule['kind']; logsource: Rule['logsource'] };
  intake: { uuid: string; name: string };
  applies: boolean;
  /** Listed in the rule's `intakes:`. */
  explicit: boolean;
  /** Applies by its own detection (fields, values, log source). */
  byDetection: boolean;
  /** The reading of field names explained (the first that applies, else the closest). */
  reading: string | null;
  readings: { pipeline: string | null; applies: boolean }[];
  logsource: Fit;
  condition?: { text: string; canBeTrue: boolean };
  identifiers: IdentifierExplanation[];
  /** Fields the rule needs that the intake does not produce (in the reading explained), sorted. */
  missingFields: string[];
  /** Minimal sets of fields whose addition would make the rule apply (empty when none can). */
  missingSets: string[][];
  correlated?: { title: string; applies: boolean }[];
}

export interface ExplainOptions {
  mode: MatchMode;
  mapping?: FieldMapping;
  table: LogsourceTable;
  features?: MatchFeatures;
}

function via(field: string, renaming: Renaming): string {
  if (renaming.pipeline === null) return 'as written';
  if (renaming.mapped(field)) {
    const at = renaming.source?.(field);
    return `pipeline ${renaming.pipeline}` + (at ? ` (${at.file}:${at.line})` : '');
  }
  const [name] = renaming.targets(field);
  return name === field
    ? `as written (not in pipeline ${renaming.pipeline})`
    : `prefix of pipeline ${renaming.pipeline}`;
}

/** Where the parser's template copies `raw` (or the object holding it) into `target` (or the object holding it). */
function copyPlace(intake: Intake, raw: string, target: string): Place | undefined {
  let best: { place: Place; length: number } | undefined;
  for (const [field, places] of intake.sourcePlaces ?? []) {
    if (field !== target && !target.startsWith(`${field}.`)) continue;
    for (const [from, place] of places) {
      if (from !== raw && !raw.startsWith(`${from}.`)) continue;
      if (!best || from.length > best.length) best = { place, length: from.length };
    }
  }
  return best?.place;
}

/** The object copy filling `field`: the parser copies a raw object whole into an object holding `field`. */
function objectCopy(intake: Intake, field: string): { raw: string; place?: Place } | undefined {
  for (let dot = field.lastIndexOf('.'); dot > 0; dot = field.lastIndexOf('.', dot - 1)) {
    const holder = field.slice(0, dot);
    const raws = intake.sources.get(holder);
    if (!raws || raws.length === 0) continue;
    const raw = raws[0];
    return { raw: raw + field.slice(dot), place: intake.sourcePlaces?.get(holder)?.get(raw) };
  }
  return undefined;
}

function producer(intake: Intake, field: string, derived: readonly DerivedName[], ruleField: string): Producer {
  const viaDerived = derived.filter((d) => d.target === field);
  let copies: { raw: string; place?: Place }[] =
    viaDerived.length > 0
      ? viaDerived.map((d) => ({ raw: d.raw, place: copyPlace(intake, d.raw, d.target) }))
      : [...(intake.sourcePlaces?.get(field) ?? [])].map(([raw, place]) => ({ raw, place }));
  if (copies.length === 0) {
    const object = objectCopy(intake, field);
    if (object) copies = [object];
  }
  // The copy of the raw field the rule names first.
  const last = normaliseName(ruleField.slice(ruleField.lastIndexOf('.') + 1));
  const names = (raw: string) => normaliseName(raw.slice(raw.lastIndexOf('.') + 1)) === last;
  copies = [...copies.filter((c) => names(c.raw)), ...copies.filter((c) => !names(c.raw))];
  const place = intake.fieldPlaces?.get(field);
  return {
    field,
    origin: intake.fields.get(field)?.[0] ?? 'parser',
    ...(place ? { place } : {}),
    copies: copies.map((c) => (c.place ? c : { raw: c.raw })),
  };
}

function explainField(
  need: FieldNeed,
  intake: Intake,
  renaming: Renaming,
  derivedAllowed: boolean,
  logsource: Rule['logsource'],
): FieldExplanation {
  const found = carriers(intake, need, derivedAllowed, logsource);
  const derived =
    derivedAllowed && !need.names.some((n) => intake.fields.has(n))
      ? derivedNamesFor(intake, need.source, logsource)
      : [];
  const mapped =
    renaming.pipeline !== null && renaming.mapped(need.source) ? renaming.source?.(need.source) : undefined;
  return {
    field: need.source,
    names: need.names,
    via: via(need.source, renaming),
    ...(mapped ? { mapping: { pipeline: renaming.pipeline!, place: mapped } } : {}),
    present: found.length > 0,
    carriers: found,
    producers: found.map((f) => producer(intake, f, derived, need.source)),
    derived,
  };
}

function explainTest(
  t: NeededTest,
  intake: Intake,
  context: MatchContext,
  renaming: Renaming,
  derivedAllowed: boolean,
): TestExplanation {
  const L = booleanLattice(intake, context);
  const contradicts: TestExplanation['contradicts'] = [];
  if (t.compared && !L.values(t, true)) {
    for (const f of carriers(intake, t.compared, derivedAllowed, context.logsource)) {
      const constants = intake.constants.get(f);
      if (constants) contradicts.push({ field: f, constants });
    }
  }
  const key = [t.test.field, ...t.test.modifiers].join('|') || '(keyword)';
  return {
    test: key,
    values: t.test.values,
    fields: t.needs.map((n) => explainField(n, intake, renaming, derivedAllowed, context.logsource)),
    contradicts,
    canMatch: testCanMatch(L, t),
  };
}

function explainReading(needs: RuleNeeds, intake: Intake, context: MatchContext, mode: MatchMode) {
  const L = booleanLattice(intake, context);
  const derivedAllowed = context.features.derived && L.scope;
  const identifiers: IdentifierExplanation[] = [...needs.identifiers.values()].map((id) => {
    const alternatives = id.alternatives.map((alt) => {
      const tests = alt.tests.map((t) => explainTest(t, intake, context, needs.renaming, derivedAllowed));
      return { canMatch: alt.kind === 'keywords' || tests.every((t) => t.canMatch), tests };
    });
    const kinds = new Set(id.alternatives.map((a) => a.kind));
    return {
      name: id.name,
      kind: kinds.size > 1 ? 'mixed' : ([...kinds][0] ?? 'fields'),
      fields: [...new Set(id.alternatives.flatMap((a) => a.tests.flatMap((t) => t.needs.map((n) => n.source))))].sort(
        byCodePoint,
      ),
      alternatives,
      canMatch: alternatives.some((a) => a.canMatch),
    };
  });
  const applies = ruleCanMatch(L, needs, mode);
  const missing = [...needs.referenced, ...needs.always].filter((n) => !L.field(n)).map((n) => n.names[0]);
  const conditionTrue = needs.condition
    ? foldCondition<boolean>(needs.condition, {
        ref: (name) => identifiers.find((i) => i.name === name)?.canMatch ?? false,
        and: (items) => items.every(Boolean),
        or: (items) => items.some(Boolean),
        not: () => true,
      })
    : undefined;
  const sets = ruleCanMatch(missingLattice(intake, context), needs, mode);
  return { identifiers, applies, missing: [...new Set(missing)].sort(byCodePoint), conditionTrue, sets };
}

export function explainPair(rule: Rule, intake: Intake, catalog: Catalog, options: ExplainOptions): Explanation {
  const context: MatchContext = {
    logsource: rule.logsource,
    features: options.features ?? ALL_FEATURES,
    table: options.table,
  };
  const fit = logsourceFit(rule.logsource, intake, options.table);
  const readings = renamingsFor(rule.logsource, options.mapping).map((renaming) => {
    const needs = ruleNeeds(rule, renaming);
    return { renaming, needs, result: explainReading(needs, intake, context, options.mode) };
  });
  const chosen =
    readings.find((r) => r.result.applies) ??
    [...readings].sort((a, b) => a.result.missing.length - b.result.missing.length)[0];
  let byDetection = readings.some((r) => r.result.applies);
  let correlated: Explanation['correlated'];
  if (rule.kind === 'correlation') {
    correlated = (catalog.correlated.get(rule) ?? []).map((r) => ({
      title: r.title,
      applies: explainPair(r, intake, catalog, options).applies,
    }));
    byDetection = byDetection && correlated.some((c) => c.applies);
  }
  const explicit = (catalog.explicit.get(rule) ?? []).includes(intake);
  const missingSets: FieldSets = minimise(readings.flatMap((r) => r.result.sets)).filter(
    (s) => s.length > 0 || !byDetection,
  );
  return {
    rule: { id: rule.id, title: rule.title, file: rule.file, kind: rule.kind, logsource: rule.logsource },
    intake: { uuid: intake.uuid, name: intake.name },
    applies: byDetection || explicit,
    explicit,
    byDetection,
    reading: chosen.renaming.pipeline,
    readings: readings.map((r) => ({ pipeline: r.renaming.pipeline, applies: r.result.applies })),
    logsource: options.features?.logsource === false ? { fits: true, evidence: ['log sources not used'] } : fit,
    condition:
      rule.detection && chosen.result.conditionTrue !== undefined
        ? { text: formatCondition(rule.detection.condition), canBeTrue: chosen.result.conditionTrue }
        : undefined,
    identifiers: chosen.result.identifiers,
    missingFields: chosen.result.missing,
    missingSets: byDetection ? [] : missingSets.filter((s) => s.length > 0),
    correlated,
  };
}

/**
 * What matching did, for people and CI: rules that apply nowhere (with why),
 * Sigma fields the field mapping does not list, and the parser-derived
 * names that placed rules on intakes.
 */
import type { Catalog } from '../model/catalog.js';
import type { FieldMapping } from '../model/field-mapping.js';
import type { Rule } from '../model/rule.js';
import { isEmpty } from './bitset.js';
import { byCodePoint } from './coverage.js';
import {
  ALL_FEATURES,
  bitsetLattice,
  derivedNamesFor,
  fitSet,
  indexIntakes,
  type IntakeIndex,
  type MatchFeatures,
} from './intake-index.js';
import { logsourceFit, type LogsourceTable } from './logsource.js';
import type { CatalogMatch } from './match-catalog.js';
import { ruleNeeds, type FieldNeed } from './needs.js';
import { renamingsFor } from './renaming.js';

export interface UnmatchedRule {
  id: string;
  title: string;
  file: string;
  reason: string;
}

export interface UnmappedFields {
  id: string;
  title: string;
  file: string;
  /** Sigma fields no applicable pipeline lists (kept as written or prefixed). */
  fields: string[];
}

export interface DerivedUse {
  intake: string;
  name: string;
  /** rule field → ECS field, with the raw path and how many applying rules used it. */
  fields: { field: string; raw: string; target: string; rules: number }[];
}

export interface MatchReport {
  unmatched: UnmatchedRule[];
  unmapped: UnmappedFields[];
  derived: DerivedUse[];
}

interface ReportOptions {
  mapping?: FieldMapping;
  table: LogsourceTable;
  features?: MatchFeatures;
}

function allNeeds(rule: Rule, mapping: FieldMapping | undefined): FieldNeed[] {
  return renamingsFor(rule.logsource, mapping).flatMap((r) => ruleNeeds(rule, r).referenced);
}

/** Why a rule applies to no intake, in one line. */
function whyNowhere(rule: Rule, index: IntakeIndex, options: ReportOptions): string {
  const features = options.features ?? ALL_FEATURES;
  if (rule.kind === 'correlation') return 'none of the correlated rules applies where its group-by fields are produced';
  if (!rule.detection) return 'no detection to match and no intakes listed';
  if (features.logsource) {
    if (isEmpty(fitSet(index, rule.logsource, options.table))) {
      const ls = Object.entries(rule.logsource)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      return `its log source (${ls}) fits no intake`;
    }
  }
  const L = bitsetLattice(index, { logsource: rule.logsource, features, table: options.table });
  const missing = new Set<string>();
  for (const need of allNeeds(rule, options.mapping)) {
    if (isEmpty(L.meet(L.scope, L.field(need)))) missing.add(need.source);
  }
  if (missing.size > 0)
    return `no intake${features.logsource ? ' its log source fits' : ''} produces ${[...missing].sort(byCodePoint).join(', ')}`;
  return 'its fields are produced, but no intake produces a whole selection with values that can match';
}

export function reportMatch(catalog: Catalog, match: CatalogMatch, options: ReportOptions): MatchReport {
  const index = indexIntakes(catalog.intakes);
  const features = options.features ?? ALL_FEATURES;
  const unmatched: UnmatchedRule[] = [];
  const unmapped: UnmappedFields[] = [];
  const derived = new Map<string, Map<string, { field: string; raw: string; target: string; rules: number }>>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const intakes = match.intakesByRule.get(rule) ?? [];
    if (intakes.length === 0)
      unmatched.push({ id: rule.id, title: rule.title, file: rule.file, reason: whyNowhere(rule, index, options) });
    if (options.mapping && rule.detection) {
      const renamings = renamingsFor(rule.logsource, options.mapping);
      const fields = [...new Set(allNeeds(rule, undefined).map((n) => n.source))].filter(
        (f) => !renamings.some((r) => r.mapped(f)),
      );
      if (fields.length > 0)
        unmapped.push({ id: rule.id, title: rule.title, file: rule.file, fields: fields.sort(byCodePoint) });
    }
    if (!features.derived) continue;
    for (const intake of intakes) {
      if (features.logsource && !logsourceFit(rule.logsource, intake, options.table).fits) continue;
      for (const need of allNeeds(rule, options.mapping)) {
        if (need.names.some((n) => intake.fields.has(n))) continue;
        for (const d of derivedNamesFor(intake, need.source, rule.logsource)) {
          const perIntake = derived.get(intake.uuid) ?? new Map();
          derived.set(intake.uuid, perIntake);
          const key = `${need.source}\u0000${d.target}`;
          const entry = perIntake.get(key) ?? { field: need.source, raw: d.raw, target: d.target, rules: 0 };
          entry.rules++;
          perIntake.set(key, entry);
        }
      }
    }
  }
  return {
    unmatched,
    unmapped,
    derived: catalog.intakes
      .filter((i) => derived.has(i.uuid))
      .map((i) => ({
        intake: i.uuid,
        name: i.name,
        fields: [...derived.get(i.uuid)!.values()].sort(
          (a, b) => byCodePoint(a.field, b.field) || byCodePoint(a.target, b.target),
        ),
      })),
  };
}

/** Counts of unmatched rules by the first words of their reason, for a one-line summary. */
export function summarizeUnmatched(report: MatchReport): string {
  const counts = new Map<string, number>();
  for (const u of report.unmatched) {
    const kind = u.reason.startsWith('its log source')
      ? 'log source fits no intake'
      : u.reason.startsWith('no intake')
        ? 'fields not produced'
        : 'other';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

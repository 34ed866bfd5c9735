/**
 * How a rule's Sigma field names become the names intakes use, under a
 * field mapping. Each pipeline of the mapping that applies to the rule's log
 * source is one alternative reading of the rule (pipelines are alternatives,
 * not layers); with no applicable pipeline the names stay as written.
 *
 * Within a pipeline, an entry applies when every key of its log source equals
 * the rule's (absent keys match anything), directly or through `also_for`
 * (optionally after rewriting the rule's log source); for each field, the most
 * specific applicable entry wins (more log-source keys; on a tie, the later
 * entry). Unlisted fields get the pipeline's unmapped prefix, or stay as they are.
 */
import type { FieldMapping, MappingEntry } from '../model/field-mapping.js';
import type { LogSource } from '../model/rule.js';

export interface Renaming {
  /** Pipeline name, or null for "names as written". */
  pipeline: string | null;
  /** Target names for a Sigma field (several are alternatives). */
  targets(field: string): string[];
  /** Whether the pipeline lists the field (false: prefixed or unchanged). */
  mapped(field: string): boolean;
}

export const AS_WRITTEN: Renaming = { pipeline: null, targets: (f) => [f], mapped: () => false };

const KEYS = ['product', 'category', 'service'] as const;

export function logsourceMatches(condition: LogSource, rule: LogSource): boolean {
  return KEYS.every((k) => condition[k] === undefined || condition[k] === rule[k]);
}

function specificity(ls: LogSource): number {
  return KEYS.filter((k) => ls[k] !== undefined).length;
}

/** The log sources under which a pipeline reads a rule: its own, plus rewrites asked by `also_for`. */
function readingsOf(entries: readonly MappingEntry[], rule: LogSource): LogSource[] {
  const readings = [rule];
  for (const e of entries) {
    for (const a of e.alsoFor) if (a.rewrittenTo && logsourceMatches(a.when, rule)) readings.push(a.rewrittenTo);
  }
  return readings;
}

function applicableEntries(entries: readonly MappingEntry[], rule: LogSource): MappingEntry[] {
  const readings = readingsOf(entries, rule);
  return entries
    .filter(
      (e) =>
        readings.some((r) => logsourceMatches(e.logsource, r)) ||
        e.alsoFor.some((a) => !a.rewrittenTo && logsourceMatches(a.when, rule)),
    )
    .sort((a, b) => specificity(b.logsource) - specificity(a.logsource) || b.order - a.order);
}

function pipelineRenaming(pipeline: string, entries: MappingEntry[]): Renaming {
  const prefix = entries.find((e) => e.unmappedPrefix !== undefined)?.unmappedPrefix;
  const lookup = (field: string) => entries.find((e) => e.fields.has(field))?.fields.get(field);
  return {
    pipeline,
    targets: (field) => lookup(field) ?? [prefix !== undefined && !field.includes('.') ? prefix + field : field],
    mapped: (field) => lookup(field) !== undefined,
  };
}

const readingsCache = new WeakMap<FieldMapping, Map<string, Renaming[]>>();

/** Every reading of a rule's fields under the mapping (at least one); computed once per log source. */
export function renamingsFor(logsource: LogSource, mapping: FieldMapping | undefined): Renaming[] {
  if (!mapping) return [AS_WRITTEN];
  let byLogsource = readingsCache.get(mapping);
  if (!byLogsource) readingsCache.set(mapping, (byLogsource = new Map()));
  const key = `${logsource.product ?? ''}\u0000${logsource.category ?? ''}\u0000${logsource.service ?? ''}`;
  let readings = byLogsource.get(key);
  if (!readings) byLogsource.set(key, (readings = computeRenamings(logsource, mapping)));
  return readings;
}

function computeRenamings(logsource: LogSource, mapping: FieldMapping): Renaming[] {
  const out: Renaming[] = [];
  for (const pipeline of mapping.pipelines) {
    const entries = applicableEntries(
      mapping.entries.filter((e) => e.pipeline === pipeline),
      logsource,
    );
    if (entries.length > 0) out.push(pipelineRenaming(pipeline, entries));
  }
  return out.length > 0 ? out : [AS_WRITTEN];
}

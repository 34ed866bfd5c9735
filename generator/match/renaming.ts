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
 *
 * Field names are looked up exactly first; when no applicable entry lists the
 * name, an entry listing it in another case is used when exactly one does
 * (SigmaHQ spells some vendor names both ways, `ResultType`/`resultType`).
 *
 * pySigma steps (`chain`) are one more reading: each applicable step renames
 * what the steps before it produced.
 */
import type { Place } from '../diagnostics.js';
import type { ChainStep, FieldMapping, MappingEntry } from '../model/field-mapping.js';
import type { LogSource } from '../model/rule.js';

export interface Renaming {
  /** Pipeline name, or null for "names as written". */
  pipeline: string | null;
  /** Target names for a Sigma field (several are alternatives). */
  targets(field: string): string[];
  /** Whether the pipeline lists the field (false: prefixed or unchanged). */
  mapped(field: string): boolean;
  /** Where the entry renaming the field was written, when one does. */
  source?(field: string): Place | undefined;
}

export const AS_WRITTEN: Renaming = { pipeline: null, targets: (f) => [f], mapped: () => false };

const KEYS = ['product', 'category', 'service'] as const;

/** Log-source names are compared without case, as the log-source table compares them (Sigma writes them in lower case). */
export function logsourceMatches(condition: LogSource, rule: LogSource): boolean {
  return KEYS.every((k) => condition[k] === undefined || condition[k].toLowerCase() === rule[k]?.toLowerCase());
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

/** The entry listing `field` (most specific first), exactly or, failing that, in one other case only. */
function entryFor(entries: readonly MappingEntry[], field: string): { entry: MappingEntry; key: string } | undefined {
  const exact = entries.find((e) => e.fields.has(field));
  if (exact) return { entry: exact, key: field };
  const lower = field.toLowerCase();
  for (const entry of entries) {
    const keys = [...entry.fields.keys()].filter((k) => k.toLowerCase() === lower);
    if (keys.length === 1) return { entry, key: keys[0] };
    if (keys.length > 1) return undefined;
  }
  return undefined;
}

function pipelineRenaming(pipeline: string, entries: MappingEntry[]): Renaming {
  const prefix = entries.find((e) => e.unmappedPrefix !== undefined)?.unmappedPrefix;
  const found = new Map<string, { entry: MappingEntry; key: string } | undefined>();
  const lookup = (field: string) => {
    if (!found.has(field)) found.set(field, entryFor(entries, field));
    return found.get(field);
  };
  return {
    pipeline,
    targets: (field) => {
      const hit = lookup(field);
      return hit
        ? hit.entry.fields.get(hit.key)!
        : [prefix !== undefined && !field.includes('.') ? prefix + field : field];
    },
    mapped: (field) => lookup(field) !== undefined,
    source: (field) => {
      const hit = lookup(field);
      return hit?.entry.places.get(hit.key);
    },
  };
}

function stepApplies(step: ChainStep, logsource: LogSource): boolean {
  if (step.conditions.length === 0) return true;
  return step.conditionOp === 'or'
    ? step.conditions.some((c) => logsourceMatches(c, logsource))
    : step.conditions.every((c) => logsourceMatches(c, logsource));
}

/** What one step makes of a name: its targets, or the name unchanged. */
function applyStep(step: ChainStep, name: string): { key: string; targets: string[] } | undefined {
  if (step.kind === 'field_name_mapping') {
    const targets = step.mapping.get(name);
    return targets && { key: name, targets };
  }
  for (const [from, to] of step.mapping)
    if (name.startsWith(from)) return { key: from, targets: to.map((t) => t + name.slice(from.length)) };
  return undefined;
}

/** The reading of the pySigma steps that apply to the log source (undefined when none does). */
function chainRenaming(steps: readonly ChainStep[], logsource: LogSource): Renaming | undefined {
  const applicable = steps.filter((s) => stepApplies(s, logsource));
  if (applicable.length === 0) return undefined;
  const name = [...new Set(applicable.map((s) => s.pipeline))].join(' + ');
  const run = (field: string) => {
    let names = [field];
    let last: Place | undefined;
    for (const step of applicable) {
      names = names.flatMap((n) => {
        const out = applyStep(step, n);
        if (out) last = step.places.get(out.key);
        return out?.targets ?? [n];
      });
    }
    return { names: [...new Set(names)], last };
  };
  return {
    pipeline: name,
    targets: (f) => run(f).names,
    mapped: (f) => run(f).last !== undefined,
    source: (f) => run(f).last,
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
  const chain = mapping.chain && chainRenaming(mapping.chain, logsource);
  if (chain) out.push(chain);
  return out.length > 0 ? out : [AS_WRITTEN];
}

/**
 * A field-mapping file: Sigma field names → the names intakes use, per Sigma
 * log source, grouped in pipelines (the shape of sigma-ecs-mapping.yaml):
 *
 *   mappings:
 *     - pipeline: ecs_windows
 *       logsource: {product: windows, category: process_creation}
 *       also_for: [{category: firewall, rewritten_to: {product: zeek, service: conn}}]
 *       unmapped_fields: 'prefixed: winlog.event_data.<SigmaField>'   # or unmapped_prefix: winlog.event_data.
 *       fields: {CommandLine: process.command_line, dst: [destination.address, destination.ip]}
 */
import { error, type Diagnostic, type Place } from '../diagnostics.js';
import type { YamlDoc } from './source-doc.js';
import type { LogSource } from './rule.js';
import { isMap } from './yaml-values.js';

export interface AlsoFor {
  /** Rules with this log source also use the entry... */
  when: LogSource;
  /** ...after their log source is rewritten to this one (when given). */
  rewrittenTo?: LogSource;
}

export interface MappingEntry {
  pipeline: string;
  logsource: LogSource;
  alsoFor: AlsoFor[];
  /** Sigma field → target fields (several targets are alternatives; `*` in a target is a wildcard). */
  fields: Map<string, string[]>;
  /** Prefix put before Sigma fields this pipeline does not list (e.g. `winlog.event_data.`). */
  unmappedPrefix?: string;
  /** Position among the entries (later entries of equal specificity win). */
  order: number;
  /** Where each listed field was written (`file:line:col` of its key). */
  places: Map<string, Place>;
}

export interface FieldMapping {
  file: string;
  entries: MappingEntry[];
  /** Pipelines in order of first appearance. */
  pipelines: string[];
  /** pySigma processing pipelines, applied one after the other as one more reading (`sigma-pipeline.ts`). */
  chain?: ChainStep[];
}

/** One field-renaming transformation of a pySigma processing pipeline. */
export interface ChainStep {
  /** `<pipeline name>` or `<pipeline name>/<transformation id>`. */
  name: string;
  /** The pipeline's name. */
  pipeline: string;
  kind: 'field_name_mapping' | 'field_name_prefix_mapping';
  /** Field (or prefix) → targets (several: alternatives). */
  mapping: Map<string, string[]>;
  /** Log sources the step applies to: every one (`and`) or any one (`or`); empty: every rule. */
  conditions: LogSource[];
  conditionOp: 'and' | 'or';
  /** Where each mapped field (or prefix) was written. */
  places: Map<string, Place>;
}

function readLogSource(v: unknown): LogSource | undefined {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) return undefined;
  const out: LogSource = {};
  for (const key of ['product', 'category', 'service'] as const) {
    if (typeof v[key] === 'string') out[key] = v[key] as string;
    else if (v[key] !== undefined && v[key] !== null) return undefined;
  }
  return out;
}

/** `prefixed: winlog.event_data.<SigmaField>` in the free-text `unmapped_fields`, or `unmapped_prefix`. */
function readUnmappedPrefix(entry: Record<string, unknown>): string | undefined {
  if (typeof entry.unmapped_prefix === 'string') return entry.unmapped_prefix;
  if (typeof entry.unmapped_fields === 'string') {
    const m = /prefixed:\s*([\w.@-]*)<SigmaField>/.exec(entry.unmapped_fields);
    if (m) return m[1];
  }
  return undefined;
}

export function readFieldMapping(doc: YamlDoc, diagnostics: Diagnostic[]): FieldMapping {
  const mapping: FieldMapping = { file: doc.file, entries: [], pipelines: [] };
  const root = doc.value;
  const list = isMap(root) ? root.mappings : undefined;
  if (!Array.isArray(list)) {
    diagnostics.push(
      error(
        doc.place(isMap(root) && 'mappings' in root ? ['mappings'] : []),
        'mapping-type',
        'Unexpected value, expected "mappings:" with a list of {pipeline, logsource, fields}',
      ),
    );
    return mapping;
  }
  list.forEach((raw, i) => {
    const path = ['mappings', i];
    if (!isMap(raw)) {
      diagnostics.push(
        error(
          doc.place(path),
          'mapping-entry',
          'Unexpected value in "mappings", expected a map with pipeline, logsource and fields',
        ),
      );
      return;
    }
    const pipeline = typeof raw.pipeline === 'string' && raw.pipeline !== '' ? raw.pipeline : `(entry ${i + 1})`;
    const logsource = readLogSource(raw.logsource);
    if (!logsource) {
      diagnostics.push(
        error(
          doc.place([...path, 'logsource']),
          'mapping-logsource',
          'Unexpected "logsource", expected a map of product, category, service strings',
        ),
      );
      return;
    }
    const fields = new Map<string, string[]>();
    const places = new Map<string, Place>();
    if (!isMap(raw.fields)) {
      diagnostics.push(
        error(
          doc.place([...path, 'fields']),
          'mapping-fields',
          'Unexpected "fields", expected a map of Sigma field: target field (or list of target fields)',
        ),
      );
      return;
    }
    for (const [sigma, target] of Object.entries(raw.fields)) {
      const targets =
        typeof target === 'string'
          ? [target]
          : Array.isArray(target) && target.every((t) => typeof t === 'string')
            ? (target as string[])
            : undefined;
      if (!targets || targets.length === 0) {
        diagnostics.push(
          error(
            doc.place([...path, 'fields', sigma]),
            'mapping-target',
            `Unexpected target for "${sigma}", expected a field name or a list of field names`,
          ),
        );
        continue;
      }
      fields.set(sigma, targets);
      places.set(sigma, doc.place([...path, 'fields', sigma], 'key'));
    }
    const alsoFor: AlsoFor[] = [];
    if (Array.isArray(raw.also_for)) {
      raw.also_for.forEach((a, k) => {
        const when = isMap(a)
          ? readLogSource(Object.fromEntries(Object.entries(a).filter(([key]) => key !== 'rewritten_to')))
          : undefined;
        const rewrittenTo = isMap(a) && a.rewritten_to !== undefined ? readLogSource(a.rewritten_to) : undefined;
        if (!when || (isMap(a) && a.rewritten_to !== undefined && !rewrittenTo)) {
          diagnostics.push(
            error(
              doc.place([...path, 'also_for', k]),
              'mapping-also-for',
              'Unexpected "also_for" item, expected a log source with an optional rewritten_to log source',
            ),
          );
          return;
        }
        alsoFor.push({ when, rewrittenTo });
      });
    }
    if (!mapping.pipelines.includes(pipeline)) mapping.pipelines.push(pipeline);
    mapping.entries.push({
      pipeline,
      logsource,
      alsoFor,
      fields,
      unmappedPrefix: readUnmappedPrefix(raw),
      order: i,
      places,
    });
  });
  return mapping;
}

/**
 * Several mapping files read as one: entries keep their file order, files
 * their given order, so an entry of a later file wins over an equally
 * specific one of an earlier file in the same pipeline (a user file over the
 * shipped ones). pySigma steps are concatenated.
 */
export function mergeFieldMappings(mappings: readonly FieldMapping[]): FieldMapping | undefined {
  if (mappings.length === 0) return undefined;
  if (mappings.length === 1) return mappings[0];
  const merged: FieldMapping = { file: mappings.map((m) => m.file).join(', '), entries: [], pipelines: [] };
  for (const m of mappings) {
    for (const e of m.entries) merged.entries.push({ ...e, order: merged.entries.length });
    for (const p of m.pipelines) if (!merged.pipelines.includes(p)) merged.pipelines.push(p);
    if (m.chain) merged.chain = [...(merged.chain ?? []), ...m.chain];
  }
  return merged;
}

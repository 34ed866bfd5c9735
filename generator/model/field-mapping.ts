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
import { error, type Diagnostic } from '../diagnostics.js';
import type { YamlDoc } from './source-doc.js';
import type { LogSource } from './rule.js';

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
  /** Position in the file (later entries of equal specificity win). */
  order: number;
}

export interface FieldMapping {
  file: string;
  entries: MappingEntry[];
  /** Pipelines in order of first appearance. */
  pipelines: string[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
    diagnostics.push(error(doc.place(isMap(root) && 'mappings' in root ? ['mappings'] : []), 'mapping-type', 'Unexpected value, expected "mappings:" with a list of {pipeline, logsource, fields}'));
    return mapping;
  }
  list.forEach((raw, i) => {
    const path = ['mappings', i];
    if (!isMap(raw)) {
      diagnostics.push(error(doc.place(path), 'mapping-entry', 'Unexpected value in "mappings", expected a map with pipeline, logsource and fields'));
      return;
    }
    const pipeline = typeof raw.pipeline === 'string' && raw.pipeline !== '' ? raw.pipeline : `(entry ${i + 1})`;
    const logsource = readLogSource(raw.logsource);
    if (!logsource) {
      diagnostics.push(error(doc.place([...path, 'logsource']), 'mapping-logsource', 'Unexpected "logsource", expected a map of product, category, service strings'));
      return;
    }
    const fields = new Map<string, string[]>();
    if (!isMap(raw.fields)) {
      diagnostics.push(error(doc.place([...path, 'fields']), 'mapping-fields', 'Unexpected "fields", expected a map of Sigma field: target field (or list of target fields)'));
      return;
    }
    for (const [sigma, target] of Object.entries(raw.fields)) {
      const targets = typeof target === 'string' ? [target] : Array.isArray(target) && target.every((t) => typeof t === 'string') ? (target as string[]) : undefined;
      if (!targets || targets.length === 0) {
        diagnostics.push(error(doc.place([...path, 'fields', sigma]), 'mapping-target', `Unexpected target for "${sigma}", expected a field name or a list of field names`));
        continue;
      }
      fields.set(sigma, targets);
    }
    const alsoFor: AlsoFor[] = [];
    if (Array.isArray(raw.also_for)) {
      raw.also_for.forEach((a, k) => {
        const when = isMap(a) ? readLogSource(Object.fromEntries(Object.entries(a).filter(([key]) => key !== 'rewritten_to'))) : undefined;
        const rewrittenTo = isMap(a) && a.rewritten_to !== undefined ? readLogSource(a.rewritten_to) : undefined;
        if (!when || (isMap(a) && a.rewritten_to !== undefined && !rewrittenTo)) {
          diagnostics.push(error(doc.place([...path, 'also_for', k]), 'mapping-also-for', 'Unexpected "also_for" item, expected a log source with an optional rewritten_to log source'));
          return;
        }
        alsoFor.push({ when, rewrittenTo });
      });
    }
    if (!mapping.pipelines.includes(pipeline)) mapping.pipelines.push(pipeline);
    mapping.entries.push({ pipeline, logsource, alsoFor, fields, unmappedPrefix: readUnmappedPrefix(raw), order: i });
  });
  return mapping;
}

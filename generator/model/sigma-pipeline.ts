/**
 * A pySigma processing pipeline in its YAML form, read for what matching
 * needs: the field renamings. Sigma users keep their mappings this way:
 *
 *   name: Acme field mapping
 *   priority: 20
 *   transformations:
 *     - id: acme_windows
 *       type: field_name_mapping          # or field_name_prefix_mapping
 *       mapping: {CommandLine: process.command_line, Image: [process.executable, x.image]}
 *       rule_conditions:
 *         - {type: logsource, product: windows}
 *       rule_cond_op: and                 # default; or: any condition
 *
 * Pipelines run in ascending priority (ties: the order given), their steps in
 * order, each renaming what the previous steps produced. Other transformation
 * types (value changes, placeholders, queries…) do not rename fields: each is
 * reported once by name and skipped, as are steps with conditions other than
 * log sources (they cannot be decided without a backend).
 */
import { error, warning, type Diagnostic, type Place } from '../diagnostics.js';
import type { ChainStep, FieldMapping } from './field-mapping.js';
import type { LogSource } from './rule.js';
import type { YamlDoc, YamlPath } from './source-doc.js';
import { isMap } from './yaml-values.js';

export interface SigmaPipeline {
  name: string;
  priority: number;
  steps: ChainStep[];
}

const RENAMING = new Set(['field_name_mapping', 'field_name_prefix_mapping']);

function targetList(v: unknown): string[] | undefined {
  if (typeof v === 'string' && v !== '') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string' && t !== '')) return v as string[];
  return undefined;
}

/** The log-source conditions of a step; undefined (with a warning) when it has others. */
function readConditions(
  doc: YamlDoc,
  raw: Record<string, unknown>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): LogSource[] | undefined {
  const list = raw.rule_conditions;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    diagnostics.push(
      error(
        doc.place([...path, 'rule_conditions']),
        'pipeline-conditions',
        'Unexpected "rule_conditions", expected a list of conditions',
      ),
    );
    return undefined;
  }
  const out: LogSource[] = [];
  for (const [i, c] of list.entries()) {
    if (!isMap(c) || c.type !== 'logsource') {
      const type = isMap(c) && typeof c.type === 'string' ? c.type : 'unknown';
      diagnostics.push(
        warning(
          doc.place([...path, 'rule_conditions', i]),
          'pipeline-condition-skipped',
          `Condition type "${type}" cannot be decided without a backend, expected type logsource; this transformation is skipped`,
        ),
      );
      return undefined;
    }
    const ls: LogSource = {};
    for (const key of ['product', 'category', 'service'] as const)
      if (typeof c[key] === 'string') ls[key] = c[key] as string;
    out.push(ls);
  }
  return out;
}

/** Read one pipeline document. */
export function readSigmaPipeline(doc: YamlDoc, diagnostics: Diagnostic[]): SigmaPipeline | undefined {
  const root = doc.value;
  if (!isMap(root) || !Array.isArray(root.transformations)) {
    diagnostics.push(
      error(
        doc.place(isMap(root) && 'transformations' in root ? ['transformations'] : []),
        'pipeline-type',
        'Unexpected value, expected a pySigma processing pipeline (a map with "transformations": a list)',
      ),
    );
    return undefined;
  }
  const name = typeof root.name === 'string' && root.name !== '' ? root.name : doc.file;
  const priority = typeof root.priority === 'number' ? root.priority : 0;
  const steps: ChainStep[] = [];
  const skipped = new Set<string>();
  root.transformations.forEach((raw: unknown, i: number) => {
    const path = ['transformations', i];
    if (!isMap(raw) || typeof raw.type !== 'string') {
      diagnostics.push(
        error(doc.place(path), 'pipeline-transformation', 'Unexpected transformation, expected a map with a "type"'),
      );
      return;
    }
    if (!RENAMING.has(raw.type)) {
      if (!skipped.has(raw.type))
        diagnostics.push(
          warning(
            doc.place([...path, 'type']),
            'pipeline-transformation-skipped',
            `Transformation type "${raw.type}" does not rename fields; skipped (rulecat reads field_name_mapping and field_name_prefix_mapping)`,
          ),
        );
      skipped.add(raw.type);
      return;
    }
    if (!isMap(raw.mapping)) {
      diagnostics.push(
        error(
          doc.place([...path, 'mapping']),
          'pipeline-mapping',
          'Unexpected "mapping", expected a map of field: target field (or list of target fields)',
        ),
      );
      return;
    }
    const mapping = new Map<string, string[]>();
    const places = new Map<string, Place>();
    for (const [from, to] of Object.entries(raw.mapping)) {
      const targets = targetList(to);
      if (!targets) {
        diagnostics.push(
          error(
            doc.place([...path, 'mapping', from]),
            'pipeline-mapping',
            `Unexpected target for "${from}", expected a field name or a list of field names`,
          ),
        );
        continue;
      }
      mapping.set(from, targets);
      places.set(from, doc.place([...path, 'mapping', from], 'key'));
    }
    const conditions = readConditions(doc, raw, path, diagnostics);
    if (!conditions) return;
    const op = raw.rule_cond_op === 'or' ? 'or' : 'and';
    const id = typeof raw.id === 'string' && raw.id !== '' ? `${name}/${raw.id}` : name;
    steps.push({
      name: id,
      pipeline: name,
      kind: raw.type as ChainStep['kind'],
      mapping,
      conditions,
      conditionOp: op,
      places,
    });
  });
  return { name, priority, steps };
}

/** Pipelines as one chain of steps, in pySigma's order: ascending priority, then as given. */
export function chainOf(pipelines: readonly SigmaPipeline[], file: string): FieldMapping {
  const ordered = pipelines.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i);
  return { file, entries: [], pipelines: [], chain: ordered.flatMap(({ p }) => p.steps) };
}

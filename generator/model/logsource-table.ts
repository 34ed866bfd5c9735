/**
 * The log-source evidence table (see generator/data/logsources.yaml): read,
 * checked, and merged with a configuration override.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { YamlDoc, YamlPath } from './source-doc.js';
import type { Scalar } from './detection.js';

/** One piece of evidence that an intake carries a log source (every key given must hold). */
export interface EvidenceItem {
  module?: string[];
  intake?: string;
  dataSource?: string[];
  constant?: Record<string, Scalar | Scalar[]>;
  anyField?: string[];
  allFields?: string[];
  unless?: EvidenceItem;
}

export interface LogsourceTable {
  products: Record<string, EvidenceItem[]>;
  services: Record<string, EvidenceItem[]>;
  categories: Record<string, EvidenceItem[]>;
}

const SECTIONS = ['products', 'services', 'categories'] as const;
const ITEM_KEYS = new Set(['module', 'intake', 'dataSource', 'constant', 'anyField', 'allFields', 'unless']);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function readItem(doc: YamlDoc, raw: unknown, path: YamlPath, diagnostics: Diagnostic[]): EvidenceItem | undefined {
  const bad = (p: YamlPath, expected: string) => {
    diagnostics.push(error(doc.place(p), 'logsource-table', `Unexpected value, expected ${expected}`));
    return undefined;
  };
  if (!isMap(raw))
    return bad(path, 'an evidence item (a map of module, intake, dataSource, constant, anyField, allFields, unless)');
  const item: EvidenceItem = {};
  for (const [key, value] of Object.entries(raw)) {
    const p = [...path, key];
    if (!ITEM_KEYS.has(key)) return bad(p, `one of: ${[...ITEM_KEYS].join(', ')}`);
    if (key === 'intake') {
      if (typeof value !== 'string') return bad(p, 'a regular expression');
      try {
        new RegExp(value, 'i');
      } catch {
        return bad(p, 'a valid regular expression');
      }
      item.intake = value;
    } else if (key === 'constant') {
      if (!isMap(value)) return bad(p, 'a map of field: value');
      item.constant = value as EvidenceItem['constant'];
    } else if (key === 'unless') {
      const inner = readItem(doc, value, p, diagnostics);
      if (!inner) return undefined;
      item.unless = inner;
    } else {
      const list = typeof value === 'string' ? [value] : value;
      if (!isStringList(list)) return bad(p, 'a list of names');
      item[key as 'module' | 'dataSource' | 'anyField' | 'allFields'] = list;
    }
  }
  return item;
}

export function readLogsourceTable(doc: YamlDoc, diagnostics: Diagnostic[]): LogsourceTable {
  const table: LogsourceTable = { products: {}, services: {}, categories: {} };
  const root = doc.value ?? {};
  if (!isMap(root)) {
    diagnostics.push(
      error(
        doc.place([]),
        'logsource-table',
        'Unexpected value at top level, expected products, services and categories',
      ),
    );
    return table;
  }
  for (const section of SECTIONS) {
    const entries = root[section];
    if (entries === undefined || entries === null) continue;
    if (!isMap(entries)) {
      diagnostics.push(
        error(
          doc.place([section]),
          'logsource-table',
          `Unexpected value for "${section}", expected a map of name: [evidence items]`,
        ),
      );
      continue;
    }
    for (const [name, items] of Object.entries(entries)) {
      if (!Array.isArray(items)) {
        diagnostics.push(
          error(
            doc.place([section, name]),
            'logsource-table',
            `Unexpected value for "${section}.${name}", expected a list of evidence items`,
          ),
        );
        continue;
      }
      const read = items.map((it, i) => readItem(doc, it, [section, name, i], diagnostics));
      if (read.every((x): x is EvidenceItem => x !== undefined)) table[section][name] = read;
    }
  }
  return table;
}

/** Entries of `override` replace the entries of `base` with the same name. */
export function mergeLogsourceTables(base: LogsourceTable, override: LogsourceTable): LogsourceTable {
  return {
    products: { ...base.products, ...override.products },
    services: { ...base.services, ...override.services },
    categories: { ...base.categories, ...override.categories },
  };
}

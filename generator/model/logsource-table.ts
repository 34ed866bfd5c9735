/**
 * The log-source evidence table (see generator/data/logsources.yaml): read,
 * checked, and merged with a configuration override.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { YamlDoc, YamlPath } from './source-doc.js';
import type { Scalar } from './detection.js';
import { isMap } from './yaml-values.js';

/** Values the intake writes in some fields (parser constants or test-event values) that match a pattern. */
export interface ValueEvidence {
  /** Field names; `prefix.*` is any field below prefix. */
  fields: string[];
  /** Case-insensitive regular expression a value must match. */
  match: string;
  /** Distinct matching values needed (default 1). */
  atLeast?: number;
  /** Every value the parser can write in one of the fields matches (the field is a constant): the whole intake is such. */
  only?: boolean;
}

/** One piece of evidence that an intake carries a log source (every key given must hold). */
export interface EvidenceItem {
  module?: string[];
  intake?: string;
  description?: string;
  dataSource?: string[];
  constant?: Record<string, Scalar | Scalar[]>;
  value?: ValueEvidence[];
  anyField?: string[];
  allFields?: string[];
  /** Kinds (entries of `kinds`) the intake must be, all of them. */
  kind?: string[];
  /** The item does not hold when one of these holds. */
  unless?: EvidenceItem[];
}

export interface LogsourceTable {
  /** Named kinds of intake (a web proxy, a Linux endpoint...), used by `kind:` in other entries. */
  kinds?: Record<string, EvidenceItem[]>;
  products: Record<string, EvidenceItem[]>;
  services: Record<string, EvidenceItem[]>;
  categories: Record<string, EvidenceItem[]>;
}

const SECTIONS = ['kinds', 'products', 'services', 'categories'] as const;
const ITEM_KEYS = [
  'module',
  'intake',
  'description',
  'dataSource',
  'constant',
  'value',
  'anyField',
  'allFields',
  'kind',
  'unless',
];
const VALUE_KEYS = ['fields', 'match', 'atLeast', 'only'];

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function validRegex(source: unknown): source is string {
  if (typeof source !== 'string') return false;
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Sigma writes log-source names as lower-case identifiers; rulecat compares them without case. */
export const logsourceName = (name: string) => name.toLowerCase();

function readItem(doc: YamlDoc, raw: unknown, path: YamlPath, diagnostics: Diagnostic[]): EvidenceItem | undefined {
  const bad = (p: YamlPath, expected: string) => {
    diagnostics.push(error(doc.place(p), 'logsource-table', `Unexpected value, expected ${expected}`));
    return undefined;
  };
  if (!isMap(raw)) return bad(path, `an evidence item (a map of ${ITEM_KEYS.join(', ')})`);
  const item: EvidenceItem = {};
  for (const [key, value] of Object.entries(raw)) {
    const p = [...path, key];
    if (!ITEM_KEYS.includes(key)) return bad(p, `one of: ${ITEM_KEYS.join(', ')}`);
    if (key === 'intake' || key === 'description') {
      if (!validRegex(value)) return bad(p, 'a valid regular expression');
      item[key] = value;
    } else if (key === 'constant') {
      if (!isMap(value)) return bad(p, 'a map of field: value');
      item.constant = value as EvidenceItem['constant'];
    } else if (key === 'value') {
      const list = Array.isArray(value) ? value : [value];
      const read: ValueEvidence[] = [];
      for (const [k, v] of list.entries()) {
        const q = Array.isArray(value) ? [...p, k] : p;
        const expected = 'a map of fields (names), match (a regular expression), atLeast (a count) and only (true)';
        if (!isMap(v) || Object.keys(v).some((x) => !VALUE_KEYS.includes(x))) return bad(q, expected);
        const fields = typeof v.fields === 'string' ? [v.fields] : v.fields;
        if (!isStringList(fields) || fields.length === 0) return bad([...q, 'fields'], 'a list of field names');
        if (!validRegex(v.match)) return bad([...q, 'match'], 'a valid regular expression');
        if (v.atLeast !== undefined && !(Number.isInteger(v.atLeast) && (v.atLeast as number) >= 1))
          return bad([...q, 'atLeast'], 'a whole number of at least 1');
        if (v.only !== undefined && typeof v.only !== 'boolean') return bad([...q, 'only'], 'true or false');
        read.push({
          fields,
          match: v.match,
          ...(v.atLeast === undefined ? {} : { atLeast: v.atLeast as number }),
          ...(v.only ? { only: true } : {}),
        });
      }
      item.value = read;
    } else if (key === 'unless') {
      const list = Array.isArray(value) ? value : [value];
      const read: EvidenceItem[] = [];
      for (const [k, v] of list.entries()) {
        const inner = readItem(doc, v, Array.isArray(value) ? [...p, k] : p, diagnostics);
        if (!inner) return undefined;
        read.push(inner);
      }
      item.unless = read;
    } else {
      const list = typeof value === 'string' ? [value] : value;
      if (!isStringList(list)) return bad(p, 'a list of names');
      item[key as 'module' | 'dataSource' | 'anyField' | 'allFields' | 'kind'] = list;
    }
  }
  return item;
}

export function readLogsourceTable(doc: YamlDoc, diagnostics: Diagnostic[]): LogsourceTable {
  const table: LogsourceTable = { kinds: {}, products: {}, services: {}, categories: {} };
  const root = doc.value ?? {};
  if (!isMap(root)) {
    diagnostics.push(
      error(
        doc.place([]),
        'logsource-table',
        'Unexpected value at top level, expected kinds, products, services and categories',
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
      if (read.every((x): x is EvidenceItem => x !== undefined))
        table[section]![section === 'kinds' ? name : logsourceName(name)] = read;
    }
  }
  return table;
}

/** Entries of `override` replace the entries of `base` with the same name. */
export function mergeLogsourceTables(base: LogsourceTable, override: LogsourceTable): LogsourceTable {
  return {
    kinds: { ...base.kinds, ...override.kinds },
    products: { ...base.products, ...override.products },
    services: { ...base.services, ...override.services },
    categories: { ...base.categories, ...override.categories },
  };
}

/**
 * Problems of a whole (merged) table: kinds that are used but defined
 * nowhere, and kinds defined through themselves. Such a kind holds for no
 * intake.
 */
export function logsourceTableProblems(table: LogsourceTable): string[] {
  const kinds = table.kinds ?? {};
  const problems: string[] = [];
  const usedIn = (items: readonly EvidenceItem[]): string[] =>
    items.flatMap((it) => [...(it.kind ?? []), ...usedIn(it.unless ?? [])]);
  for (const section of SECTIONS) {
    for (const [name, items] of Object.entries(table[section] ?? {})) {
      for (const k of usedIn(items))
        if (!Object.hasOwn(kinds, k)) problems.push(`${section}.${name} uses kind "${k}", which is not defined`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (k: string, trail: string[]) => {
    if (state.get(k) === 'done' || !Object.hasOwn(kinds, k)) return;
    if (state.get(k) === 'visiting') {
      problems.push(`kind "${k}" is defined through itself (${[...trail.slice(trail.indexOf(k)), k].join(' → ')})`);
      return;
    }
    state.set(k, 'visiting');
    for (const used of usedIn(kinds[k])) visit(used, [...trail, k]);
    state.set(k, 'done');
  };
  for (const k of Object.keys(kinds)) visit(k, []);
  return [...new Set(problems)];
}

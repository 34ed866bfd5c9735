/**
 * The `detection` section of a Sigma rule: search identifiers (maps of field
 * tests, lists of maps, keyword lists) and the condition that combines them.
 */
import { error, warning, type Diagnostic, type Place } from '../diagnostics.js';
import { regexFlags, sigmaRegex } from './sigma-regex.js';
import type { YamlDoc, YamlPath } from './source-doc.js';
import { parseCondition, resolveCondition, type Condition } from './condition.js';

export type Scalar = string | number | boolean | null;

/** `field|mod1|mod2: values` — field is '' for a field-less test such as `'|all': [...]`. */
export interface FieldTest {
  field: string;
  modifiers: string[];
  values: Scalar[];
  place: Place;
}

/** One way for an identifier to match: all its field tests, or any of its keywords. */
export type Alternative = { kind: 'fields'; tests: FieldTest[] } | { kind: 'keywords'; values: Scalar[] };

export interface SearchIdentifier {
  name: string;
  /** The identifier matches when any alternative matches. */
  alternatives: Alternative[];
  place: Place;
}

export interface Detection {
  identifiers: SearchIdentifier[];
  /** The combined condition (a list of conditions is their `or`). */
  condition: Condition;
  conditionText: string;
}

/** Modifiers of Sigma specification v2 (value, type, regular-expression flags and time parts). */
export const KNOWN_MODIFIERS: ReadonlySet<string> = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'exists',
  'cased',
  'neq',
  'base64',
  'base64offset',
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'windash',
  're',
  'i',
  'm',
  's',
  'cidr',
  'expand',
  'fieldref',
  'lt',
  'lte',
  'gt',
  'gte',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);

const RESERVED = new Set(['condition', 'timeframe']);

function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readFieldTests(
  doc: YamlDoc,
  map: Record<string, unknown>,
  path: YamlPath,
  diagnostics: Diagnostic[],
): FieldTest[] {
  const tests: FieldTest[] = [];
  for (const [key, raw] of Object.entries(map)) {
    const [field, ...modifiers] = key.split('|');
    const place = doc.place([...path, key], 'key');
    for (const m of modifiers) {
      if (!KNOWN_MODIFIERS.has(m)) {
        diagnostics.push(
          error(
            place,
            'unknown-modifier',
            `Unknown modifier "${m}" in "${key}", expected one of: ${[...KNOWN_MODIFIERS].join(', ')}`,
          ),
        );
      }
    }
    const values = Array.isArray(raw) ? raw : [raw];
    const scalars: Scalar[] = [];
    const regex = modifiers.includes('re') ? regexFlags(modifiers) : undefined;
    values.forEach((v, i) => {
      const where = Array.isArray(raw) ? [...path, key, i] : [...path, key];
      if (isScalar(v)) {
        scalars.push(v);
        // A pattern RE2 cannot run is reported here, once per rule (matching then treats it as able to match).
        const compiled = regex && v !== null ? sigmaRegex(String(v), regex) : undefined;
        if (compiled && !compiled.ok) diagnostics.push(warning(doc.place(where), compiled.code, compiled.message));
      } else {
        diagnostics.push(
          error(
            doc.place(where),
            'detection-value',
            `Unexpected ${Array.isArray(v) ? 'list' : 'map'} as value of "${key}", expected a string, number, boolean or null`,
          ),
        );
      }
    });
    tests.push({ field, modifiers, values: scalars, place });
  }
  return tests;
}

function readIdentifier(
  doc: YamlDoc,
  name: string,
  raw: unknown,
  path: YamlPath,
  diagnostics: Diagnostic[],
): SearchIdentifier {
  const place = doc.place(path, 'key');
  const alternatives: Alternative[] = [];
  if (isPlainMap(raw)) {
    alternatives.push({ kind: 'fields', tests: readFieldTests(doc, raw, path, diagnostics) });
  } else if (Array.isArray(raw)) {
    const keywords: Scalar[] = [];
    raw.forEach((item, i) => {
      if (isPlainMap(item))
        alternatives.push({ kind: 'fields', tests: readFieldTests(doc, item, [...path, i], diagnostics) });
      else if (isScalar(item)) keywords.push(item);
      else
        diagnostics.push(
          error(
            doc.place([...path, i]),
            'detection-value',
            `Unexpected nested list in search identifier "${name}", expected a map or a keyword`,
          ),
        );
    });
    if (keywords.length > 0) alternatives.push({ kind: 'keywords', values: keywords });
  } else if (typeof raw === 'string' || typeof raw === 'number') {
    alternatives.push({ kind: 'keywords', values: [raw] });
  } else {
    diagnostics.push(
      error(
        doc.place(path),
        'detection-identifier',
        `Unexpected ${raw === null ? 'empty value' : typeof raw} for search identifier "${name}", expected a map of field tests or a list`,
      ),
    );
  }
  return { name, alternatives, place };
}

/** Read `detection` (also used for the selections of filter rules). */
export function readDetection(
  doc: YamlDoc,
  raw: unknown,
  path: YamlPath,
  diagnostics: Diagnostic[],
): Detection | undefined {
  if (!isPlainMap(raw)) {
    diagnostics.push(
      error(
        doc.place(path),
        'detection-type',
        `Unexpected ${raw === null ? 'empty value' : Array.isArray(raw) ? 'list' : typeof raw} for "${path.join('.')}", expected a map of search identifiers and a condition`,
      ),
    );
    return undefined;
  }
  const identifiers: SearchIdentifier[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (RESERVED.has(name)) continue;
    identifiers.push(readIdentifier(doc, name, value, [...path, name], diagnostics));
  }
  const rawCondition = raw.condition;
  const conditionPath = [...path, 'condition'];
  const texts: { text: string; path: YamlPath }[] = [];
  if (typeof rawCondition === 'string') texts.push({ text: rawCondition, path: conditionPath });
  else if (Array.isArray(rawCondition) && rawCondition.length > 0 && rawCondition.every((c) => typeof c === 'string')) {
    rawCondition.forEach((text, i) => texts.push({ text, path: [...conditionPath, i] }));
  } else {
    const where = rawCondition === undefined ? doc.place(path, 'key') : doc.place(conditionPath);
    diagnostics.push(
      error(
        where,
        'condition-missing',
        rawCondition === undefined
          ? `Missing "condition" in "${path.join('.')}", expected a condition string`
          : 'Unexpected value for "condition", expected a string or a list of strings',
      ),
    );
    return undefined;
  }
  const parts: Condition[] = [];
  for (const { text, path: p } of texts) {
    const { condition, problem } = parseCondition(text);
    if (problem) {
      diagnostics.push(error(doc.textPlace(p, problem.offset), 'condition-syntax', problem.message));
      continue;
    }
    const resolved = resolveCondition(
      condition!,
      identifiers.map((i) => i.name),
    );
    for (const message of resolved.problems) diagnostics.push(error(doc.place(p), 'condition-identifier', message));
    parts.push(resolved.condition);
  }
  if (parts.length !== texts.length) return undefined;
  const condition: Condition = parts.length === 1 ? parts[0] : { kind: 'or', items: parts };
  return { identifiers, condition, conditionText: texts.map((t) => t.text).join(' | ') };
}

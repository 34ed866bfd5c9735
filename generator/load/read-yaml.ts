/**
 * YAML → plain values, keeping where every key and value came from so that
 * model errors can say `rules/x.yml:12:3`.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { error, type Diagnostic, type Place } from '../diagnostics.js';

export type YamlPath = readonly (string | number)[];

/** One YAML document: its plain value and the places of its nodes. */
export interface YamlDoc {
  file: string;
  value: unknown;
  /** Place of the value at `path` (or of its key), falling back to the nearest known ancestor. */
  place(path: YamlPath, of?: 'key' | 'value'): Place;
  /** Place of the character at `offset` inside the string value at `path`. */
  textPlace(path: YamlPath, offset: number): Place;
}

export interface YamlLimits {
  /** Upper bound on values produced by one document (alias bombs expand far beyond it). */
  maxValues: number;
}

export const defaultYamlLimits: YamlLimits = { maxValues: 1_000_000 };

class TooManyValues extends Error {}

const SEP = '\u0000';

/** Each step prefixed by a separator: the root is '', `a.b` is '\0a\0b'. */
function pathKey(path: YamlPath): string {
  let out = '';
  for (const step of path) out += SEP + step;
  return out;
}

function keyToString(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/** Parse every document of a YAML text. Syntax problems become diagnostics, never exceptions. */
export function readYamlDocs(
  file: string,
  text: string,
  limits: YamlLimits = defaultYamlLimits,
): { docs: YamlDoc[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const at = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const documents = Array.isArray(parsed) ? parsed : [];
  const docs: YamlDoc[] = [];
  for (const doc of documents) {
    for (const e of doc.errors) {
      diagnostics.push(error(at(e.pos[0]), 'yaml-syntax', `Invalid YAML: ${firstLine(e.message)}`));
    }
    if (doc.errors.length > 0) continue;
    const offsets = new Map<string, number>();
    const keyOffsets = new Map<string, number>();
    const scalarTypes = new Map<string, string>();
    let budget = limits.maxValues;
    const convert = (node: unknown, k: string, depth: number): unknown => {
      if (--budget < 0 || depth > 200) throw new TooManyValues();
      if (isAlias(node)) {
        const target = node.resolve(doc);
        return target === undefined ? null : convert(target, k, depth + 1);
      }
      const range = (node as Node | null)?.range;
      if (range && !offsets.has(k)) offsets.set(k, range[0]);
      if (isMap(node)) {
        const out: Record<string, unknown> = Object.create(null);
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const key = keyToString(pair.key);
          const childKey = k + SEP + key;
          if (isScalar(pair.key) && pair.key.range) keyOffsets.set(childKey, pair.key.range[0]);
          out[key] = convert(pair.value, childKey, depth + 1);
        }
        return out;
      }
      if (isSeq(node)) return node.items.map((item, i) => convert(item, k + SEP + i, depth + 1));
      if (isScalar(node)) {
        if (node.type && node.type !== 'PLAIN') scalarTypes.set(k, node.type);
        return node.value;
      }
      return node == null ? null : node;
    };
    let value: unknown;
    try {
      value = convert(doc.contents, '', 0);
    } catch (e) {
      if (!(e instanceof TooManyValues)) throw e;
      diagnostics.push(
        error(
          at(0),
          'yaml-too-large',
          `YAML document expands to more than ${limits.maxValues} values or nests deeper than 200 levels (alias bomb?), expected a plain document`,
        ),
      );
      continue;
    }
    const place = (path: YamlPath, of: 'key' | 'value' = 'value'): Place => {
      for (let n = path.length; n >= 0; n--) {
        const k = pathKey(path.slice(0, n));
        const offset = (of === 'key' && n === path.length ? keyOffsets.get(k) : undefined) ?? offsets.get(k);
        if (offset !== undefined) return at(offset);
      }
      return { file, line: 1, col: 1 };
    };
    const textPlace = (path: YamlPath, offset: number): Place => {
      const start = offsets.get(pathKey(path));
      if (start === undefined) return place(path);
      const type = scalarTypes.get(pathKey(path));
      const str = String(valueAt(value, path) ?? '');
      const before = str.slice(0, offset).split('\n');
      if (type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') {
        const header = at(start);
        const firstContent = text.indexOf('\n', start) + 1;
        const indent = /^[ ]*/.exec(text.slice(firstContent))![0].length;
        return { file, line: header.line + before.length, col: indent + before[before.length - 1].length + 1 };
      }
      const quoted = type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE' ? 1 : 0;
      const p = at(start + quoted);
      return before.length === 1 ? { ...p, col: p.col + offset } : { ...p, line: p.line + before.length - 1, col: before[before.length - 1].length + 1 };
    };
    docs.push({ file, value, place, textPlace });
  }
  return { docs, diagnostics };
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v: unknown = root;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

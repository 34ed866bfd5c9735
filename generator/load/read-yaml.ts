/**
 * YAML → plain values, keeping where every key and value came from so that
 * model errors can say `rules/x.yml:12:3`.
 */
import {
  Composer,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  Parser,
  visit,
  type CST,
  type Document,
  type Node,
} from 'yaml';
import { error, type Diagnostic, type Place } from '../diagnostics.js';
import type { YamlDoc, YamlPath } from '../model/source-doc.js';

export type { YamlDoc, YamlPath };

export interface YamlLimits {
  /** Upper bound on the values aliases expand to in one document (alias bombs expand far beyond it). */
  maxAliasValues: number;
  /** Upper bound on nesting (checked before composing, so a deep document cannot exhaust the stack). */
  maxDepth: number;
  /** Upper bound on YAML tokens in one text (memory grows ~1 kB per token while parsing). */
  maxTokens: number;
}

export const defaultYamlLimits: YamlLimits = { maxAliasValues: 100_000, maxDepth: 200, maxTokens: 1_000_000 };

/** True when `text` has more than `max` YAML tokens (a token takes at least one character: short texts are never counted). */
function hasMoreTokens(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let n = 0;
  for (const _ of new Lexer().lex(text)) if (++n > max) return true;
  return false;
}

class TooLarge extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Deepest nesting of collections in parsed (not yet composed) documents, found without recursion. */
function deepest(tokens: readonly CST.Token[]): { depth: number; offset: number } {
  let best = { depth: 0, offset: 0 };
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (depth > best.depth) best = { depth, offset: token.offset };
    if (token.type === 'document') stack.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) stack.push([item.key ?? undefined, depth + 1], [item.value, depth + 1]);
    }
  }
  return best;
}

/** The node each alias refers to: the last node with its anchor before it, in document order (as YAML defines). */
function aliasTargets(doc: Document.Parsed): Map<unknown, unknown> {
  const targets = new Map<unknown, unknown>();
  const anchors = new Map<string, unknown>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

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
  if (hasMoreTokens(text, limits.maxTokens)) {
    const message = `YAML text has more than ${limits.maxTokens} tokens, expected a smaller file (split it)`;
    return { docs: [], diagnostics: [error({ file, line: 1, col: 1 }, 'yaml-too-large', message)] };
  }
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = deepest(tokens);
  if (tooDeep.depth > limits.maxDepth) {
    const message = `YAML nests deeper than ${limits.maxDepth} levels, expected a shallower document`;
    return { docs: [], diagnostics: [error(at(tooDeep.offset), 'yaml-too-deep', message)] };
  }
  const documents = [...new Composer({ prettyErrors: false, uniqueKeys: true, strict: true }).compose(tokens)];
  const docs: YamlDoc[] = [];
  for (const doc of documents) {
    for (const e of doc.errors) {
      diagnostics.push(error(at(e.pos[0]), 'yaml-syntax', `Invalid YAML: ${firstLine(e.message)}`));
    }
    if (doc.errors.length > 0) continue;
    const offsets = new Map<string, number>();
    const keyOffsets = new Map<string, number>();
    const scalarTypes = new Map<string, string>();
    let budget = limits.maxAliasValues;
    // Aliases need an anchor (`&name`) before them: without `&` in the text there is nothing to resolve.
    const targets = text.includes('&') ? aliasTargets(doc) : new Map<unknown, unknown>();
    const unresolved: Diagnostic[] = [];
    const convert = (node: unknown, k: string, depth: number, viaAlias: boolean, alias: number): unknown => {
      if (depth > limits.maxDepth) {
        throw new TooLarge(
          alias,
          `YAML aliases nest deeper than ${limits.maxDepth} levels (an alias refers to itself?), expected a finite document`,
        );
      }
      if (viaAlias && --budget < 0) {
        throw new TooLarge(
          alias,
          `YAML aliases expand to more than ${limits.maxAliasValues} values (an alias bomb?), expected a document that is not inflated by aliases`,
        );
      }
      if (isAlias(node)) {
        const target = targets.get(node);
        if (target === undefined) {
          const message = `Unknown alias "*${node.source}", expected an anchor "&${node.source}" defined before it`;
          unresolved.push(error(at(node.range?.[0] ?? 0), 'yaml-alias', message));
          return null;
        }
        return convert(target, k, depth + 1, true, viaAlias ? alias : (node.range?.[0] ?? 0));
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
          out[key] = convert(pair.value, childKey, depth + 1, viaAlias, alias);
        }
        return out;
      }
      if (isSeq(node)) return node.items.map((item, i) => convert(item, k + SEP + i, depth + 1, viaAlias, alias));
      if (isScalar(node)) {
        if (node.type && node.type !== 'PLAIN') scalarTypes.set(k, node.type);
        return node.value;
      }
      return node == null ? null : node;
    };
    let value: unknown;
    try {
      value = convert(doc.contents, '', 0, false, 0);
    } catch (e) {
      if (!(e instanceof TooLarge)) throw e;
      diagnostics.push(error(at(e.offset), 'yaml-too-large', e.message));
      continue;
    }
    if (unresolved.length > 0) {
      diagnostics.push(...unresolved);
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
      return before.length === 1
        ? { ...p, col: p.col + offset }
        : { ...p, line: p.line + before.length - 1, col: before[before.length - 1].length + 1 };
    };
    docs.push({ file, value, place, textPlace });
  }
  return { docs, diagnostics };
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v: unknown = root;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

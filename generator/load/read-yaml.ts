/**
 * YAML → plain values, with the place of every key and value for messages
 * such as `rules/x.yml:12:3`.
 *
 * Two parsers, one meaning. A text is parsed by js-yaml (fast, no
 * positions) with the YAML 1.2 core schema as the `yaml` package applies
 * it; where js-yaml could read a text differently from the `yaml` package,
 * or the text has a problem, the `yaml` package parses it with positions
 * (`positioned`): anchors and aliases (alias limits, merge keys), explicit
 * tags, complex or explicit keys, directives, a `<<` key, anything js-yaml
 * refuses, anything beyond the limits. The places of a document js-yaml read
 * are lazy (`SourcePlace`): the first one read parses its file again with
 * positions, so only files that get a diagnostic pay for positions. Both
 * parsers are checked against each other on every YAML file of the
 * reference corpora and on generated texts (`read-yaml.test.ts`).
 *
 * Merge keys (`<<: *base`, `<<: [*a, *b]`) are honoured the way PyYAML (and
 * so pySigma) reads them: the mapping's own keys win over merged ones, an
 * earlier map of a merged list over a later one; merged values keep the
 * places where they were written.
 */
import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type * as YamlPackage from 'yaml';
import type { CST, Document, Node, Scalar } from 'yaml';
import { error, type Diagnostic, type Place } from '../diagnostics.js';
import { placeRef, readPlaceRef, SourcePlace, type Locator, type YamlDoc, type YamlPath } from '../model/source-doc.js';

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

// ---- the fast reading: js-yaml, no positions --------------------------------

/** Plain scalars of the YAML 1.2 core schema, tested in the order the `yaml` package tests them. */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_SPECIAL = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** Whether a non-string plain scalar can start with this character: `-+.0-9~nNtTfF`. */
function maybeNotText(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || // -
    c === 0x2b || // +
    c === 0x2e || // .
    c === 0x7e || // ~
    c === 0x6e || // n
    c === 0x4e || // N
    c === 0x74 || // t
    c === 0x54 || // T
    c === 0x66 || // f
    c === 0x46 // F
  );
}

function coreScalar(s: string): { value: unknown } | undefined {
  if (s !== '' && !maybeNotText(s.charCodeAt(0))) return undefined;
  if (NULL.test(s)) return { value: null };
  if (BOOL.test(s)) return { value: s[0] === 't' || s[0] === 'T' };
  if (INT_OCT.test(s)) return { value: parseInt(s.substring(2), 8) };
  if (INT.test(s)) return { value: parseInt(s, 10) };
  if (INT_HEX.test(s)) return { value: parseInt(s.substring(2), 16) };
  if (FLOAT_SPECIAL.test(s))
    return { value: s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity };
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return { value: parseFloat(s) };
  return undefined;
}

/** The last scalar resolved and its value: js-yaml constructs right after resolving. */
let resolvedText: string | undefined;
let resolvedValue: { value: unknown } | undefined;

function resolveScalar(s: string): boolean {
  resolvedText = s;
  resolvedValue = coreScalar(s);
  return resolvedValue !== undefined;
}

/** The implicit type, under a tag of its own: a node closing with any other tag was tagged in the text. */
const PLAIN_TAG = 'tag:rulecat,2026:plain';
const plainScalars = new jsYaml.Type(PLAIN_TAG, {
  kind: 'scalar',
  resolve: (s: string | null) => s === null || resolveScalar(s),
  construct: (s: string | null) => (s === null ? null : (s === resolvedText ? resolvedValue : coreScalar(s))!.value),
});
const schema = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [plainScalars] });

/** The parts of js-yaml's parser state the listener reads. */
interface ParseState {
  input: string;
  position: number;
  kind: string | null;
  tag: string | null;
  anchor: string | null;
}

/** Thrown to leave js-yaml when a text needs the positioned reading. */
class NeedsPositions extends Error {}

/** Where each open node started (the listener sees opens and closes in nesting order). */
const starts: number[] = [];

/**
 * Columns a flow node spanning lines must indent its next lines beyond, at
 * least: those of the block collection it is in on its first line (the
 * leading blanks, or after the `- ` of compact sequences). The yaml package
 * refuses lines indented less than their parent; js-yaml reads some of them.
 * Stricter than needed: a node this refuses goes to the positioned reading.
 */
function blockIndent(s: string, lineStart: number): number {
  let p = lineStart;
  for (;;) {
    while (s.charCodeAt(p) === 0x20) p++;
    if (s.charCodeAt(p) === 0x2d /* - */ && s.charCodeAt(p + 1) === 0x20) p += 2;
    else return p - lineStart;
  }
}

/** Whether a flow node from `from` to `to` continues on lines indented no more than its parent, or on document markers. */
function underIndented(s: string, from: number, to: number): boolean {
  let nl = s.indexOf('\n', from);
  if (nl < 0 || nl >= to) return false;
  const lineStart = s.lastIndexOf('\n', from - 1) + 1;
  const min = blockIndent(s, lineStart);
  for (; nl >= 0 && nl < to; nl = s.indexOf('\n', nl + 1)) {
    let p = nl + 1;
    while (s.charCodeAt(p) === 0x20) p++;
    const c = s.charCodeAt(p);
    if (c === 0x0a || c === 0x0d || p >= to) continue; // a blank line
    if (p - nl - 1 <= min) return true;
  }
  return false;
}

/** Where a node's text starts: after blanks, line breaks and comments. */
function textStart(s: string, from: number): number {
  let c = from;
  for (;;) {
    const ch = s.charCodeAt(c);
    if (ch === 0x20 || ch === 0x0a || ch === 0x0d) c++;
    else if (ch === 0x23) {
      const nl = s.indexOf('\n', c);
      c = nl < 0 ? s.length : nl;
    } else return c;
  }
}

const firstChar = (s: string, from: number) => s.charCodeAt(textStart(s, from));

/** A node with properties, a collection used as a key, or a node the two parsers may read differently: the positioned reading decides. */
function listener(event: 'open' | 'close', state: ParseState): void {
  if (event === 'open') {
    starts.push(state.position);
    return;
  }
  const start = starts.pop() ?? 0;
  if (state.anchor !== null) throw new NeedsPositions();
  const tag = state.tag;
  if (tag !== null && tag !== '?' && tag !== PLAIN_TAG) throw new NeedsPositions();
  const s = state.input;
  let p = state.position;
  const prev = s.charCodeAt(p - 1);
  if (s.charCodeAt(p) === 0x23 /* # */ && prev !== 0x20 && prev !== 0x0a) throw new NeedsPositions(); // a comment not after a blank
  if (state.kind === 'mapping' || state.kind === 'sequence') {
    while (s.charCodeAt(p) === 0x20) p++;
    if (s.charCodeAt(p) === 0x3a /* : */) throw new NeedsPositions(); // a collection as a key
  }
  const c = textStart(s, start);
  const first = s.charCodeAt(c);
  if (first === 0x5b || first === 0x7b) {
    // A flow collection where a flow map's key goes (`{[a], b: 1}`): a key js-yaml would turn into text.
    const parent = starts.length > 0 ? firstChar(s, starts[starts.length - 1]) : -1;
    let b = c - 1;
    while (b >= 0 && (s.charCodeAt(b) === 0x20 || s.charCodeAt(b) === 0x0a || s.charCodeAt(b) === 0x0d)) b--;
    const before = s.charCodeAt(b);
    if (parent === 0x7b && (before === 0x7b || before === 0x2c)) throw new NeedsPositions();
  }
  const flow =
    state.kind === 'scalar' ? first !== 0x7c /* | */ && first !== 0x3e /* > */ : first === 0x5b || first === 0x7b;
  if (flow && underIndented(s, c, state.position)) throw new NeedsPositions();
}

/** Whether only blanks (and `- ` entries when `dashes`) stand between the start of its line and `i`. */
function lineStartBefore(s: string, i: number, dashes: boolean): boolean {
  let j = i - 1;
  for (;;) {
    while (j >= 0 && s.charCodeAt(j) === 0x20) j--;
    if (dashes && j >= 0 && s.charCodeAt(j) === 0x2d && s.charCodeAt(j + 1) === 0x20) j--;
    else return j < 0 || s.charCodeAt(j) === 0x0a;
  }
}

/** Whether a node can start at `i` (after blanks: the start of a line, `[`, `{`, `,`, or `: `, `- `, `? `). */
function nodeStartAt(s: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && s.charCodeAt(j) === 0x20) j--;
  if (j < 0) return true;
  const c = s.charCodeAt(j);
  if (c === 0x0a || c === 0x5b || c === 0x7b || c === 0x2c) return true;
  return (c === 0x3a || c === 0x2d || c === 0x3f) && j < i - 1;
}

/** Whether the rest of the line from `i` is blank, or a comment. */
function restBlank(s: string, i: number): boolean {
  let j = i;
  while (s.charCodeAt(j) === 0x20) j++;
  const c = s.charCodeAt(j);
  return j >= s.length || c === 0x0a || c === 0x0d || c === 0x23;
}

/**
 * Whether a text holds something the js-yaml reading could read differently
 * from the yaml package, or something only the positioned reading handles:
 * tabs, directives, explicit keys (`? `), tags, anchors and aliases where a
 * node starts, and what comparing the two on generated texts found them to
 * read differently: a document marker with more on its line, a `#` right
 * after a flow indicator, an escaped line break before CRLF or an empty
 * line, a lone CR, block scalars keeping their last line breaks (`|+`) or
 * starting a line, a sequence entry empty on its line. One pass, no regular
 * expression (they cost more than the parse on long texts).
 */
export function needsPositions(s: string): boolean {
  if (lineNeedsPositions(s, 0)) return true;
  const n = s.length;
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(s); m; m = SPECIAL.exec(s)) {
    const i = m.index;
    switch (s.charCodeAt(i)) {
      case 0x0a: // a line starting with a document marker or an empty sequence entry
        if (lineNeedsPositions(s, i + 1)) return true;
        break;
      case 0x09: // tab
        return true;
      case 0x0d: // CR alone
        if (s.charCodeAt(i + 1) !== 0x0a) return true;
        break;
      case 0x5c: {
        // an escaped line break before CR, or before an empty line
        const next = s.charCodeAt(i + 1);
        if (next === 0x0d) return true;
        if (next !== 0x0a) break;
        let j = i + 2;
        while (s.charCodeAt(j) === 0x20) j++;
        if (s.charCodeAt(j) === 0x0a || s.charCodeAt(j) === 0x0d) return true;
        break;
      }
      case 0x25: // % directive
        if (i === 0 || s.charCodeAt(i - 1) === 0x0a) return true;
        break;
      case 0x3f: {
        // ? explicit key
        const next = s.charCodeAt(i + 1);
        if ((i + 1 >= n || next === 0x20 || next === 0x0a || next === 0x0d) && lineStartBefore(s, i, true)) return true;
        const prev = s.charCodeAt(i - 1);
        if ((next === 0x20 || i + 1 >= n) && (prev === 0x5b || prev === 0x7b || prev === 0x2c)) return true;
        break;
      }
      case 0x21: // ! tag
      case 0x26: // & anchor
      case 0x2a: // * alias
        if (nodeStartAt(s, i)) return true;
        break;
      case 0x23: {
        // # right after a flow indicator
        const prev = s.charCodeAt(i - 1);
        if (prev === 0x5b || prev === 0x7b || prev === 0x2c) return true;
        break;
      }
      case 0x2b: {
        // |+ >+ |2+
        let j = i - 1;
        if (s.charCodeAt(j) >= 0x31 && s.charCodeAt(j) <= 0x39) j--;
        const c = s.charCodeAt(j);
        if (c === 0x7c || c === 0x3e) return true;
        break;
      }
      case 0x7c: // | or > starting a line (after blanks)
      case 0x3e: {
        if (!lineStartBefore(s, i, false)) break;
        let j = i + 1;
        for (let c = s.charCodeAt(j); c === 0x2d || c === 0x2b || (c >= 0x30 && c <= 0x39); c = s.charCodeAt(++j));
        if (restBlank(s, j) && s.charCodeAt(j) !== 0x23) return true;
        break;
      }
    }
  }
  return false;
}

/** Characters (and line starts) where `needsPositions` looks closer; the rest of a text is skipped natively. */
const SPECIAL = /[\t\r%?!&*#+|>\\]|\n(?=---|\.\.\.|[ ]*(?:- +)*-[ ]*(?:#|\r?\n|$))/g;

/** A line starting at `i` with a document marker followed by more, or a sequence entry empty on its line. */
function lineNeedsPositions(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if ((c === 0x2d || c === 0x2e) && s.charCodeAt(i + 1) === c && s.charCodeAt(i + 2) === c) {
    const after = s.charCodeAt(i + 3);
    if (i + 3 < s.length && after !== 0x20 && after !== 0x0a && after !== 0x0d) return true;
    if (!restBlank(s, i + 3)) return true;
  }
  // blanks, then `- ` entries, then a last `-` with nothing (or a comment) after it
  let j = i;
  for (;;) {
    while (s.charCodeAt(j) === 0x20) j++;
    if (s.charCodeAt(j) !== 0x2d) return false;
    const next = s.charCodeAt(j + 1);
    if (next === 0x20) {
      if (restBlank(s, j + 1)) return true;
      j += 2;
    } else return j + 1 >= s.length || next === 0x0a || next === 0x0d;
  }
}

/**
 * The documents of a text read by js-yaml, as the positioned reading would
 * give them; undefined when the text needs the positioned reading.
 */
export function fastYamlValues(text: string, limits: YamlLimits = defaultYamlLimits): unknown[] | undefined {
  // Tabs: the two parsers disagree on some tabs in whitespace (and they are rare in inputs).
  if (text.length > limits.maxTokens || needsPositions(text)) return undefined;
  let docs: unknown[];
  starts.length = 0;
  try {
    docs = jsYaml.loadAll(text, undefined, {
      schema,
      listener: listener as never,
      maxDepth: limits.maxDepth + 2,
    } as jsYaml.LoadOptions) as unknown[];
  } catch {
    return undefined; // a problem, or something to read with positions: the positioned reading reports it
  }
  // A text without content (blank lines, comments) is one empty document for js-yaml, none for the yaml package.
  if (docs.length === 1 && docs[0] === null) return undefined;
  const { maxDepth } = limits;
  // Maps without prototype (like the positioned reading's), depth as the positioned reading counts it.
  const plain = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth >= maxDepth) throw new NeedsPositions(); // its items are deeper than the limit
    if (Array.isArray(v)) {
      // js-yaml's own array, made once per sequence (aliases are refused above): its items are replaced in place.
      for (let i = 0; i < v.length; i++) v[i] = plain(v[i], depth + 1);
      return v;
    }
    const out: Record<string, unknown> = Object.create(null);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k === '<<') throw new NeedsPositions(); // a merge key, or a quoted "<<": the positioned reading tells
      out[k] = plain(o[k], depth + 1);
    }
    return out;
  };
  try {
    return docs.map((d) => plain(d, 0));
  } catch (e) {
    if (e instanceof NeedsPositions) return undefined;
    throw e;
  }
}

// ---- the positioned reading: the yaml package --------------------------------

let yamlPackage: typeof YamlPackage | undefined;
/** The yaml package, loaded when a text first needs positions. */
function yamlLib(): typeof YamlPackage {
  if (positionedElsewhere) throw new PositionedElsewhere();
  yamlPackage ??= createRequire(import.meta.url)('yaml') as typeof YamlPackage;
  return yamlPackage;
}

/**
 * Thrown instead of reading a text with positions on a thread that leaves
 * them to another (a prefill worker: the few texts that need the yaml
 * package are parsed on the main thread, which loads and compiles it anyway).
 */
export class PositionedElsewhere extends Error {
  constructor() {
    super('this text needs the positioned reading, left to the main thread');
  }
}

let positionedElsewhere = false;

/** On this thread, texts that need the positioned reading throw `PositionedElsewhere` (prefill workers). */
export function leavePositionedElsewhere(): void {
  positionedElsewhere = true;
}

/** True when `text` has more than `max` YAML tokens (a token takes at least one character: short texts are never counted). */
function hasMoreTokens(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let n = 0;
  for (const _ of new (yamlLib().Lexer)().lex(text)) if (++n > max) return true;
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

class BadMerge extends Error {
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
  const { visit, isAlias } = yamlLib();
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

/** One document read with positions. */
export interface PositionedDoc {
  /** Index of the document in the file (documents with problems are counted too). */
  index: number;
  value: unknown;
  place(path: YamlPath, of?: 'key' | 'value'): Place;
  textPlace(path: YamlPath, offset: number): Place;
}

/**
 * Every document of a YAML text with the place of each key and value (the
 * `yaml` package). Syntax problems become diagnostics, never exceptions.
 */
export function positioned(
  file: string,
  text: string,
  limits: YamlLimits = defaultYamlLimits,
): { docs: PositionedDoc[]; diagnostics: Diagnostic[] } {
  const Y = yamlLib();
  const { isAlias, isMap, isPair, isScalar, isSeq } = Y;
  const lineCounter = new Y.LineCounter();
  const at = (offset: number): Place => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = [];
  if (hasMoreTokens(text, limits.maxTokens)) {
    const message = `YAML text has more than ${limits.maxTokens} tokens, expected a smaller file (split it)`;
    return { docs: [], diagnostics: [error({ file, line: 1, col: 1 }, 'yaml-too-large', message)] };
  }
  const tokens = [...new Y.Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = deepest(tokens);
  if (tooDeep.depth > limits.maxDepth) {
    const message = `YAML nests deeper than ${limits.maxDepth} levels, expected a shallower document`;
    return { docs: [], diagnostics: [error(at(tooDeep.offset), 'yaml-too-deep', message)] };
  }
  const documents = [...new Y.Composer({ prettyErrors: false, uniqueKeys: true, strict: true }).compose(tokens)];
  const docs: PositionedDoc[] = [];
  documents.forEach((doc, index) => {
    for (const e of doc.errors) {
      diagnostics.push(error(at(e.pos[0]), 'yaml-syntax', `Invalid YAML: ${firstLine(e.message)}`));
    }
    if (doc.errors.length > 0) return;
    const offsets = new Map<string, number>();
    const keyOffsets = new Map<string, number>();
    const scalars = new Map<string, Scalar>();
    let budget = limits.maxAliasValues;
    // Aliases need an anchor (`&name`) before them: without `&` in the text there is nothing to resolve.
    const targets = text.includes('&') ? aliasTargets(doc) : new Map<unknown, unknown>();
    const unresolved: Diagnostic[] = [];
    /** The node an alias stands for (undefined, and reported, when no anchor defines it). */
    const target = (node: YamlPackage.Alias): unknown => {
      const found = targets.get(node);
      if (found === undefined) {
        const message = `Unknown alias "*${node.source}", expected an anchor "&${node.source}" defined before it`;
        unresolved.push(error(at(node.range?.[0] ?? 0), 'yaml-alias', message));
      }
      return found;
    };
    const isMergeKey = (key: unknown) => isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
    interface Entry {
      key: string;
      keyNode: unknown;
      value: unknown;
      /** Through an alias: the offset of the outermost alias (limits are reported there). */
      alias?: number;
    }
    /**
     * A map's entries as PyYAML reads them: merged entries first (from the
     * maps of `<<`, an earlier one winning), then the map's own; a key given
     * again keeps its first position and takes the later value.
     */
    const entries = (node: YamlPackage.YAMLMap, depth: number, alias: number | undefined): Entry[] | undefined => {
      if (depth > limits.maxDepth) {
        throw new TooLarge(
          alias ?? 0,
          `YAML aliases nest deeper than ${limits.maxDepth} levels (an alias refers to itself?), expected a finite document`,
        );
      }
      const merged: Entry[] = [];
      const own: Entry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (!isMergeKey(pair.key)) {
          own.push({ key: keyToString(pair.key), keyNode: pair.key, value: pair.value, alias });
          continue;
        }
        const sources: { node: unknown; alias?: number }[] = isSeq(pair.value)
          ? pair.value.items.map((item) => ({ node: item, alias }))
          : [{ node: pair.value, alias }];
        const lists: Entry[][] = [];
        for (const source of sources) {
          let node = source.node;
          let via = source.alias;
          if (isAlias(node)) {
            via ??= node.range?.[0] ?? 0;
            node = target(node);
            if (node === undefined) return undefined;
          }
          if (!isMap(node)) {
            const where = (node as Node | null)?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
            throw new BadMerge(
              where,
              'Unexpected value for the merge key "<<", expected a map or a list of maps (aliases of maps)',
            );
          }
          const list = entries(node, depth + 1, via);
          if (!list) return undefined;
          lists.push(list);
        }
        // PyYAML: the maps of a list are merged last first, so that earlier ones win.
        for (const list of lists.reverse()) merged.push(...list);
      }
      const out = new Map<string, Entry>();
      const order: string[] = [];
      for (const e of [...merged, ...own]) {
        if (!out.has(e.key)) order.push(e.key);
        out.set(e.key, e);
      }
      return order.map((k) => out.get(k)!);
    };
    const convert = (node: unknown, k: string, depth: number, alias: number | undefined): unknown => {
      if (depth > limits.maxDepth) {
        throw new TooLarge(
          alias ?? 0,
          `YAML aliases nest deeper than ${limits.maxDepth} levels (an alias refers to itself?), expected a finite document`,
        );
      }
      if (alias !== undefined && --budget < 0) {
        throw new TooLarge(
          alias,
          `YAML aliases expand to more than ${limits.maxAliasValues} values (an alias bomb?), expected a document that is not inflated by aliases`,
        );
      }
      if (isAlias(node)) {
        const found = target(node);
        if (found === undefined) return null;
        return convert(found, k, depth + 1, alias ?? node.range?.[0] ?? 0);
      }
      const range = (node as Node | null)?.range;
      if (range && !offsets.has(k)) offsets.set(k, range[0]);
      if (isMap(node)) {
        const out: Record<string, unknown> = Object.create(null);
        const list = entries(node, depth, alias);
        if (!list) return null;
        for (const e of list) {
          const childKey = k + SEP + e.key;
          if (isScalar(e.keyNode) && e.keyNode.range && !keyOffsets.has(childKey))
            keyOffsets.set(childKey, e.keyNode.range[0]);
          // A merged value counts as one more level, like the alias it comes from.
          out[e.key] = convert(e.value, childKey, depth + 1, e.alias);
        }
        return out;
      }
      if (isSeq(node)) return node.items.map((item, i) => convert(item, k + SEP + i, depth + 1, alias));
      if (isScalar(node)) {
        if (!scalars.has(k)) scalars.set(k, node);
        return node.value;
      }
      return node == null ? null : node;
    };
    let value: unknown;
    try {
      value = convert(doc.contents, '', 0, undefined);
    } catch (e) {
      if (e instanceof TooLarge) diagnostics.push(error(at(e.offset), 'yaml-too-large', e.message));
      else if (e instanceof BadMerge) diagnostics.push(error(at(e.offset), 'yaml-merge', e.message));
      else throw e;
      return;
    }
    if (unresolved.length > 0) {
      diagnostics.push(...unresolved);
      return;
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
      const k = pathKey(path);
      const node = scalars.get(k);
      if (!node || !node.range) return place(path);
      const str = String(valueAt(value, path) ?? '');
      const source = scalarOffset(text, node, str, offset);
      return source === undefined ? place(path) : at(source);
    };
    docs.push({ index, value, place, textPlace });
  });
  return { docs, diagnostics };
}

function keyToString(key: unknown): string {
  const { isScalar } = yamlLib();
  if (isScalar(key)) return String(key.value);
  return String(key);
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

// ---- where a character of a scalar's value was written ------------------------

/** A scalar's value rebuilt from its source: each character with the offset it comes from. */
interface Decoded {
  text: string;
  from: number[];
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';

/** Lines of `text` between `start` and `end`: [offset of the first character, offset of the line end]. */
function linesOf(text: string, start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  let s = start;
  while (s <= end) {
    let e = text.indexOf('\n', s);
    if (e < 0 || e > end) e = end;
    const contentEnd = e > s && text[e - 1] === '\r' && e !== end ? e - 1 : e;
    out.push([s, contentEnd]);
    if (e >= end) break;
    s = e + 1;
  }
  return out;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

/**
 * A flow scalar (plain, single- or double-quoted) decoded from its source,
 * folding lines as YAML does: a line break between two lines is a space, n
 * empty lines are n line feeds, blanks around line breaks go.
 */
function decodeFlow(text: string, start: number, end: number, type: string): Decoded | undefined {
  const quote = type === 'QUOTE_DOUBLE' ? '"' : type === 'QUOTE_SINGLE' ? "'" : '';
  const from: number[] = [];
  let out = '';
  const push = (s: string, at: number) => {
    out += s;
    for (let i = 0; i < s.length; i++) from.push(at);
  };
  const bodyStart = start + quote.length;
  const bodyEnd = quote ? text.lastIndexOf(quote, end - 1) : end;
  if (bodyEnd < bodyStart) return undefined;
  const lines = linesOf(text, bodyStart, bodyEnd);
  let pendingBreak = false;
  let emptyLines = 0;
  let lastBreakAt = bodyStart;
  lines.forEach(([s, e], n) => {
    let a = s;
    const b = e;
    if (n > 0) while (a < b && isBlank(text[a])) a++;
    const last = n === lines.length - 1;
    // Trailing blanks before a line break are not content (unless escaped: handled below).
    let trimmedEnd = b;
    if (!last) while (trimmedEnd > a && isBlank(text[trimmedEnd - 1])) trimmedEnd--;
    if (n > 0 && a === b && !last) {
      emptyLines++;
      return;
    }
    if (pendingBreak) {
      if (emptyLines > 0) for (let i = 0; i < emptyLines; i++) push('\n', lastBreakAt);
      else push(' ', lastBreakAt);
    }
    pendingBreak = false;
    emptyLines = 0;
    let i = a;
    let escapedBreak = false;
    const stop = last ? b : trimmedEnd;
    while (i < (quote === '"' ? b : stop)) {
      const c = text[i];
      if (quote === "'" && c === "'" && text[i + 1] === "'") {
        push("'", i);
        i += 2;
      } else if (quote === '"' && c === '\\') {
        const d = text[i + 1];
        if (i + 1 >= b) {
          escapedBreak = true; // `\` at the end of the line: the break is not folded into a space
          break;
        }
        if (d === 'x' || d === 'u' || d === 'U') {
          const len = d === 'x' ? 2 : d === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return;
          push(String.fromCodePoint(parseInt(hex, 16)), i);
          i += 2 + len;
        } else if (d in ESCAPES) {
          push(ESCAPES[d], i);
          i += 2;
        } else return;
      } else if (quote === '"' && i >= stop) {
        // trailing blanks of a double-quoted line: kept only before an escaped break
        let j = i;
        while (j < b && isBlank(text[j])) j++;
        if (j < b && text[j] === '\\' && j + 1 >= b) {
          push(text.slice(i, j), i);
          i = j;
        } else break;
      } else {
        push(c, i);
        i++;
      }
    }
    if (!last) {
      lastBreakAt = e;
      if (escapedBreak) {
        pendingBreak = false;
        emptyLines = 0;
      } else pendingBreak = true;
    }
  });
  return { text: out, from };
}

/** Indentation of the content of a block scalar whose header is at `header`: explicit, or its first non-empty line's. */
function decodeBlock(text: string, header: number, end: number, folded: boolean, indent: number): Decoded {
  const from: number[] = [];
  let out = '';
  const push = (s: string, at: number) => {
    out += s;
    for (let i = 0; i < s.length; i++) from.push(at);
  };
  const bodyStart = text.indexOf('\n', header) + 1;
  if (bodyStart === 0) return { text: '', from };
  const lines = linesOf(text, bodyStart, end);
  let previous: 'none' | 'normal' | 'more' | 'empty' = 'none';
  let breaks: number[] = [];
  let sawContent = false;
  for (const [s, e] of lines) {
    const isEmpty = e - s <= indent && /^[ \t]*$/.test(text.slice(s, e));
    if (isEmpty) {
      breaks.push(e);
      continue;
    }
    const a = s + indent;
    const more = isBlank(text[a]);
    if (sawContent) {
      // the line break after the previous content line, then the empty lines
      if (folded && previous === 'normal' && !more && breaks.length === 0) push(' ', s);
      else if (folded && previous === 'normal' && !more) {
        for (let i = 0; i < breaks.length; i++) push('\n', breaks[i]);
      } else {
        push('\n', s);
        for (let i = 0; i < breaks.length; i++) push('\n', breaks[i]);
      }
    } else for (let i = 0; i < breaks.length; i++) push('\n', breaks[i]);
    breaks = [];
    for (let i = a; i < e; i++) push(text[i], i);
    sawContent = true;
    previous = more ? 'more' : 'normal';
  }
  return { text: out, from };
}

/** Offset in `text` of the character at `offset` of a scalar's value, or undefined when its source cannot be followed. */
function scalarOffset(text: string, node: Scalar, value: string, offset: number): number | undefined {
  const [start, valueEnd] = node.range!;
  // The end of the value (where an unfinished condition is reported) is right after its last character.
  const agrees = (d: Decoded | undefined): d is Decoded =>
    d !== undefined &&
    (offset < d.from.length
      ? d.text.slice(0, offset + 1) === value.slice(0, offset + 1)
      : d.from.length > 0 && value.startsWith(d.text) && /^\n*$/.test(value.slice(d.text.length)));
  const offsetIn = (d: Decoded) => (offset < d.from.length ? d.from[offset] : d.from[d.from.length - 1] + 1);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    const folded = node.type === 'BLOCK_FOLDED';
    const bodyStart = text.indexOf('\n', start) + 1;
    // The indentation of the first line with content, else any that gives the value.
    const first = /^(?:[ \t]*\r?\n)*( *)/.exec(text.slice(bodyStart, valueEnd));
    const guesses = [first ? first[1].length : 0];
    for (let i = 0; i <= 64; i++) if (i !== guesses[0]) guesses.push(i);
    for (const indent of guesses) {
      const d = decodeBlock(text, start, valueEnd, folded, indent);
      if (agrees(d)) return offsetIn(d);
    }
    return undefined;
  }
  const d = decodeFlow(text, start, valueEnd, node.type ?? 'PLAIN');
  return agrees(d) ? offsetIn(d) : undefined;
}

// ---- both readings together ----------------------------------------------------

/** Places of one file's documents, parsed with positions when the first one is asked for. */
export class YamlLocator implements Locator {
  private docs?: Map<number, PositionedDoc>;

  constructor(
    readonly file: string,
    private readonly text: () => string | undefined,
    private readonly limits: YamlLimits = defaultYamlLimits,
    docs?: PositionedDoc[],
  ) {
    if (docs) this.docs = new Map(docs.map((d) => [d.index, d]));
  }

  locate(ref: string): { line: number; col: number } {
    if (!this.docs) {
      const text = this.text();
      this.docs = new Map(
        text === undefined ? [] : positioned(this.file, text, this.limits).docs.map((d) => [d.index, d]),
      );
    }
    const { doc, of, offset, path } = readPlaceRef(ref);
    const found = this.docs.get(doc);
    if (!found) return { line: 1, col: 1 };
    const p = offset === undefined ? found.place(path, of) : found.textPlace(path, offset);
    return { line: p.line, col: p.col };
  }
}

/** A document whose places are found by `locator` when read. */
function lazyDoc(file: string, value: unknown, index: number, locator: Locator): YamlDoc {
  return {
    file,
    value,
    place: (path, of = 'value') => new SourcePlace(file, placeRef(index, path, of), locator),
    textPlace: (path, offset) => new SourcePlace(file, placeRef(index, path, 'value', offset), locator),
  };
}

/**
 * Parse every document of a YAML text. Syntax problems become diagnostics,
 * never exceptions. A document with a problem is left out (the others are
 * kept). Places are found when first read.
 */
export function readYamlDocs(
  file: string,
  text: string,
  limits: YamlLimits = defaultYamlLimits,
): { docs: YamlDoc[]; diagnostics: Diagnostic[] } {
  const values = fastYamlValues(text, limits);
  if (values) {
    const locator = new YamlLocator(file, () => text, limits);
    return { docs: values.map((value, i) => lazyDoc(file, value, i, locator)), diagnostics: [] };
  }
  const read = positioned(file, text, limits);
  const locator = new YamlLocator(file, () => text, limits, read.docs);
  return { docs: read.docs.map((d) => lazyDoc(file, d.value, d.index, locator)), diagnostics: read.diagnostics };
}

/**
 * What one parser template does with the event: the paths whose value its
 * output carries (copies) and the paths it only reads (conditions, tests,
 * comparisons, loop iterables, arguments, operands of computed values).
 *
 * Templates are Jinja (`{{ expression }}`, `{% if/for/set %}` statements).
 * They are parsed by the parser of nunjucks, which follows Jinja's grammar,
 * after a few rewrites that keep the meaning and the length where possible
 * (`prepareJinja`) for the Jinja syntax nunjucks lacks.
 *
 * Semantics of a value:
 *  - a path is a chain of attribute lookups and literal subscripts from a free
 *    name (`a.b["c"]`, `a['b'].c`); `.get("k")` and `.get("k", default)` extend
 *    it; integer subscripts and slices keep it (array elements are walked
 *    through, as in test events);
 *  - method calls (`rstrip`, `split`, …) and filters (`| lower`, `| int`, …)
 *    keep the sources of what they are called on, not the path (except the
 *    alternatives `| default(x)`, `.get(k, x)`, `a or b`, which also carry `x`/`b`);
 *    `| length`, `| count` and `| wordcount` measure their input and carry nothing;
 *  - `a if c else b` carries both branches, and `c` is read;
 *  - comparisons, tests (`is defined`), `in`, `and`'s left side, `not`, arithmetic and
 *    concatenation (`~`, `+`) make computed values: their operands are read,
 *    not copied (a value built from several inputs is not a copy of one);
 *  - a list or tuple literal carries its items; a dict literal is computed;
 *  - a template whose output is one expression (text around it blank, at most one
 *    per branch of `if`) copies what that expression carries; literal text
 *    beside an expression, two expressions, or a `for` that outputs make a computed
 *    string, except text that writes a list literal around the expressions
 *    (`'["{{ a.b }}"]'`), which carries them as items (`listLiteral`);
 *  - `set` and `for` names stand for what they are bound to (a `for` name is an
 *    element of the iterable).
 */
import { createRequire } from 'node:module';

/** A nunjucks AST node: `typename` and the fields its type declares (`fields`), or `children` for lists. */
interface JNode {
  typename: string;
  lineno: number;
  colno: number;
  fields: string[];
  value?: unknown;
  children?: JNode[];
  [field: string]: unknown;
}

interface Nunjucks {
  parser: { parse(src: string): JNode };
  installJinjaCompat(): () => void;
}

const require = createRequire(import.meta.url);
const nunjucks = require('nunjucks') as Nunjucks;
// Jinja's slices (`a[1:-1]`) are parsed only with nunjucks' Jinja compatibility, which
// patches its parser (and its renderer, which rulecat does not use) once for the process.
nunjucks.installJinjaCompat();

export interface TemplateReading {
  /** Paths (2+ segments) whose value the output carries, whole or transformed. */
  copies: string[];
  /** Paths (2+ segments) read but not carried. */
  reads: string[];
  /** Why the template could not be parsed, and where (offset in the template). */
  problem?: { offset: number; message: string };
}

// ---- Jinja syntax nunjucks lacks -------------------------------------------

export interface Prepared {
  text: string;
  /** Positions (in `text`) of the characters added by the rewrites, ascending. */
  inserted: number[];
}

const CODE_END = /-?(\}\}|%\})/y;
const RAW = /\{%-?\s*(raw|verbatim)\s*-?%\}/y;
const WORD = /[A-Za-z_]\w*/y;
const IS_IN = /is\s+(not\s+)?in\b/y;
const DIGITS = /\d+/y;
const TRAILING_COMMA = /,\s*[)\]}]/y;
const STAR_ARGUMENT = /\*{1,2}\s*[A-Za-z_(]/y;
const STATEMENT_COLON = /:\s*-?%\}/y;

/** What a rewrite other than of braces starts from (`.0`, a comma before a closer, `*`, `-1`, `is in`, `:%}`, raw blocks). */
const NEEDS_REWRITE = /\.\d|,\s*[)\]}]|\*|-\d|\bis\s+(not\s+)?in\b|:\s*-?%\}|\{%-?\s*(raw|verbatim)\b/;

const TAG_START = /\{[{%#]/g;

/** A template with nothing to rewrite (most): no dict braces (a `{` beyond those of `{{`, `{%`, `{#`) and none of `NEEDS_REWRITE`. */
function unchanged(source: string): boolean {
  let braces = 0;
  for (let i = source.indexOf('{'); i >= 0; i = source.indexOf('{', i + 1)) braces++;
  let tags = 0;
  TAG_START.lastIndex = 0;
  while (TAG_START.exec(source)) tags++;
  return braces === 2 * tags && !NEEDS_REWRITE.test(source);
}

/** The match of a sticky pattern at `at`, or undefined. */
function matchAt(re: RegExp, text: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(text)?.[0];
}

const isNameChar = (c: string | undefined) => c !== undefined && /\w/.test(c);

/**
 * Rewrite the Jinja syntax nunjucks' parser rejects into the nunjucks syntax
 * of the same meaning (for what templates read). Only code between `{{ }}`
 * and `{% %}` is touched, never strings or comments:
 *  - a `}}` while brackets are open does not end the code (Jinja balances
 *    brackets: `{"a": {"b": 1}}`): a space is inserted between the braces;
 *  - `a.0` (attribute lookup by integer) → `a[0]`;
 *  - a trailing comma before `)`, `]` or `}` (`('x',)`) → a space;
 *  - star arguments of a call (`f(*args)`, `f(**kw)`) → spaces;
 *  - a negative number as dict key (`{-1: "x"}`) → its sign becomes a space (keys are not read);
 *  - the test `x is in y` / `x is not in y` → the operator `x in y` / `x not in y`;
 *  - a colon before the end of a statement (`{% else: %}`, allowed by Jinja) → a space.
 * Linear in the length of the template.
 */
export function prepareJinja(source: string): Prepared {
  if (unchanged(source)) return { text: source, inserted: [] };
  const out: string[] = [];
  const inserted: number[] = [];
  let length = 0;
  const emit = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const insert = (s: string) => {
    inserted.push(length);
    emit(s);
  };
  /** Last character of code emitted, blanks skipped (within the current code). */
  let lastCode = '';
  let i = 0;
  const n = source.length;
  while (i < n) {
    const open = source.slice(i, i + 2);
    if (open === '{#') {
      const end = source.indexOf('#}', i + 2);
      const stop = end < 0 ? n : end + 2;
      emit(source.slice(i, stop));
      i = stop;
      continue;
    }
    if (open !== '{{' && open !== '{%') {
      const next = source.indexOf('{', i + 1);
      const stop = next < 0 ? n : next;
      emit(source.slice(i, stop));
      i = stop;
      continue;
    }
    const raw = open === '{%' ? matchAt(RAW, source, i) : undefined;
    if (raw) {
      const end = new RegExp(`\\{%-?\\s*end${/raw|verbatim/.exec(raw)![0]}\\s*-?%\\}`, 'g');
      end.lastIndex = i + raw.length;
      const m = end.exec(source);
      const stop = m ? m.index + m[0].length : n;
      emit(source.slice(i, stop));
      i = stop;
      continue;
    }
    const block = open === '{%';
    emit(open);
    i += 2;
    lastCode = open[1];
    const stack: string[] = [];
    while (i < n) {
      const c = source[i];
      const end = stack.length === 0 ? matchAt(CODE_END, source, i) : undefined;
      if (end) {
        emit(end);
        i += end.length;
        break;
      }
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < n && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
        emit(source.slice(i, j + 1));
        i = j + 1;
        lastCode = c;
        continue;
      }
      if (/\s/.test(c)) {
        emit(c);
        i++;
        continue;
      }
      const word = isNameChar(source[i - 1]) ? undefined : matchAt(WORD, source, i);
      if (word) {
        emit(word === 'is' && matchAt(IS_IN, source, i) ? '  ' : word);
        i += word.length;
        lastCode = word[word.length - 1];
        continue;
      }
      let blank = false;
      if (c === '.' && /\d/.test(source[i + 1] ?? '')) {
        // After a name or a closing bracket it is a lookup; after a number, a decimal point.
        let k = i - 1;
        while (k >= 0 && /\w/.test(source[k])) k--;
        const before = source.slice(k + 1, i);
        if (/[)\]]/.test(source[i - 1] ?? '') || (before !== '' && !/^\d/.test(before))) {
          const digits = matchAt(DIGITS, source, i + 1)!;
          emit(`[${digits}`);
          insert(']');
          i += 1 + digits.length;
          lastCode = ']';
          continue;
        }
      } else if (c === '(' || c === '[' || c === '{') stack.push(c);
      else if (c === ')' || c === ']' || c === '}') {
        // nunjucks would read `}}` here as the end of the code: the brace closes a dict.
        const split = c === '}' && stack[stack.length - 1] === '{' && source[i + 1] === '}';
        stack.pop();
        emit(c);
        i++;
        lastCode = c;
        if (split) insert(' ');
        continue;
      } else if (c === ',') blank = matchAt(TRAILING_COMMA, source, i) !== undefined;
      else if (c === '*')
        blank =
          stack[stack.length - 1] === '(' &&
          (lastCode === '(' || lastCode === ',') &&
          matchAt(STAR_ARGUMENT, source, i) !== undefined;
      else if (c === '-')
        blank =
          stack[stack.length - 1] === '{' && (lastCode === '{' || lastCode === ',') && /\d/.test(source[i + 1] ?? '');
      else if (c === ':') blank = block && stack.length === 0 && matchAt(STATEMENT_COLON, source, i) !== undefined;
      if (blank && c === '*') {
        // `**kwargs`: both stars.
        const stars = source[i + 1] === '*' ? 2 : 1;
        emit(' '.repeat(stars));
        i += stars;
        continue;
      }
      emit(blank ? ' ' : c);
      i++;
      if (!blank) lastCode = c;
    }
  }
  return { text: out.join(''), inserted };
}

/** Offset in the source of an offset in the prepared text. */
export function sourceOffset(prepared: Prepared, offset: number): number {
  let shift = 0;
  for (const p of prepared.inserted) if (p < offset) shift++;
  return offset - shift;
}

function offsetOf(text: string, line: number, col: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, col - 1));
}

function describeAt(text: string, offset: number): string {
  const rest = text.slice(offset).trimStart();
  if (rest === '') return 'end of template';
  const token = /^(\w+|[^\w\s]{1,3})/.exec(rest)![0];
  return `"${token}"`;
}

// ---- reading the AST ---------------------------------------------------------

interface Value {
  /** Paths (segments joined by dots) whose value this value carries. */
  copies: string[];
  /** Segments of the path this value is exactly the value of (further literal lookups extend it). */
  path?: string[];
}

const COMPUTED: Value = { copies: [] };

const CONSTANT_NAMES = new Set(['None', 'True', 'False', 'none', 'true', 'false', 'loop']);

/** Filters whose output measures the input rather than carrying it. */
const MEASURES = new Set(['length', 'count', 'wordcount']);

/** Filters whose later arguments are alternative values (`x | default(y)`). */
const ALTERNATIVES = new Set(['default', 'd']);

interface Rendered {
  copies: string[];
  /** Pieces output along the longest branch: 0, 1 or 2 (two or more). */
  pieces: number;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  if (b.length === 0) return a as string[];
  if (a.length === 0) return b as string[];
  const out = [...a];
  for (const s of b) if (!out.includes(s)) out.push(s);
  return out;
}

function isNode(v: unknown): v is JNode {
  return typeof v === 'object' && v !== null && typeof (v as JNode).typename === 'string';
}

function literalOf(node: unknown): { value: unknown } | undefined {
  if (!isNode(node)) return undefined;
  if (node.typename === 'Literal') return { value: node.value };
  if (
    node.typename === 'Neg' &&
    isNode(node.target) &&
    node.target.typename === 'Literal' &&
    typeof node.target.value === 'number'
  )
    return { value: -node.target.value };
  return undefined;
}

class Reader {
  private readonly mentioned = new Set<string>();
  private readonly scopes: Map<string, Value>[] = [new Map()];

  /** The paths a value stands for, as read (not carried). */
  use(v: Value): void {
    for (const c of v.copies) this.mentioned.add(c);
    if (v.path) this.mentioned.add(v.path.join('.'));
  }

  private lookup(name: string): Value | undefined {
    for (let s = this.scopes.length - 1; s >= 0; s--) {
      const v = this.scopes[s].get(name);
      if (v) return v;
    }
    return undefined;
  }

  private bind(target: unknown, v: Value): void {
    if (!isNode(target)) return;
    if (target.typename === 'Symbol') this.scopes[this.scopes.length - 1].set(String(target.value), v);
    else for (const child of target.children ?? []) this.bind(child, { copies: v.copies });
  }

  /** The nodes of a NodeList, or of a plain array (`Compare.ops`, `Set.targets`). */
  private args(node: unknown): JNode[] {
    if (Array.isArray(node)) return node.filter(isNode);
    return isNode(node) ? (node.children ?? []) : [];
  }

  private read(node: unknown): void {
    if (isNode(node)) this.use(this.expr(node));
  }

  private member(target: Value, key: JNode): Value {
    const literal = literalOf(key);
    if (literal && typeof literal.value === 'string') {
      if (target.path) {
        const path = [...target.path, literal.value];
        return { copies: [path.join('.')], path };
      }
      return { copies: target.copies };
    }
    if (key.typename === 'Slice') {
      for (const f of ['start', 'stop', 'step']) this.read(key[f]);
      return target;
    }
    if (literal && typeof literal.value === 'number') return target;
    // A member chosen by a computed key (a translation table, a dynamic field): computed.
    this.use(target);
    this.read(key);
    return COMPUTED;
  }

  /** Either value: copies of both, the path of the one that carries something when only one does. */
  private either(a: Value, b: Value): Value {
    if (b.copies.length === 0 && !b.path) return a;
    if (a.copies.length === 0 && !a.path) return b;
    return { copies: union(a.copies, b.copies) };
  }

  expr(node: JNode): Value {
    switch (node.typename) {
      case 'Literal':
      case 'TemplateData':
        return COMPUTED;
      case 'Symbol': {
        const name = String(node.value);
        const local = this.lookup(name);
        if (local) return local;
        if (CONSTANT_NAMES.has(name)) return COMPUTED;
        return { copies: [name], path: [name] };
      }
      case 'LookupVal':
        return this.member(this.expr(node.target as JNode), node.val as JNode);
      case 'FunCall':
        return this.call(node);
      case 'Filter':
      case 'FilterAsync': {
        const [input, ...rest] = this.args(node.args);
        const name = isNode(node.name) ? String(node.name.value) : '';
        const v = input ? this.expr(input) : COMPUTED;
        if (MEASURES.has(name)) {
          this.use(v);
          for (const a of rest) this.read(a);
          return COMPUTED;
        }
        let out: Value = ALTERNATIVES.has(name) ? v : { copies: v.copies };
        for (const [k, a] of rest.entries()) {
          if (ALTERNATIVES.has(name) && k === 0) out = this.either(out, this.expr(a));
          else this.read(a);
        }
        return out;
      }
      case 'InlineIf':
        this.read(node.cond);
        return this.either(this.expr(node.body as JNode), isNode(node.else_) ? this.expr(node.else_) : COMPUTED);
      case 'Or':
        return this.either(this.expr(node.left as JNode), this.expr(node.right as JNode));
      case 'And':
        this.read(node.left);
        return this.expr(node.right as JNode);
      case 'Is': {
        this.read(node.left);
        // The right side names a test (`defined`, `divisibleby(3)`): only its arguments are read.
        const test = node.right;
        if (isNode(test) && test.typename === 'FunCall') for (const a of this.args(test.args)) this.read(a);
        else if (isNode(test) && test.typename !== 'Symbol') this.read(test);
        return COMPUTED;
      }
      case 'Compare':
        this.read(node.expr);
        for (const op of this.args(node.ops)) this.read(op.expr);
        return COMPUTED;
      case 'Group': {
        const items = this.args(node);
        if (items.length === 1) return this.expr(items[0]);
        return this.items(items);
      }
      case 'Array':
        return this.items(this.args(node));
      case 'Dict':
      case 'KeywordArgs':
        for (const pair of this.args(node)) {
          this.read(pair.key);
          this.read(pair.value);
        }
        return COMPUTED;
      case 'Capture': {
        const r = this.render(node.body);
        return r.pieces === 1 ? { copies: r.copies } : COMPUTED;
      }
      default:
        // Not, In, arithmetic, concatenation, and anything unexpected: computed from what it reads.
        this.readAll(node);
        return COMPUTED;
    }
  }

  private items(items: JNode[]): Value {
    let copies: string[] = [];
    for (const item of items) {
      const v = this.expr(item);
      copies = union(copies, v.copies);
      if (v.path) this.use(v);
    }
    return { copies };
  }

  private readAll(node: JNode): void {
    for (const f of node.children ? ['children'] : node.fields) {
      const v = node[f];
      if (Array.isArray(v)) for (const c of v) this.read(c);
      else this.read(v);
    }
  }

  private call(node: JNode): Value {
    const callee = node.name as JNode;
    const args = this.args(node.args);
    if (callee.typename !== 'LookupVal') {
      // A function (a global or a local): computed from its arguments.
      for (const a of args) this.read(a);
      return COMPUTED;
    }
    const method = literalOf(callee.val);
    const target = this.expr(callee.target as JNode);
    if (method?.value === 'get' && args.length >= 1 && args[0].typename !== 'KeywordArgs') {
      const v = this.member(target, args[0]);
      return args[1] ? this.either(v, this.expr(args[1])) : v;
    }
    if (!method || typeof method.value !== 'string') {
      this.use(target);
      for (const a of args) this.read(a);
      return COMPUTED;
    }
    for (const a of args) this.read(a);
    return { copies: target.copies };
  }

  /** What a list of statements outputs. */
  render(node: unknown): Rendered {
    if (!isNode(node)) return { copies: [], pieces: 0 };
    switch (node.typename) {
      case 'Root':
      case 'NodeList':
      case 'Output': {
        let copies: string[] = [];
        let pieces = 0;
        for (const child of node.children ?? []) {
          const r = this.statement(child);
          copies = union(copies, r.copies);
          pieces = Math.min(2, pieces + r.pieces);
        }
        return { copies, pieces };
      }
      default:
        return this.statement(node);
    }
  }

  private statement(node: JNode): Rendered {
    switch (node.typename) {
      case 'Root':
      case 'NodeList':
      case 'Output':
        return this.render(node);
      case 'TemplateData':
        return { copies: [], pieces: String(node.value ?? '').trim() === '' ? 0 : 1 };
      case 'If':
      case 'IfAsync': {
        this.read(node.cond);
        const a = this.render(node.body);
        const b = this.render(node.else_);
        return { copies: union(a.copies, b.copies), pieces: Math.max(a.pieces, b.pieces) };
      }
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        const iterable = this.expr(node.arr as JNode);
        this.use(iterable);
        this.scopes.push(new Map());
        const name = node.name as JNode;
        this.bind(name, name.typename === 'Symbol' ? iterable : { copies: iterable.copies });
        const body = this.render(node.body);
        this.scopes.pop();
        const otherwise = this.render(node.else_);
        // A loop's output is the concatenation of its iterations: computed from what they output.
        for (const c of body.copies) this.mentioned.add(c);
        if (body.pieces > 0) {
          for (const c of otherwise.copies) this.mentioned.add(c);
          return { copies: [], pieces: 2 };
        }
        return otherwise;
      }
      case 'Set': {
        const v = isNode(node.value) ? this.expr(node.value) : isNode(node.body) ? this.expr(node.body) : COMPUTED;
        this.use(v);
        for (const t of this.args(node.targets)) this.bind(t, v);
        return { copies: [], pieces: 0 };
      }
      case 'Switch': {
        this.read(node.expr);
        let copies: string[] = [];
        let pieces = 0;
        for (const c of this.args(node.cases)) {
          this.read(c.cond);
          const r = this.render(c.body);
          copies = union(copies, r.copies);
          pieces = Math.max(pieces, r.pieces);
        }
        const d = this.render(node.default);
        return { copies: union(copies, d.copies), pieces: Math.max(pieces, d.pieces) };
      }
      default: {
        if (
          node.typename === 'Macro' ||
          node.typename === 'Caller' ||
          node.typename === 'Block' ||
          node.typename === 'Import' ||
          node.typename === 'FromImport' ||
          node.typename === 'Include' ||
          node.typename === 'Extends' ||
          node.typename === 'CallExtension' ||
          node.typename === 'CallExtensionAsync'
        ) {
          // Not parser-template constructs: what they output is not followed.
          return { copies: [], pieces: 2 };
        }
        const v = this.expr(node);
        return { copies: v.copies, pieces: 1 };
      }
    }
  }

  /**
   * A template written as a list literal around its expressions
   * (`'["{{ a.b }}"]'`, `"['{{ a }}', '{{ b }}']"`): the rendered text is read
   * back as a list whose items are the expressions' values, as with `{{ [a.b] }}`.
   */
  listLiteral(root: JNode): Rendered | undefined {
    const parts: JNode[] = [];
    for (const output of root.children ?? []) {
      if (output.typename !== 'Output') return undefined;
      parts.push(...(output.children ?? []));
    }
    const text = (k: number) => (parts[k]?.typename === 'TemplateData' ? String(parts[k].value ?? '') : undefined);
    const last = parts.length - 1;
    if (last < 2 || last % 2 !== 0 || !/^\s*\[[\s"']*$/.test(text(0) ?? '') || !/^[\s"']*\]\s*$/.test(text(last) ?? ''))
      return undefined;
    // Expressions and separators alternate: each separator is one comma between quotes and blanks.
    for (let k = 1; k < last; k++) {
      const t = text(k);
      if (k % 2 === 1 ? t !== undefined : t === undefined || !/^[\s"']*,[\s"']*$/.test(t)) return undefined;
    }
    let copies: string[] = [];
    for (const p of parts) if (p.typename !== 'TemplateData') copies = union(copies, this.expr(p).copies);
    return { copies, pieces: 1 };
  }

  result(r: Rendered): { copies: string[]; reads: string[] } {
    const copies = r.pieces === 1 ? r.copies.filter((c) => c.includes('.')) : [];
    if (r.pieces !== 1) for (const c of r.copies) this.mentioned.add(c);
    const reads = [...this.mentioned].filter((p) => p.includes('.') && !copies.includes(p));
    return { copies, reads };
  }
}

/** `{{ a.b.c }}` alone: most templates, read without parsing (the same reading as the parser's). */
const PLAIN_PATH = /^\s*\{\{-?\s*([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)\s*-?\}\}\s*$/;
const KEYWORDS = new Set([
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
]);

/** The path of a template that is one plain dotted path, else undefined. */
export function plainPath(source: string): string | undefined {
  const m = PLAIN_PATH.exec(source);
  if (!m || CONSTANT_NAMES.has(m[1])) return undefined;
  const rest = m[2].slice(1).split('.');
  if (rest.some((s) => KEYWORDS.has(s))) return undefined;
  return `${m[1]}.${m[2].slice(1)}`;
}

/** Readings by template text: parsers repeat templates (within an intake, and across intakes of a vendor). */
const readings = new Map<string, TemplateReading>();
const MAX_READINGS = 100_000;

/** Read one template (a string holding `{{` or `{%`); never throws. The reading is shared: frozen. */
export function readTemplate(source: string): TemplateReading {
  const known = readings.get(source);
  if (known) return known;
  const plain = plainPath(source);
  const reading = plain === undefined ? readTemplateFully(source) : { copies: [plain], reads: [] };
  Object.freeze(reading.copies);
  Object.freeze(reading.reads);
  if (readings.size >= MAX_READINGS) readings.clear();
  readings.set(source, Object.freeze(reading));
  return reading;
}

/** `readTemplate` without the shortcut for plain paths. */
export function readTemplateFully(source: string): TemplateReading {
  const prepared = prepareJinja(source);
  let ast: JNode;
  try {
    ast = nunjucks.parser.parse(prepared.text);
  } catch (e) {
    const err = e as { lineno?: number; colno?: number; message?: string };
    // Without a position, the parser ran out of tokens: the problem is at the end.
    const at =
      typeof err.lineno === 'number' && typeof err.colno === 'number'
        ? offsetOf(prepared.text, err.lineno, err.colno)
        : prepared.text.length;
    const offset = sourceOffset(prepared, at);
    const why = String(err.message ?? e)
      .split('\n')
      .pop()!
      .trim();
    return {
      copies: [],
      reads: [],
      problem: {
        offset,
        message: `Unexpected ${describeAt(source, offset)} in template, expected a Jinja expression or statement (${why})`,
      },
    };
  }
  try {
    const reader = new Reader();
    return reader.result(reader.listLiteral(ast) ?? reader.render(ast));
  } catch (e) {
    // Deeply nested input may exhaust the stack while walking: reported, never thrown.
    return {
      copies: [],
      reads: [],
      problem: {
        offset: 0,
        message: `Unexpected template structure, expected one rulecat can walk (${(e as Error).message})`,
      },
    };
  }
}

/**
 * Rendered `{{#each}}` iterations remembered per item, so that a block seen
 * on many outputs is rendered once: a rule's block is the same on every
 * intake page listing it (2.5 M blocks for 100k distinct rules at 100k rules
 * × 10k intakes).
 *
 * Only iterations whose text can depend on nothing but the item are
 * remembered. Before compiling, each `{{#each}}` body is read (its
 * Handlebars syntax tree, and the partials it calls): it qualifies when it
 * reads no enclosing context (`../`), no `@root`, no `@index` or `@key` of
 * the iteration and no data beyond them, uses only `if`, `unless`, `with` and
 * nested `each` blocks, no decorator, no partial block or dynamic partial,
 * and no `log`. `@first` and `@last` are allowed: the text is remembered per
 * item and per value of those it reads. Helpers are pure functions of their
 * arguments, so such a body gives the same text for the same item (the same
 * object: views are not changed while rendering).
 *
 * Qualifying blocks get a hash argument naming them (`rulecatMemo=N`), which
 * the `each` helper below reads; `each` itself is Handlebars' own otherwise,
 * and behaves as it for every iteration it does not remember.
 */
import type Handlebars from 'handlebars';

/** The hash argument that marks a block whose iterations are remembered. */
export const MEMO_KEY = 'rulecatMemo';

/** Characters of block text remembered in all; past it, nothing more is remembered (still correct, only slower). */
export const MEMO_BUDGET = 64 * 1024 * 1024;

type Node = hbs.AST.Node;

/** What a block body reads of its own iteration. */
interface Reads {
  first: boolean;
  last: boolean;
}

/** Blocks whose helper keeps the iteration's data frame (`@first` there is the iteration's). */
const SAME_FRAME = new Set(['if', 'unless', 'with']);

class Impure extends Error {}

/** What the body reads of its iteration; throws Impure when its text may depend on more than the item. */
function readsOf(program: hbs.AST.Program, partials: ReadonlyMap<string, hbs.AST.Program | undefined>): Reads {
  const reads: Reads = { first: false, last: false };
  const visiting = new Set<string>();
  /** `own`: data at depth 0 is the iteration's frame (false inside a nested each). */
  const visit = (node: Node | null | undefined, own: boolean): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        for (const s of (node as hbs.AST.Program).body) visit(s, own);
        return;
      case 'ContentStatement':
      case 'CommentStatement':
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral':
      case 'UndefinedLiteral':
      case 'NullLiteral':
        return;
      case 'PathExpression': {
        const p = node as hbs.AST.PathExpression;
        if (p.depth > 0) throw new Impure();
        if (!p.data) return;
        const name = p.parts[0];
        if (own && name === 'first') reads.first = true;
        else if (own && name === 'last') reads.last = true;
        else if (own || !['first', 'last', 'index', 'key'].includes(name)) throw new Impure();
        return;
      }
      case 'MustacheStatement':
      case 'SubExpression': {
        const m = node as hbs.AST.MustacheStatement | hbs.AST.SubExpression;
        callee(m.path);
        visit(m.path, own);
        for (const p of m.params) visit(p, own);
        visitHash(m.hash, own);
        return;
      }
      case 'BlockStatement': {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.type === 'PathExpression' ? (b.path as hbs.AST.PathExpression).original : '';
        if (name !== 'each' && !SAME_FRAME.has(name)) throw new Impure();
        for (const p of b.params) visit(p, own);
        visitHash(b.hash, own);
        const inner = name === 'each' ? false : own;
        visit(b.program, inner);
        visit(b.inverse, own);
        return;
      }
      case 'PartialStatement': {
        const p = node as hbs.AST.PartialStatement;
        if (p.name.type !== 'PathExpression') throw new Impure();
        const name = (p.name as hbs.AST.PathExpression).original;
        const body = partials.get(name);
        if (!body || visiting.has(name)) throw new Impure();
        for (const param of p.params) visit(param, own);
        visitHash(p.hash, own);
        visiting.add(name);
        visit(body, own);
        visiting.delete(name);
        return;
      }
      default:
        // Partial blocks, decorators and anything unknown.
        throw new Impure();
    }
  };
  const visitHash = (hash: hbs.AST.Hash | undefined, own: boolean) => {
    for (const pair of hash?.pairs ?? []) visit(pair.value, own);
  };
  const callee = (path: hbs.AST.PathExpression | hbs.AST.Literal) => {
    if (path.type === 'PathExpression' && (path as hbs.AST.PathExpression).original === 'log') throw new Impure();
  };
  visit(program, true);
  return reads;
}

/** A qualifying block: what its body reads of the iteration. */
export type MemoBlocks = Reads[];

/**
 * Mark the qualifying `{{#each}}` blocks of a syntax tree (parsed without
 * whitespace processing); `partials` are the trees of the partials it may call.
 * Returns the tree, changed in place.
 */
export function markBlocks(
  program: hbs.AST.Program,
  partials: ReadonlyMap<string, hbs.AST.Program | undefined>,
  blocks: MemoBlocks,
): hbs.AST.Program {
  const walk = (node: Node | null | undefined): void => {
    if (!node) return;
    if (node.type === 'Program') for (const s of (node as hbs.AST.Program).body) walk(s);
    if (node.type !== 'BlockStatement') return;
    const b = node as hbs.AST.BlockStatement;
    walk(b.program);
    walk(b.inverse);
    if (b.path.type !== 'PathExpression' || (b.path as hbs.AST.PathExpression).original !== 'each') return;
    if (b.params.length !== 1 || (b.program.blockParams?.length ?? 0) > 0) return;
    if (b.hash?.pairs.some((p) => p.key === MEMO_KEY)) return;
    let reads: Reads;
    try {
      reads = readsOf(b.program, partials);
    } catch (e) {
      if (e instanceof Impure) return;
      throw e;
    }
    const id = blocks.push(reads) - 1;
    const value: hbs.AST.NumberLiteral = { type: 'NumberLiteral', value: id, original: id, loc: b.loc };
    const pair: hbs.AST.HashPair = { type: 'HashPair', key: MEMO_KEY, value, loc: b.loc };
    b.hash = b.hash ? { ...b.hash, pairs: [...b.hash.pairs, pair] } : { type: 'Hash', pairs: [pair], loc: b.loc };
  };
  walk(program);
  return program;
}

interface Remembered {
  /** Texts by variant (@first, @last as read). */
  texts: (string | undefined)[];
  /** Variants seen once: remembered the second time only, so one-off items (a catalog's sections) cost no memory. */
  seen: number;
}

type EachOptions = Handlebars.HelperOptions & { data?: Record<string, unknown> & object };

/**
 * The `each` helper: Handlebars' own, except that marked blocks over arrays
 * take an item's text from memory when that item was rendered before.
 */
export function memoEach(
  original: Handlebars.HelperDelegate,
  blocks: MemoBlocks,
  createFrame: (data: object) => Record<string, unknown>,
): Handlebars.HelperDelegate {
  // Blocks are marked as templates are compiled, after this helper is made.
  const memory: WeakMap<object, Remembered>[] = [];
  let budget = MEMO_BUDGET;
  return function (this: unknown, context: unknown, options: EachOptions) {
    const id = options?.hash?.[MEMO_KEY] as number | undefined;
    if (id === undefined || !Array.isArray(context) || !options.data || context.length === 0)
      return original.call(this, context, options);
    const reads = blocks[id];
    const remembered = (memory[id] ??= new WeakMap());
    const fn = options.fn;
    const data = createFrame(options.data);
    let ret = '';
    for (let i = 0, n = context.length; i < n; i++) {
      if (!(i in context)) continue;
      const value: unknown = context[i];
      const last = i === n - 1;
      data.key = i;
      data.index = i;
      data.first = i === 0;
      data.last = last;
      if (value === null || typeof value !== 'object') {
        ret += fn(value, { data, blockParams: [value, i] });
        continue;
      }
      const variant = (reads.first && i === 0 ? 1 : 0) + (reads.last && last ? 2 : 0);
      let entry = remembered.get(value);
      const known = entry?.texts[variant];
      if (known !== undefined) {
        ret += known;
        continue;
      }
      const text = fn(value, { data, blockParams: [value, i] }) as string;
      ret += text;
      if (!entry) remembered.set(value, (entry = { texts: [], seen: 0 }));
      if ((entry.seen & (1 << variant)) === 0) entry.seen |= 1 << variant;
      else if (budget >= text.length) {
        budget -= text.length;
        entry.texts[variant] = text;
      }
    }
    return ret;
  };
}

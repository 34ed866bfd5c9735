/**
 * Sigma condition grammar:
 *   expr    := and ('or' and)*
 *   and     := unary ('and' unary)*
 *   unary   := 'not' unary | primary
 *   primary := '(' expr ')' | ('1' | 'all') 'of' (pattern | 'them') | identifier
 * Keywords are case-insensitive. A pattern may use `*` as a wildcard.
 */

export type Condition =
  | { kind: 'ref'; name: string }
  | { kind: 'and'; items: Condition[] }
  | { kind: 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'of'; quantifier: 'one' | 'all'; pattern: string; names: string[] };

export interface ConditionProblem {
  /** 0-based offset in the condition text. */
  offset: number;
  message: string;
}

interface Token {
  text: string;
  offset: number;
}

const TOKEN = /\s*(\(|\)|[^\s()]+)/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    tokens.push({ text: m[1], offset: m.index + m[0].length - m[1].length });
  }
  return tokens;
}

/** Deepest nesting of parentheses and `not` accepted (deeper conditions are refused, not a stack overflow). */
export const MAX_CONDITION_DEPTH = 100;

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', '1', 'any']);
const IDENTIFIER = /^[A-Za-z0-9_*.-]+$/;

class ParseError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

function describe(token: Token | undefined): string {
  return token === undefined ? 'end of condition' : `"${token.text}" in condition`;
}

/** Parse a condition; on failure return the first problem with its offset. */
export function parseCondition(text: string): { condition?: Condition; problem?: ConditionProblem } {
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, word: string) => t !== undefined && t.text.toLowerCase() === word;
  const fail = (expected: string): never => {
    const t = peek();
    throw new ParseError(t?.offset ?? text.length, `Unexpected ${describe(t)}, expected ${expected}`);
  };

  const parseOr = (): Condition => {
    const items = [parseAnd()];
    while (isWord(peek(), 'or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (): Condition => {
    const items = [parseUnary()];
    while (isWord(peek(), 'and')) {
      pos++;
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const parseUnary = (): Condition => {
    const t = peek();
    if (!isWord(t, 'not') && t?.text !== '(') return parsePrimary();
    if (++depth > MAX_CONDITION_DEPTH) {
      throw new ParseError(
        t!.offset,
        `Unexpected ${describe(t)}: nesting deeper than ${MAX_CONDITION_DEPTH} levels, expected a simpler condition`,
      );
    }
    let inner: Condition;
    if (isWord(t, 'not')) {
      pos++;
      inner = { kind: 'not', item: parseUnary() };
    } else inner = parsePrimary();
    depth--;
    return inner;
  };
  const parsePrimary = (): Condition => {
    const t = peek();
    if (t === undefined) return fail('an identifier, "(", "not", "1 of" or "all of"');
    if (t.text === '(') {
      pos++;
      const inner = parseOr();
      if (peek()?.text !== ')') fail('")"');
      pos++;
      return inner;
    }
    const word = t.text.toLowerCase();
    if ((word === '1' || word === 'all' || word === 'any') && isWord(tokens[pos + 1], 'of')) {
      pos += 2;
      const target = peek();
      if (target === undefined || target.text === '(' || target.text === ')') fail('an identifier pattern or "them"');
      pos++;
      const pattern = target!.text.toLowerCase() === 'them' ? 'them' : target!.text;
      if (pattern !== 'them' && !IDENTIFIER.test(pattern)) {
        throw new ParseError(
          target!.offset,
          `Unexpected ${describe(target)}, expected an identifier pattern or "them"`,
        );
      }
      return { kind: 'of', quantifier: word === 'all' ? 'all' : 'one', pattern, names: [] };
    }
    if (t.text === ')' || KEYWORDS.has(word) || !IDENTIFIER.test(t.text) || t.text.includes('*')) {
      return fail('an identifier, "(", "not", "1 of" or "all of"');
    }
    pos++;
    return { kind: 'ref', name: t.text };
  };

  try {
    if (tokens.length === 0) fail('a condition');
    const condition = parseOr();
    if (pos < tokens.length) fail('"and", "or" or end of condition');
    return { condition };
  } catch (e) {
    if (e instanceof ParseError) return { problem: { offset: e.offset, message: e.message } };
    throw e;
  }
}

/** Does `name` match `pattern` (`*` = any run of characters)? Linear-time greedy matching, no regular expression to backtrack. */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = name.indexOf(middle, at);
    if (found < 0 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/**
 * Resolve `of` patterns against the rule's identifiers and check every
 * reference exists. `them` covers all identifiers except those starting with `_`.
 */
export function resolveCondition(
  condition: Condition,
  identifiers: readonly string[],
): { condition: Condition; problems: string[] } {
  const problems: string[] = [];
  const known = new Set(identifiers);
  const visit = (c: Condition): Condition => {
    switch (c.kind) {
      case 'ref':
        if (!known.has(c.name)) {
          problems.push(
            `Unknown search identifier "${c.name}" in condition, expected one of: ${identifiers.join(', ') || '(none defined)'}`,
          );
        }
        return c;
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map(visit) };
      case 'not':
        return { kind: 'not', item: visit(c.item) };
      case 'of': {
        const names =
          c.pattern === 'them'
            ? identifiers.filter((n) => !n.startsWith('_'))
            : identifiers.filter((n) => matchesPattern(c.pattern, n));
        if (names.length === 0) {
          problems.push(`No search identifier matches "${c.pattern}" in condition, expected at least one`);
        }
        return { ...c, names };
      }
    }
  };
  return { condition: visit(condition), problems };
}

/** Every identifier name a resolved condition refers to. */
export function referencedIdentifiers(condition: Condition): Set<string> {
  const out = new Set<string>();
  const visit = (c: Condition): void => {
    if (c.kind === 'ref') out.add(c.name);
    else if (c.kind === 'of') c.names.forEach((n) => out.add(n));
    else if (c.kind === 'not') visit(c.item);
    else c.items.forEach(visit);
  };
  visit(condition);
  return out;
}

/** Fold a resolved condition into a value of any algebra (booleans, bit sets, explanations). */
export interface ConditionAlgebra<T> {
  ref(name: string): T;
  and(items: T[]): T;
  or(items: T[]): T;
  not(inner: Condition): T;
}

export function foldCondition<T>(condition: Condition, algebra: ConditionAlgebra<T>): T {
  switch (condition.kind) {
    case 'ref':
      return algebra.ref(condition.name);
    case 'and':
      return algebra.and(condition.items.map((c) => foldCondition(c, algebra)));
    case 'or':
      return algebra.or(condition.items.map((c) => foldCondition(c, algebra)));
    case 'not':
      return algebra.not(condition.item);
    case 'of': {
      const items = condition.names.map((n) => algebra.ref(n));
      return condition.quantifier === 'all' ? algebra.and(items) : algebra.or(items);
    }
  }
}

/** Render a condition back to text (normalised: keywords lowercase, parentheses where needed). */
export function formatCondition(condition: Condition): string {
  switch (condition.kind) {
    case 'ref':
      return condition.name;
    case 'not':
      return `not ${wrap(condition.item)}`;
    case 'of':
      return `${condition.quantifier === 'all' ? 'all' : '1'} of ${condition.pattern}`;
    case 'and':
    case 'or':
      return condition.items.map(wrap).join(` ${condition.kind} `);
  }
}

function wrap(c: Condition): string {
  return c.kind === 'and' || c.kind === 'or' ? `(${formatCondition(c)})` : formatCondition(c);
}

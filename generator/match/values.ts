/**
 * Can a field test be true when its field only ever holds known literal
 * values? Follows Sigma's value semantics: case-insensitive equality with `*`
 * and `?` wildcards (unless `|cased`), `contains`/`startswith`/`endswith`,
 * `all` (every value must match), `re`, `cidr`, `windash`, numeric comparisons.
 * Whenever a test's meaning cannot be decided (encodings, field references,
 * invalid patterns, a boolean or a number against words), the answer is
 * "yes": a mismatch is only ever proven.
 */
import { warning, type Diagnostic } from '../diagnostics.js';
import type { FieldTest, Scalar } from '../model/detection.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { regexFlags, sigmaRegex, type SigmaRegex } from '../model/sigma-regex.js';
import { compileWildcard, foldText, matchWildcard, type Meter, type Placement, type Wildcard } from './wildcard.js';

const UNDECIDABLE = new Set([
  'base64',
  'base64offset',
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'fieldref',
  'expand',
  'neq',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);

/** `-` / `/` and the dash look-alikes are interchangeable at the start of an option. */
function windashVariants(value: string): string[] {
  const dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
  const out = new Set<string>([value]);
  for (const from of dashes) {
    if (!value.includes(from)) continue;
    for (const to of dashes) out.add(value.split(from).join(to));
  }
  return [...out];
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** Whether the IPv4 constant lies in the CIDR; undefined when either is not IPv4. */
function inCidr(constant: string, cidr: string): boolean | undefined {
  const [net, bitsText] = cidr.split('/');
  const ip = ipv4ToInt(constant);
  const base = ipv4ToInt(net);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (ip === undefined || base === undefined || !(bits >= 0 && bits <= 32)) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (ip & mask) >>> 0 === (base & mask) >>> 0;
}

function compareNumbers(modifier: string, constant: number, value: number): boolean {
  switch (modifier) {
    case 'lt':
      return constant < value;
    case 'lte':
      return constant <= value;
    case 'gt':
      return constant > value;
    default:
      return constant >= value;
  }
}

const BOOLEAN = /^(true|false)$/i;
const NUMBER = /^-?\d+(\.\d+)?$/;

interface Kind {
  boolean: boolean;
  number: boolean;
}

const kindOf = (text: string): Kind => ({ boolean: BOOLEAN.test(text), number: NUMBER.test(text) });

/** Booleans and numbers compared with words are of another kind: a mapping may translate them (`Initiated: true` → `network.direction: egress`). */
const sameKind = (value: Kind, constant: Kind) =>
  value.boolean === constant.boolean && !(value.number && !constant.number);

/**
 * Work allowed to judge one test against the constants of one field: a step
 * is a character compared (wildcards), a character times the size of the
 * compiled program (regular expressions: RE2's bound), a character read, or
 * a pair of value and constant. Past it the test counts as able to match and
 * the rule gets a warning (`budgetWarnings`).
 */
export const STEP_BUDGET = 100_000_000;

const wildcards = new Map<string, Wildcard[]>();
/** Compiled values kept between runs (a watch loop); forgotten all at once past this many. */
const KEEP = 10_000;

/** The wildcard patterns a value stands for under the modifiers (windash: one per dash variant). */
function valueWildcards(m: readonly string[], value: string): Wildcard[] {
  const key = `${m.join('|')}\u0000${value}`;
  let known = wildcards.get(key);
  if (!known) {
    const placement: Placement = m.includes('contains')
      ? 'contains'
      : m.includes('startswith')
        ? 'startswith'
        : m.includes('endswith')
          ? 'endswith'
          : 'equals';
    const caseless = !m.includes('cased');
    known = (m.includes('windash') ? windashVariants(value) : [value]).map((v) =>
      compileWildcard(v, placement, caseless),
    );
    if (wildcards.size >= KEEP) wildcards.clear();
    wildcards.set(key, known);
  }
  return known;
}

/**
 * What is known of one list of constants whatever the test: texts, kinds and
 * folded code units, computed once per list (a list is shared by the intakes
 * holding it and judged against many tests).
 */
interface ConstantFacts {
  texts: string[];
  kinds: Kind[];
  /** Sum of the texts' lengths: the steps reading them costs each judgement. */
  length: number;
  /** Folded code units (caseless, then cased), computed on first use. */
  folded: [(Uint16Array | undefined)[], (Uint16Array | undefined)[]];
  /** Per text and folding, the judgement that last paid for folding it (see `Constants.codeUnits`). */
  paid: [Float64Array, Float64Array];
}

const constantFacts = new WeakMap<readonly Scalar[], ConstantFacts>();

function factsOfConstants(values: readonly Scalar[]): ConstantFacts {
  let facts = constantFacts.get(values);
  if (!facts) {
    const texts = values.map((c) => String(c));
    facts = {
      texts,
      kinds: texts.map(kindOf),
      length: texts.reduce((n, t) => n + t.length, 0),
      folded: [[], []],
      paid: [new Float64Array(values.length), new Float64Array(values.length)],
    };
    constantFacts.set(values, facts);
  }
  return facts;
}

/** Judgements made so far: marks which texts one judgement has paid for. */
let judgements = 0;

/**
 * The constants of one judgement as texts, kinds and folded code units. The
 * work is shared between judgements (`factsOfConstants`), but each one is
 * charged the steps it would cost alone: reading every text, and folding a
 * text the first time it compares a value with it. So budgets, and hence
 * results, do not depend on what was judged before.
 */
class Constants {
  readonly texts: string[];
  readonly kinds: Kind[];
  private readonly facts: ConstantFacts;
  private readonly id: number;
  constructor(
    readonly values: readonly Scalar[],
    private readonly meter: Meter,
  ) {
    this.facts = factsOfConstants(values);
    this.texts = this.facts.texts;
    this.kinds = this.facts.kinds;
    this.id = ++judgements;
    meter.left -= this.facts.length;
  }
  /** Whether a value of this kind is compared with constant `i` at all. */
  comparable(i: number, kind: Kind): boolean {
    return this.values[i] !== null && sameKind(kind, this.kinds[i]);
  }
  codeUnits(i: number, caseless: boolean): Uint16Array {
    const which = caseless ? 0 : 1;
    const paid = this.facts.paid[which];
    if (paid[i] !== this.id) {
      paid[i] = this.id;
      this.meter.left -= this.texts[i].length;
    }
    const list = this.facts.folded[which];
    return (list[i] ??= foldText(this.texts[i], caseless));
  }
}

/** Whether a value can match constant `i`; undefined when undecidable (or when the meter ran out). */
type Comparison = (i: number) => boolean | undefined;

const UNKNOWN: Comparison = () => undefined;

/** A test value ready to be compared with constants: the value's own work (kind, pattern, program) done once. */
type PreparedValue =
  | { how: 'unknown' }
  | { how: 'numeric'; kind: Kind; modifier: string; number: number }
  | { how: 'exists'; kind: Kind }
  | { how: 'cidr'; kind: Kind; text: string }
  | { how: 're'; kind: Kind; re: Extract<SigmaRegex, { ok: true }> }
  | { how: 'wildcard'; kind: Kind; patterns: Wildcard[]; caseless: boolean };

function prepareValue(m: readonly string[], value: Scalar): PreparedValue {
  if (value === null) return { how: 'unknown' };
  const v = String(value);
  const kind = kindOf(v);
  const numeric = m.find((x) => x === 'lt' || x === 'lte' || x === 'gt' || x === 'gte');
  if (numeric) return { how: 'numeric', kind, modifier: numeric, number: Number(value) };
  if (m.includes('exists')) return { how: 'exists', kind };
  if (m.includes('cidr')) return { how: 'cidr', kind, text: v };
  if (m.includes('re')) {
    const re = sigmaRegex(v, regexFlags(m));
    return re.ok ? { how: 're', kind, re } : { how: 'unknown' }; // reported where the rule is read
  }
  const patterns = valueWildcards(m, v);
  return { how: 'wildcard', kind, patterns, caseless: patterns[0].caseless };
}

const preparedTests = new WeakMap<FieldTest, PreparedValue[]>();

/** The test's values prepared once per test (a test is judged against many lists of constants). */
function preparedValues(test: FieldTest): PreparedValue[] {
  let known = preparedTests.get(test);
  if (!known) preparedTests.set(test, (known = test.values.map((v) => prepareValue(test.modifiers, v))));
  return known;
}

/** How one test value is compared with each constant. */
function comparison(p: PreparedValue, constants: Constants, meter: Meter): Comparison {
  switch (p.how) {
    case 'unknown':
      return UNKNOWN;
    case 'numeric': {
      const { kind, modifier, number: b } = p;
      return (i) => {
        if (!constants.comparable(i, kind)) return undefined;
        const a = Number(constants.values[i]);
        return Number.isFinite(a) && Number.isFinite(b) ? compareNumbers(modifier, a, b) : undefined;
      };
    }
    case 'exists':
      return (i) => (constants.comparable(i, p.kind) ? true : undefined);
    case 'cidr':
      return (i) => (constants.comparable(i, p.kind) ? inCidr(constants.texts[i], p.text) : undefined);
    case 're': {
      const { kind, re } = p;
      return (i) => {
        if (!constants.comparable(i, kind)) return undefined;
        meter.left -= re.size * (constants.texts[i].length + 1);
        if (meter.left < 0) return undefined;
        try {
          return re.re.test(constants.texts[i]);
        } catch {
          return undefined;
        }
      };
    }
    case 'wildcard': {
      const { kind, patterns, caseless } = p;
      return (i) => {
        if (!constants.comparable(i, kind)) return undefined;
        const text = constants.codeUnits(i, caseless);
        let undecided = false;
        for (const pattern of patterns) {
          const r = matchWildcard(pattern, text, meter);
          if (r === true) return true;
          if (r === undefined) undecided = true;
        }
        return undecided ? undefined : false;
      };
    }
  }
}

export interface Judgement {
  canMatch: boolean;
  /** Steps spent (see STEP_BUDGET). */
  steps: number;
  /** The budget ran out before a mismatch was proven: `canMatch` is then true. */
  exhausted: boolean;
}

/**
 * Whether the test can be true on a field whose value is always one of
 * `constants`, within `budget` steps.
 */
export function judgeTest(test: FieldTest, constants: readonly Scalar[], budget = STEP_BUDGET): Judgement {
  if (constants.length === 0 || test.values.length === 0) return { canMatch: true, steps: 0, exhausted: false };
  if (test.modifiers.some((m) => UNDECIDABLE.has(m))) return { canMatch: true, steps: 0, exhausted: false };
  const meter: Meter = { left: budget };
  const known = new Constants(constants, meter);
  let exhausted = false;
  const prepared = preparedValues(test);
  const one = (_value: Scalar, index: number): boolean => {
    const compare = comparison(prepared[index], known, meter);
    for (let i = 0; i < constants.length; i++) {
      if (meter.left < 0) return (exhausted = true);
      meter.left -= 1;
      const r = compare(i);
      if (r === undefined && meter.left < 0) exhausted = true;
      if (r !== false) return true;
    }
    return false;
  };
  const canMatch = test.modifiers.includes('all') ? test.values.every(one) : test.values.some(one);
  return { canMatch, steps: budget - meter.left, exhausted };
}

const verdicts = new WeakMap<FieldTest, WeakMap<readonly Scalar[], boolean>>();
const overBudget = new WeakMap<FieldTest, WeakSet<readonly Scalar[]>>();

/**
 * Whether the test can be true on a field whose value is always one of
 * `constants` (for list fields: whose elements are among them). Judged once
 * per test and list of constants; a judgement that ran out of budget is
 * remembered for `budgetWarnings`.
 */
export function testCanMatchConstants(test: FieldTest, constants: readonly Scalar[]): boolean {
  let byConstants = verdicts.get(test);
  if (!byConstants) verdicts.set(test, (byConstants = new WeakMap()));
  let known = byConstants.get(constants);
  if (known === undefined) {
    const j = judgeTest(test, constants);
    known = j.canMatch;
    byConstants.set(constants, known);
    if (j.exhausted) {
      let lists = overBudget.get(test);
      if (!lists) overBudget.set(test, (lists = new WeakSet()));
      lists.add(constants);
    }
  }
  return known;
}

function* fieldTests(rule: Rule): Iterable<FieldTest> {
  for (const identifier of rule.detection?.identifiers ?? []) {
    for (const alternative of identifier.alternatives) if (alternative.kind === 'fields') yield* alternative.tests;
  }
}

/**
 * One warning per test of these rules whose judgement against the constants
 * of one of these intakes ran out of budget (after matching: the tests that
 * matching judged).
 */
export function budgetWarnings(rules: readonly Rule[], intakes: readonly Intake[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let lists: Set<readonly Scalar[]> | undefined;
  for (const rule of rules) {
    for (const test of fieldTests(rule)) {
      const over = overBudget.get(test);
      if (!over) continue;
      lists ??= new Set(intakes.flatMap((intake) => [...intake.constants.values()]));
      if (![...lists].some((l) => over.has(l))) continue;
      const key = [test.field, ...test.modifiers].join('|');
      out.push(
        warning(
          test.place,
          'match-budget',
          `Unexpected values of "${key}" too costly to compare with the constant values of intake fields (over ${STEP_BUDGET.toLocaleString('en')} steps), expected shorter values or patterns; the test counts as able to match`,
        ),
      );
    }
  }
  return out;
}

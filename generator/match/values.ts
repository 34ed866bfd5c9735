/**
 * Can a field test be true when its field only ever holds known literal
 * values? Follows Sigma's value semantics: case-insensitive equality with `*`
 * and `?` wildcards (unless `|cased`), `contains`/`startswith`/`endswith`,
 * `all` (every value must match), `re`, `cidr`, `windash`, numeric comparisons.
 * Whenever a test's meaning cannot be decided (encodings, field references,
 * invalid patterns, a boolean or a number against words), the answer is
 * "yes": a mismatch is only ever proven.
 */
import type { FieldTest, Scalar } from '../model/detection.js';

const UNDECIDABLE = new Set(['base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16', 'fieldref', 'expand', 'neq', 'minute', 'hour', 'day', 'week', 'month', 'year']);

/** Sigma wildcard pattern (`*`, `?`, `\` escapes) → regular-expression source. */
function wildcardSource(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length && '*?\\'.includes(value[i + 1])) {
      out += '\\' + value[++i];
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return out;
}

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

/** Booleans and numbers compared with words are of another kind: a mapping may translate them (`Initiated: true` → `network.direction: egress`). */
function sameKind(value: Scalar, constant: Scalar): boolean {
  const v = String(value);
  const c = String(constant);
  if (BOOLEAN.test(v) !== BOOLEAN.test(c)) return false;
  if (NUMBER.test(v) && !NUMBER.test(c)) return false;
  return true;
}

const patterns = new Map<string, RegExp>();

/** The regular expression a (wildcard) value stands for under the modifiers; windash variants as alternatives. */
function valuePattern(m: readonly string[], value: string): RegExp {
  const key = `${m.join('|')}\u0000${value}`;
  let re = patterns.get(key);
  if (!re) {
    const flags = m.includes('cased') ? 's' : 'is';
    const variants = (m.includes('windash') ? windashVariants(value) : [value]).map(wildcardSource);
    const core = variants.length === 1 ? variants[0] : `(?:${variants.join('|')})`;
    const source = m.includes('contains') ? core : m.includes('startswith') ? `^${core}` : m.includes('endswith') ? `${core}$` : `^${core}$`;
    patterns.set(key, (re = new RegExp(source, flags)));
  }
  return re;
}

/** Whether one test value can match one constant; undefined when undecidable. */
function valueMatches(test: FieldTest, value: Scalar, constant: Scalar): boolean | undefined {
  const m = test.modifiers;
  if (value === null || constant === null) return undefined;
  if (!sameKind(value, constant)) return undefined;
  const numeric = m.find((x) => x === 'lt' || x === 'lte' || x === 'gt' || x === 'gte');
  if (numeric) {
    const a = Number(constant);
    const b = Number(value);
    return Number.isFinite(a) && Number.isFinite(b) ? compareNumbers(numeric, a, b) : undefined;
  }
  const text = String(constant);
  if (m.includes('exists')) return true;
  if (m.includes('cidr')) return inCidr(text, String(value));
  if (m.includes('re')) {
    try {
      const flags = (m.includes('i') ? 'i' : '') + (m.includes('m') ? 'm' : '') + (m.includes('s') ? 's' : '');
      return new RegExp(String(value), flags).test(text);
    } catch {
      return undefined;
    }
  }
  return valuePattern(m, String(value)).test(text);
}

/**
 * Whether the test can be true on a field whose value is always one of
 * `constants` (for list fields: whose elements are among them).
 */
export function testCanMatchConstants(test: FieldTest, constants: readonly Scalar[]): boolean {
  if (constants.length === 0 || test.values.length === 0) return true;
  if (test.modifiers.some((m) => UNDECIDABLE.has(m))) return true;
  const one = (value: Scalar) => constants.some((c) => valueMatches(test, value, c) !== false);
  return test.modifiers.includes('all') ? test.values.every(one) : test.values.some(one);
}

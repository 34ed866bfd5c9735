/**
 * Does a rule's log source (product, service, category) fit an intake?
 * Decided from evidence in the intake (data sources, description, produced
 * fields, parser constants, values of its test events, module, name) with the
 * table in `generator/data/logsources.yaml`, whose kinds of intake (a forward
 * proxy, a host sensor...) other entries use; names are compared without
 * case. Every decision keeps its evidence for explain.
 */
import type { Intake } from '../model/intake.js';
import { logsourceName, type EvidenceItem, type LogsourceTable, type ValueEvidence } from '../model/logsource-table.js';
import type { LogSource } from '../model/rule.js';

export type { EvidenceItem, LogsourceTable, ValueEvidence };

export interface Fit {
  fits: boolean;
  /** One line per log-source key: what decided it. */
  evidence: string[];
}

const lower = (s: string) => s.toLowerCase();
const regexCache = new Map<string, RegExp>();

function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) regexCache.set(source, (re = new RegExp(source, 'i')));
  return re;
}

const prefixCache = new WeakMap<Intake, Map<string, boolean>>();

function fieldProduced(intake: Intake, pattern: string): boolean {
  if (!pattern.endsWith('.*')) return intake.fields.has(pattern);
  let known = prefixCache.get(intake);
  if (!known) prefixCache.set(intake, (known = new Map()));
  let answer = known.get(pattern);
  if (answer === undefined) {
    const prefix = pattern.slice(0, -1);
    answer = false;
    for (const f of intake.fields.keys()) {
      if (f.startsWith(prefix)) {
        answer = true;
        break;
      }
    }
    known.set(pattern, answer);
  }
  return answer;
}

/** An intake's names, data sources and constants in lower case, computed once per intake (performance only). */
interface Lowered {
  module: string[];
  dataSources: string[];
  constants: Map<string, string[]>;
}

const loweredCache = new WeakMap<Intake, Lowered>();

function lowered(intake: Intake): Lowered {
  let known = loweredCache.get(intake);
  if (!known) {
    known = {
      module: [intake.module.folder, intake.module.name ?? ''].map(lower),
      dataSources: intake.dataSources.map(lower),
      constants: new Map(),
    };
    loweredCache.set(intake, known);
  }
  return known;
}

function loweredConstants(intake: Intake, field: string): string[] {
  const known = lowered(intake).constants;
  let values = known.get(field);
  if (!values) known.set(field, (values = (intake.constants.get(field) ?? []).map((v) => lower(String(v)))));
  return values;
}

/** Values the intake writes in a field: parser constants, then values seen in its test events. */
function valuesOf(intake: Intake, pattern: string): { field: string; value: string; constant: boolean }[] {
  const out: { field: string; value: string; constant: boolean }[] = [];
  const add = (field: string) => {
    for (const v of intake.constants.get(field) ?? []) out.push({ field, value: String(v), constant: true });
    for (const v of intake.observed.get(field) ?? []) out.push({ field, value: String(v), constant: false });
  };
  if (!pattern.endsWith('.*')) add(pattern);
  else {
    const prefix = pattern.slice(0, -1);
    const fields = new Set([...intake.constants.keys(), ...intake.observed.keys()]);
    for (const f of [...fields].sort()) if (f.startsWith(prefix)) add(f);
  }
  return out;
}

const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Why the value evidence holds for the intake, or undefined when it does not. */
function valueHolds(v: ValueEvidence, intake: Intake): string | undefined {
  const re = regex(v.match);
  if (v.only) {
    // A constant field whose every value matches: every event of the intake is such.
    for (const field of v.fields) {
      const constants = field.endsWith('.*') ? undefined : intake.constants.get(field);
      if (constants && constants.length > 0 && constants.every((c) => re.test(String(c))))
        return `${field} is always ${constants.map((c) => quote(String(c))).join(' or ')} (parser constant)`;
    }
    return undefined;
  }
  // Distinct values, compared without case (`C:\\Windows` and `c:\\windows` are one path).
  const seen = new Map<string, { field: string; value: string; constant: boolean }>();
  for (const field of v.fields) {
    for (const found of valuesOf(intake, field)) {
      const key = found.value.toLowerCase();
      if (!seen.has(key) && re.test(found.value)) seen.set(key, found);
    }
  }
  if (seen.size < (v.atLeast ?? 1)) return undefined;
  const shown = [...seen.values()]
    .slice(0, 3)
    .map((found) => `${found.field} = ${quote(found.value)}${found.constant ? ' (parser constant)' : ''}`);
  return `${seen.size === 1 ? '' : `${seen.size} values: `}${shown.join(', ')}${seen.size > 3 ? ', ...' : ''}`;
}

/** Kinds being decided, to stop a kind defined through itself. */
const deciding = new Set<string>();
/** Answers of kinds, per table and intake. */
const kindMemo = new WeakMap<LogsourceTable, WeakMap<Intake, Map<string, string | null>>>();

/** Why the intake is of this kind (an entry of the table's `kinds`), or undefined. */
export function kindHolds(name: string, intake: Intake, table: LogsourceTable): string | undefined {
  let byIntake = kindMemo.get(table);
  if (!byIntake) kindMemo.set(table, (byIntake = new WeakMap()));
  let known = byIntake.get(intake);
  if (!known) byIntake.set(intake, (known = new Map()));
  const memo = known.get(name);
  if (memo !== undefined) return memo ?? undefined;
  const items = table.kinds?.[name];
  const key = `${name}\u0000${intake.uuid}`;
  if (!items || deciding.has(key)) return undefined; // unknown, or defined through itself: reported when the table is read
  deciding.add(key);
  let why: string | undefined;
  try {
    why = firstHolding(items, intake, table);
  } finally {
    deciding.delete(key);
  }
  known.set(name, why ?? null);
  return why;
}

/** Why the item holds for the intake, or undefined when it does not (`explain` false: no why, only whether). */
function itemHolds(item: EvidenceItem, intake: Intake, table: LogsourceTable, explain = true): string | undefined {
  const reasons: string[] | undefined = explain ? [] : undefined;
  if (item.module) {
    const names = lowered(intake).module;
    const hit = item.module.find((m) => names.includes(lower(m)));
    if (!hit) return undefined;
    reasons?.push(`module ${hit}`);
  }
  if (item.intake !== undefined) {
    const re = regex(item.intake);
    if (!re.test(intake.name) && !re.test(intake.slug)) return undefined;
    reasons?.push(`intake name matches /${item.intake}/`);
  }
  if (item.description !== undefined) {
    if (!regex(item.description).test(intake.description)) return undefined;
    reasons?.push(`description matches /${item.description}/`);
  }
  if (item.dataSource) {
    const own = lowered(intake).dataSources;
    const hit = item.dataSource.find((d) => own.includes(lower(d)));
    if (!hit) return undefined;
    reasons?.push(`data source "${hit}"`);
  }
  if (item.constant) {
    for (const [field, wanted] of Object.entries(item.constant)) {
      const values = loweredConstants(intake, field);
      const list = Array.isArray(wanted) ? wanted : [wanted];
      const hit = list.find((w) => values.includes(lower(String(w))));
      if (hit === undefined) return undefined;
      reasons?.push(`constant ${field} = ${String(hit)}`);
    }
  }
  for (const v of item.value ?? []) {
    const why = valueHolds(v, intake);
    if (why === undefined) return undefined;
    reasons?.push(why);
  }
  if (item.anyField) {
    const hit = item.anyField.find((f) => fieldProduced(intake, f));
    if (!hit) return undefined;
    reasons?.push(`field ${hit}`);
  }
  if (item.allFields) {
    if (!item.allFields.every((f) => fieldProduced(intake, f))) return undefined;
    reasons?.push(`fields ${item.allFields.join(', ')}`);
  }
  for (const k of item.kind ?? []) {
    const why = kindHolds(k, intake, table);
    if (why === undefined) return undefined;
    reasons?.push(`${k} (${why})`);
  }
  if (item.unless?.some((u) => itemHolds(u, intake, table, false) !== undefined)) return undefined;
  return reasons?.join(' and ') || 'always';
}

function firstHolding(
  items: readonly EvidenceItem[],
  intake: Intake,
  table: LogsourceTable,
  explain = true,
): string | undefined {
  for (const item of items) {
    const why = itemHolds(item, intake, table, explain);
    if (why !== undefined) return why;
  }
  return undefined;
}

/**
 * Lower-case words (runs of letters and digits, in any script) separated by
 * single spaces: `Palo Alto Networks` → `palo alto networks`, `Café_Logs` →
 * `café logs`; a name without letters or digits has no words (`''`).
 */
export const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const placesCache = new WeakMap<Intake, { text: string; spaced: string }[]>();

/** Where an intake names things: module folder, module name, intake name, slug (as words). */
export function namingPlaces(intake: Intake): { text: string; spaced: string }[] {
  let places = placesCache.get(intake);
  if (!places) {
    places = [intake.module.folder, intake.module.name ?? '', intake.name, intake.slug].map((text) => ({
      text,
      spaced: ` ${words(text)} `,
    }));
    placesCache.set(intake, places);
  }
  return places;
}

/** A product missing from the table fits an intake naming it as a word (module, name, slug). */
function productByName(product: string, intake: Intake): string | undefined {
  const named = words(product);
  if (named === '') return undefined; // no words: names nothing
  const wanted = ` ${named} `;
  const hit = namingPlaces(intake).find((p) => p.spaced.includes(wanted));
  return hit === undefined ? undefined : `"${hit.text}" names ${product}`;
}

export interface PartFit {
  fits: boolean;
  evidence: string;
}

/** The keys of a log source, each with how to decide it on an intake (and a cache key). */
export interface LogsourcePart {
  key: string;
  fit: (intake: Intake) => PartFit;
  /** Whether it fits, as `fit` decides, without the evidence (matching every intake). */
  holds: (intake: Intake) => boolean;
  /** Set when the part is decided by name only: no intake whose names lack these words can fit. */
  byName?: string;
}

/** The entry of a section for a log-source name, compared without case (table keys are read in lower case). */
function entry(section: Record<string, EvidenceItem[]>, name: string): EvidenceItem[] | undefined {
  if (Object.hasOwn(section, name)) return section[name];
  for (const key of Object.keys(section)) if (logsourceName(key) === name) return section[key];
  return undefined;
}

/**
 * The keys of a log source, each with how to decide it on an intake. Names
 * are compared without case (`product: Windows` is `windows`): Sigma's
 * log-source values are lower-case identifiers.
 */
export function logsourceParts(ls: LogSource, table: LogsourceTable): LogsourcePart[] {
  const parts: LogsourcePart[] = [];
  const productName = ls.product === undefined ? undefined : logsourceName(ls.product);
  if (productName !== undefined) {
    const product = productName;
    const items = entry(table.products, product);
    parts.push({
      key: `product\u0000${product}`,
      byName: items ? undefined : product,
      holds: (intake) =>
        (items ? firstHolding(items, intake, table, false) : productByName(product, intake)) !== undefined,
      fit: (intake) => {
        const why = items ? firstHolding(items, intake, table) : productByName(product, intake);
        return {
          fits: why !== undefined,
          evidence: `product ${product}: ${why ?? (items ? 'no evidence in the intake' : 'not in the table and not named by the intake')}`,
        };
      },
    });
  }
  if (ls.service !== undefined) {
    const service = logsourceName(ls.service);
    const items =
      entry(table.services, `${productName ?? ''}/${service}`) ??
      entry(table.services, `${productName ?? ''}/*`) ??
      entry(table.services, service);
    parts.push({
      key: `service\u0000${productName ?? ''}\u0000${service}`,
      byName: !items && productName === undefined ? service : undefined,
      holds: (intake) => {
        if (!items && productName === undefined) return productByName(service, intake) !== undefined;
        return !items || firstHolding(items, intake, table, false) !== undefined;
      },
      fit: (intake) => {
        if (!items && productName === undefined) {
          // A service without a product names the software itself (`service: apache`).
          const why = productByName(service, intake);
          return {
            fits: why !== undefined,
            evidence: `service ${service}: ${why ?? 'not in the table and not named by the intake'}`,
          };
        }
        if (!items) return { fits: true, evidence: `service ${service}: not in the table, not decided by log source` };
        const why = firstHolding(items, intake, table);
        return { fits: why !== undefined, evidence: `service ${service}: ${why ?? 'no evidence in the intake'}` };
      },
    });
  }
  if (ls.category !== undefined) {
    const category = logsourceName(ls.category);
    const items = entry(table.categories, category);
    parts.push({
      key: `category\u0000${category}`,
      holds: (intake) => !items || firstHolding(items, intake, table, false) !== undefined,
      fit: (intake) => {
        if (!items)
          return { fits: true, evidence: `category ${category}: not in the table, not decided by log source` };
        const why = firstHolding(items, intake, table);
        return { fits: why !== undefined, evidence: `category ${category}: ${why ?? 'no evidence in the intake'}` };
      },
    });
  }
  return parts;
}

export function logsourceFit(ls: LogSource, intake: Intake, table: LogsourceTable): Fit {
  const decided = logsourceParts(ls, table).map((p) => p.fit(intake));
  return { fits: decided.every((d) => d.fits), evidence: decided.map((d) => d.evidence) };
}

/**
 * Does a rule's log source (product, service, category) fit an intake?
 * Decided from evidence in the intake (module, name, data sources, constant
 * values, produced fields) with the table in `generator/data/logsources.yaml`;
 * every decision keeps its evidence for explain.
 */
import type { Intake } from '../model/intake.js';
import type { EvidenceItem, LogsourceTable } from '../model/logsource-table.js';
import type { LogSource } from '../model/rule.js';

export type { EvidenceItem, LogsourceTable };

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

/** Why the item holds for the intake, or undefined when it does not (`explain` false: no why, only whether). */
function itemHolds(item: EvidenceItem, intake: Intake, explain = true): string | undefined {
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
  if (item.anyField) {
    const hit = item.anyField.find((f) => fieldProduced(intake, f));
    if (!hit) return undefined;
    reasons?.push(`field ${hit}`);
  }
  if (item.allFields) {
    if (!item.allFields.every((f) => fieldProduced(intake, f))) return undefined;
    reasons?.push(`fields ${item.allFields.join(', ')}`);
  }
  if (item.unless && itemHolds(item.unless, intake, false) !== undefined) return undefined;
  return reasons?.join(' and ') || 'always';
}

function firstHolding(items: readonly EvidenceItem[], intake: Intake, explain = true): string | undefined {
  for (const item of items) {
    const why = itemHolds(item, intake, explain);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** Lower-case words separated by single spaces: `Palo Alto Networks` → `palo alto networks`. */
export const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
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
  const wanted = ` ${words(product)} `;
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

export function logsourceParts(ls: LogSource, table: LogsourceTable): LogsourcePart[] {
  const parts: LogsourcePart[] = [];
  if (ls.product !== undefined) {
    const product = ls.product;
    const items = table.products[product];
    parts.push({
      key: `product\u0000${product}`,
      byName: items ? undefined : product,
      holds: (intake) =>
        (items ? firstHolding(items, intake, false) : productByName(product, intake)) !== undefined,
      fit: (intake) => {
        const why = items ? firstHolding(items, intake) : productByName(product, intake);
        return {
          fits: why !== undefined,
          evidence: `product ${product}: ${why ?? (items ? 'no evidence in the intake' : 'not in the table and not named by the intake')}`,
        };
      },
    });
  }
  if (ls.service !== undefined) {
    const service = ls.service;
    const items =
      table.services[`${ls.product ?? ''}/${service}`] ??
      table.services[`${ls.product ?? ''}/*`] ??
      table.services[service];
    parts.push({
      key: `service\u0000${ls.product ?? ''}\u0000${service}`,
      byName: !items && ls.product === undefined ? service : undefined,
      holds: (intake) => {
        if (!items && ls.product === undefined) return productByName(service, intake) !== undefined;
        return !items || firstHolding(items, intake, false) !== undefined;
      },
      fit: (intake) => {
        if (!items && ls.product === undefined) {
          // A service without a product names the software itself (`service: apache`).
          const why = productByName(service, intake);
          return {
            fits: why !== undefined,
            evidence: `service ${service}: ${why ?? 'not in the table and not named by the intake'}`,
          };
        }
        if (!items) return { fits: true, evidence: `service ${service}: not in the table, not decided by log source` };
        const why = firstHolding(items, intake);
        return { fits: why !== undefined, evidence: `service ${service}: ${why ?? 'no evidence in the intake'}` };
      },
    });
  }
  if (ls.category !== undefined) {
    const category = ls.category;
    const items = table.categories[category];
    parts.push({
      key: `category\u0000${category}`,
      holds: (intake) => !items || firstHolding(items, intake, false) !== undefined,
      fit: (intake) => {
        if (!items)
          return { fits: true, evidence: `category ${category}: not in the table, not decided by log source` };
        const why = firstHolding(items, intake);
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

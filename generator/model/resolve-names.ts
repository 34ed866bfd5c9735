/**
 * Finding the rule or intake a person means: exact id/uuid, exact name
 * (then case-insensitive, when that is unique), else close matches to offer.
 */
import type { Intake } from './intake.js';
import type { Rule } from './rule.js';

/** Close matches of a query that names nothing (or several things: `ambiguous`). */
export interface Unresolved {
  close: string[];
  ambiguous: boolean;
}

export type Resolved<T> = { found: T } | ({ found?: undefined } & Unresolved);

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let last = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const old = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, last + (a[i - 1] === b[j - 1] ? 0 : 1));
      last = old;
    }
  }
  return prev[b.length];
}

function resolve<T>(
  query: string,
  items: readonly T[],
  keys: (item: T) => string[],
  label: (item: T) => string,
): Resolved<T> {
  const exact = items.filter((i) => keys(i).includes(query));
  if (exact.length === 1) return { found: exact[0] };
  const q = query.toLowerCase();
  const folded = exact.length > 1 ? exact : items.filter((i) => keys(i).some((k) => k.toLowerCase() === q));
  if (folded.length === 1) return { found: folded[0] };
  if (folded.length > 1) return { close: folded.map(label).sort(), ambiguous: true };
  const scored = items
    .map((item) => {
      const best = Math.min(...keys(item).map((k) => (k.toLowerCase().includes(q) ? 0 : distance(k.toLowerCase(), q))));
      return { item, best };
    })
    .filter((s) => s.best <= Math.max(2, Math.floor(q.length / 4)))
    .sort((a, b) => a.best - b.best || (label(a.item) < label(b.item) ? -1 : 1));
  return { close: scored.slice(0, 8).map((s) => label(s.item)), ambiguous: false };
}

export function resolveRule(query: string, rules: readonly Rule[]): Resolved<Rule> {
  return resolve(
    query,
    rules.filter((r) => r.kind !== 'filter'),
    (r) => [r.id, r.title],
    (r) => `${r.title} (${r.id})`,
  );
}

export function resolveIntake(query: string, intakes: readonly Intake[]): Resolved<Intake> {
  return resolve(
    query,
    intakes,
    (i) => [i.uuid, i.name, i.slug],
    (i) => `${i.name} (${i.uuid})`,
  );
}

export function describeUnresolved(kind: string, query: string, r: { close: string[]; ambiguous: boolean }): string {
  const head = r.ambiguous ? `${kind} "${query}" is ambiguous` : `Unknown ${kind} "${query}"`;
  return r.close.length > 0
    ? `${head}; close matches:\n${r.close.map((c) => `  ${c}`).join('\n')}`
    : `${head}; no close match`;
}

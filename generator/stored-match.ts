/**
 * Matching in a new process from the match a previous run stored
 * (`load/match-memo.ts`): when the intakes, mapping, tables, configuration and
 * code are those of that run, the stored result of every unchanged rule is
 * taken as is and only new or changed rules are matched (`match/rematch.ts`
 * does the rest, as for serve). The result is the same as matching the whole
 * catalog; anything that cannot be vouched for is matched again.
 */
import { createHash } from 'node:crypto';
import type { Config } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { matchInputsDigest, type RunFiles } from './load/input-files.js';
import { readMatchMemo, writeMatchMemo, type MatchMemo, type StoredRuleMatch } from './load/match-memo.js';
import type { Sources } from './load/sources.js';
import type { CatalogMatch } from './match/match-catalog.js';
import { budgetWarnings } from './match/values.js';
import type { Catalog } from './model/catalog.js';
import type { Intake } from './model/intake.js';
import type { Rule } from './model/rule.js';
import { codeFingerprint } from './write/run-memo.js';

/** Where a run's match is stored, and what identifies its rules and environment. */
export interface MatchStore {
  cacheDir: string;
  roots: string[];
  env: string;
  keys: Map<Rule, string>;
  /** The stored match (undefined: none for this environment). */
  stored?: MatchMemo;
}

/** The store for this run, or undefined when the run gives no walked files or they cannot all be hashed. */
export function openMatchStore(
  config: Config,
  cacheDir: string,
  files: RunFiles,
  sources: Sources,
): MatchStore | undefined {
  const inputs = matchInputsDigest(files);
  if (inputs === undefined) return undefined;
  // Every setting but the output folder (matching never looks at it): two output folders of the same inputs share it.
  const { out: _out, ...settings } = config;
  const env = createHash('sha1')
    .update(JSON.stringify(settings))
    .update(codeFingerprint())
    .update(inputs)
    .digest('hex');
  const roots = [...config.rules, '\u0000', ...config.intakes];
  const stored = readMatchMemo(cacheDir, roots);
  return { cacheDir, roots, env, keys: sources.ruleKeys(), stored: stored?.env === env ? stored : undefined };
}

/** Whether a stored entry has the shape this code writes (a damaged cache file is matched again, never trusted). */
function usable(found: StoredRuleMatch | undefined, intakes: number): found is StoredRuleMatch {
  return (
    typeof found === 'object' &&
    found !== null &&
    Array.isArray(found.intakes) &&
    found.intakes.every((i) => Number.isInteger(i) && i >= 0 && i < intakes) &&
    Array.isArray(found.warnings) &&
    found.warnings.every((w) => typeof w === 'object' && w !== null && typeof w.message === 'string')
  );
}

/**
 * The previous match as `rematch` takes it: the current catalog's unchanged
 * rules (same key) with their stored intakes. Undefined when nothing can be
 * taken, or when a rule went away and correlations (which may have counted
 * it) are in the catalog.
 */
export function storedBase(
  store: MatchStore,
  catalog: Catalog,
): { base: { catalog: Catalog; match: CatalogMatch }; warnings: Diagnostic[] } | undefined {
  const stored = store.stored;
  if (!stored) return undefined;
  const kept: Rule[] = [];
  const intakesByRule = new Map<Rule, Intake[]>();
  const warnings: Diagnostic[] = [];
  const present = new Set<string>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const key = store.keys.get(rule);
    const found = key === undefined ? undefined : stored.rules.get(key);
    if (!usable(found, catalog.intakes.length)) continue; // matched again
    present.add(key!);
    kept.push(rule);
    intakesByRule.set(
      rule,
      found.intakes.map((i) => catalog.intakes[i]),
    );
    warnings.push(...found.warnings);
  }
  if (kept.length === 0) return undefined;
  const gone = [...stored.rules.keys()].some((k) => !present.has(k));
  if (gone && catalog.rules.some((r) => r.kind === 'correlation')) return undefined;
  const keptSet = new Set(kept);
  const explicit = new Map([...catalog.explicit].filter(([rule]) => keptSet.has(rule)));
  return {
    base: {
      catalog: { ...catalog, rules: kept, explicit },
      match: { rulesByIntake: new Map(), intakesByRule },
    },
    warnings,
  };
}

/**
 * Store this run's match: every rule's intakes, and the warnings of the rules
 * matched now (`fresh`); a rule taken from the store keeps its stored ones.
 */
export function storeMatch(store: MatchStore, catalog: Catalog, match: CatalogMatch, fresh: ReadonlySet<Rule>): void {
  const position = new Map(catalog.intakes.map((intake, i) => [intake, i]));
  const rules = new Map<string, StoredRuleMatch>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    const key = store.keys.get(rule);
    if (key === undefined) continue;
    const old = fresh.has(rule) ? undefined : store.stored?.rules.get(key);
    rules.set(key, {
      intakes: (match.intakesByRule.get(rule) ?? []).map((i) => position.get(i)!),
      warnings: old ? old.warnings : budgetWarnings([rule], catalog.intakes),
    });
  }
  const same = store.stored && fresh.size === 0 && rules.size === store.stored.rules.size;
  if (!same) writeMatchMemo(store.cacheDir, store.roots, { env: store.env, rules });
}

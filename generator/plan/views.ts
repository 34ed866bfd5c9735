/**
 * What templates see: plain, sorted, render-ready views of the catalog.
 */
import type { CatalogMatch } from '../match/match-catalog.js';
import type { Catalog } from '../model/catalog.js';
import type { Rule } from '../model/rule.js';
import { attributionView } from './attribution-view.js';
import type { DocsViews } from './docs-views.js';
import { intakeInfo, intakeView, type IntakeView } from './intake-view.js';
import type { PlanOptions } from './plan-options.js';
import { rankRuleViews, ruleView, sortedNearMisses, uniqueTitles, type RuleView } from './rule-view.js';

export type { IntakeView, RuleView };

export interface Views extends Partial<Omit<DocsViews, 'intakes'>> {
  intakes: IntakeView[];
  rules: RuleView[];
}

/** Adds views of the whole documentation set, given the view of every rule and of every intake. */
export type ExtendViews = (ruleViews: ReadonlyMap<Rule, RuleView>, intakes: IntakeView[]) => Partial<DocsViews>;

/** Near misses per intake uuid, when asked for. */
export type NearMisses = ReadonlyMap<string, readonly { rule: Rule; fields: string[] }[]>;

export function buildViews(
  catalog: Catalog,
  match: CatalogMatch,
  config: PlanOptions,
  extend?: ExtendViews,
  nearMisses?: NearMisses,
  /** Version of the ATT&CK table in use (compat layers fall back to it). */
  tableVersion?: string,
): Views {
  const views = new Map<Rule, RuleView>();
  const attribute = (rule: Rule, view: RuleView) =>
    config.attribution ? { ...view, attribution: attributionView(rule, config.attribution, config.cwd) } : view;
  for (const rule of catalog.rules) if (rule.kind !== 'filter') views.set(rule, attribute(rule, ruleView(rule)));
  // Sorted once: every later sort of some of them compares ranks.
  const sorted = rankRuleViews([...views.values()]);
  const base: Views = {
    intakes: catalog.intakes.map((intake) =>
      intakeView(
        intakeInfo(intake),
        (match.rulesByIntake.get(intake.uuid) ?? []).map((r) => views.get(r)!),
        config,
        sortedNearMisses(nearMisses?.get(intake.uuid) ?? []),
        tableVersion,
      ),
    ),
    rules: uniqueTitles(sorted),
  };
  return extend ? { ...base, ...extend(views, base.intakes) } : base;
}

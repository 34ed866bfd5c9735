/**
 * One intake's page as `generate` plans it, for the commands that show a
 * single page (preview, serve): the same views, the same template.
 */
import type { OutputTemplate } from '../load/read-templates.js';
import type { MatchOptions } from '../match/match-catalog.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import { nearMisses } from '../match/near-miss.js';
import type { AttackIndex } from '../model/attack.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { attributionView } from './attribution-view.js';
import { styledIntakeView } from './docs-views.js';
import { intakeInfo, intakeView, type IntakeView } from './intake-view.js';
import type { PlanOptions } from './plan-options.js';
import { ruleView, sortedNearMisses, type NearMissView, type RuleView } from './rule-view.js';

/** Rule → its view (with attribution when configured), computed once per rule object. */
export function ruleViewer(options: Pick<PlanOptions, 'attribution' | 'cwd'>): (rule: Rule) => RuleView {
  const cache = new WeakMap<Rule, RuleView>();
  return (rule) => {
    let view = cache.get(rule);
    if (!view) {
      view = ruleView(rule);
      if (options.attribution) view = { ...view, attribution: attributionView(rule, options.attribution, options.cwd) };
      cache.set(rule, view);
    }
    return view;
  };
}

/** The near misses of an intake, as `generate` lists them (only when asked for: `enabled`). */
export function pageNearMisses(
  enabled: boolean,
  intake: Intake,
  catalog: Catalog,
  match: CatalogMatch,
  options: MatchOptions,
): NearMissView[] {
  return enabled ? sortedNearMisses(nearMisses(intake, catalog, match, options)) : [];
}

/** What the intake templates see for `intake`, given the rules applying to it (catalog order). */
export function pageView(
  intake: Intake,
  rules: readonly Rule[],
  options: PlanOptions,
  attack: AttackIndex | undefined,
  viewOf = ruleViewer(options),
  nearMiss: NearMissView[] = [],
): IntakeView {
  const views = rules.filter((r) => r.kind !== 'filter').map(viewOf);
  const view = intakeView(intakeInfo(intake), views, options, nearMiss, attack?.version);
  return attack ? styledIntakeView(view, views, options, attack) : view;
}

/** The template of intake pages: the `each: intake` template writing a `.md` file (`suggested_rules_*` first). */
export function pageTemplate(templates: readonly OutputTemplate[]): OutputTemplate | undefined {
  const candidates = templates.filter((t) => t.each === 'intake' && /\.md\s*$/.test(t.output));
  return candidates.find((t) => t.output.trim().startsWith('suggested_rules_')) ?? candidates[0];
}

/**
 * One intake's page, exactly as `generate` writes it: the same views, the
 * same template (the `each: intake` template whose output is a `.md` file),
 * the same renderer, but for that intake only.
 */
import type { Config } from '../config.js';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { markdownTexts } from '../docs-inputs.js';
import type { AttackIndex } from '../model/attack.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { attributionView } from '../plan/attribution-view.js';
import { styledIntakeView } from '../plan/docs-views.js';
import { planOutputs } from '../plan/plan-outputs.js';
import type { OutputTemplate } from '../plan/templates.js';
import { intakeInfo, intakeView, type IntakeView } from '../plan/intake-view.js';
import { ruleView, sortedNearMisses, type RuleView } from '../plan/rule-view.js';
import { nearMisses } from '../match/near-miss.js';
import type { MatchInputs } from '../load/read-match-inputs.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import { prepareMarkdown } from '../render/markdown.js';
import { renderFiles } from '../render/render.js';

/** Rule → its view (with attribution when configured), computed once per rule object. */
export function ruleViewer(config: Config): (rule: Rule) => RuleView {
  const cache = new WeakMap<Rule, RuleView>();
  return (rule) => {
    let view = cache.get(rule);
    if (!view) {
      view = ruleView(rule);
      if (config.attribution) view = { ...view, attribution: attributionView(rule, config.attribution, config.cwd) };
      cache.set(rule, view);
    }
    return view;
  };
}

/** The near misses of an intake when the configuration asks for them (`nearMiss`), as `generate` lists them. */
export function pageNearMisses(intake: Intake, catalog: Catalog, match: CatalogMatch, config: Config, matchInputs: MatchInputs) {
  return config.nearMiss && !config.rulesIndex ? sortedNearMisses(nearMisses(intake, catalog, match, { mode: config.match, ...matchInputs })) : [];
}

/** What the intake templates see for `intake`, given the rules applying to it (catalog order). */
export function pageView(
  intake: Intake,
  rules: readonly Rule[],
  config: Config,
  attack: AttackIndex | undefined,
  viewOf = ruleViewer(config),
  nearMiss: ReturnType<typeof sortedNearMisses> = [],
): IntakeView {
  const views = rules.filter((r) => r.kind !== 'filter').map(viewOf);
  const view = intakeView(intakeInfo(intake), views, config, nearMiss);
  return attack ? styledIntakeView(view, views, config, attack) : view;
}

/** The template of intake pages: the `each: intake` template writing a `.md` file (`suggested_rules_*` first). */
export function pageTemplate(templates: readonly OutputTemplate[]): OutputTemplate | undefined {
  const candidates = templates.filter((t) => t.each === 'intake' && /\.md\s*$/.test(t.output));
  return candidates.find((t) => t.output.trim().startsWith('suggested_rules_')) ?? candidates[0];
}

export interface RenderedPage {
  /** The page's text; absent when the template writes nothing for this intake or rendering failed. */
  markdown?: string;
  /** Output path the page has in `generate`'s output folder. */
  path?: string;
  diagnostics: Diagnostic[];
}

/** Render the page of one intake view. `rules` are the rules on the page (their texts decide whether markdown must be parsed). */
export async function renderPage(
  view: IntakeView,
  rules: readonly Rule[],
  templates: { templates: readonly OutputTemplate[]; partials: ReadonlyMap<string, string>; dir: string },
  config: Config,
): Promise<RenderedPage> {
  const diagnostics: Diagnostic[] = [];
  const template = pageTemplate(templates.templates);
  if (!template) {
    diagnostics.push(error(wholeFile(templates.dir), 'no-page-template', 'No intake page template, expected an "each: intake" template whose output ends in .md'));
    return { diagnostics };
  }
  const planned = planOutputs([template], { intakes: [view], rules: [] }, diagnostics);
  if (planned.length === 0) return { diagnostics };
  const onPage: Catalog = { rules: [...rules], intakes: [], explicit: new Map(), correlated: new Map() };
  await prepareMarkdown(markdownTexts(onPage, config));
  const [file] = renderFiles(planned, templates.partials, diagnostics);
  return { markdown: file?.content, path: planned[0].path, diagnostics };
}

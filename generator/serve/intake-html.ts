/**
 * An intake's page as HTML: the generated markdown rendered the way MkDocs
 * Material shows it, and the coverage matrix of the rules applying to it.
 * Used by `rulecat serve` and by `rulecat preview --html`.
 */
import type { AttackIndex } from '../model/attack.js';
import type { IntakeView } from '../plan/intake-view.js';
import type { RuleView } from '../plan/rule-view.js';
import { coverageMatrix } from './coverage-matrix.js';
import { raw, type SafeHtml } from './html.js';
import type { MarkdownToHtml } from './markdown-html.js';
import { matrixHtml } from './matrix-html.js';
import { intakeBody, layout } from './pages.js';

/**
 * What the rules of an intake cover, counted as the matrix draws it: ATT&CK
 * techniques (a sub-technique's rules count for its technique) and
 * sub-techniques, active in the shipped table. Without a table: the distinct
 * technique IDs of the layer, all counted as techniques.
 */
export function coverageCounts(
  view: IntakeView,
  ruleViews: readonly RuleView[],
  attack: AttackIndex | undefined,
): { techniqueCount: number; subtechniqueCount: number } {
  if (attack) {
    const m = coverageMatrix(ruleViews, attack);
    return { techniqueCount: m.techniqueCount, subtechniqueCount: m.subtechniqueCount };
  }
  const techniques = (view.layer as { techniques?: { techniqueID?: unknown }[] }).techniques ?? [];
  return { techniqueCount: new Set(techniques.map((t) => t.techniqueID)).size, subtechniqueCount: 0 };
}

export interface IntakeHtmlInput {
  view: IntakeView;
  /** Views of every rule applying to the intake (titles may repeat). */
  ruleViews: readonly RuleView[];
  attack?: AttackIndex;
  /** The page's markdown rendered to HTML. */
  pageHtml: string;
  markdownHref?: string;
}

export function intakeHtmlBody(o: IntakeHtmlInput): SafeHtml {
  const coverage = o.attack ? coverageMatrix(o.ruleViews, o.attack) : undefined;
  const matrix = coverage ? matrixHtml(coverage) : raw('');
  const i = o.view.intake;
  return intakeBody({
    name: i.name,
    uuid: i.uuid,
    module: i.module,
    rules: o.view.rules.length,
    coverage: coverage ?? coverageCounts(o.view, o.ruleViews, undefined),
    page: raw(o.pageHtml),
    matrix,
    markdownHref: o.markdownHref,
  });
}

/** A standalone HTML document (no script, no server): `rulecat preview --html`. */
export function standaloneIntakeHtml(
  o: Omit<IntakeHtmlInput, 'pageHtml' | 'markdownHref'> & { markdown: string; toHtml: MarkdownToHtml },
): string {
  return layout({
    title: `${o.view.intake.name} · rulecat preview`,
    body: intakeHtmlBody({ ...o, pageHtml: o.toHtml(o.markdown) }),
  });
}

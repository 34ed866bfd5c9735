/**
 * The page of one intake, doing only the work that intake needs: the
 * pipeline reads every rule, every intake manifest (to find the intake and
 * resolve the rules' `intakes:` lists) and that one intake's folder, and
 * matches only that intake; the page is rendered as `generate` writes it.
 * Nothing is written.
 */
import type { Config } from './config.js';
import type { LeftOut } from './isolate.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { AttackIndex } from './model/attack.js';
import type { Catalog } from './model/catalog.js';
import type { Intake } from './model/intake.js';
import type { Unresolved } from './model/resolve-names.js';
import type { Rule } from './model/rule.js';
import type { IntakeView } from './plan/intake-view.js';
import { pageNearMisses, pageView, ruleViewer } from './plan/page-view.js';
import type { RuleView } from './plan/rule-view.js';
import { matchOptions, runPipeline } from './pipeline.js';
import { renderPage } from './render/render-page.js';
import { timed, timedAsync, type Timings } from './timing.js';

export interface PreviewResult {
  /** The page as `generate` writes it; absent when there are errors or the intake is not found. */
  markdown?: string;
  /** The page's file name in the output folder. */
  path?: string;
  intake?: Intake;
  view?: IntakeView;
  /** Rules applying to the intake, in catalog order. */
  rules?: Rule[];
  /** Their views (titles may repeat; the page lists each title once). */
  ruleViews?: RuleView[];
  /** The catalog as far as this preview read it: every rule, the chosen intake, the other intakes' identities. */
  catalog?: Catalog;
  attack?: AttackIndex;
  /** Set when `query` names no intake, or several. */
  unresolved?: Unresolved;
  /** Every problem of the inputs read (errors of left-out inputs included). */
  diagnostics: Diagnostic[];
  /** Rule files and intake folders with errors, left out of the page (the page is the one they would give if absent). */
  leftOut?: LeftOut;
}

export async function previewIntake(config: Config, query: string, timings?: Timings): Promise<PreviewResult> {
  const state = await runPipeline(config, { intake: query, timings, isolate: true });
  const { catalog, attack, intake, match, leftOut } = state;
  if (state.unresolved) return { unresolved: state.unresolved, diagnostics: state.diagnostics };
  if (!intake || !match) return { intake, catalog, attack, diagnostics: state.diagnostics };
  const blocking = (list: readonly Diagnostic[]) =>
    hasErrors(leftOut ? list.filter((d) => !inLeftOut(d, leftOut)) : list);
  const applying = match.rulesByIntake.get(intake.uuid) ?? [];
  const viewOf = ruleViewer(config);
  const near = timed(timings, 'match', () =>
    pageNearMisses(
      !!config.nearMiss && !config.rulesIndex,
      intake,
      catalog,
      match,
      matchOptions(config, state.matchInputs),
    ),
  );
  const view = pageView(intake, applying, config, attack, viewOf, near);
  const page = await timedAsync(timings, 'render', () =>
    renderPage(view, applying, state.templates, config.attribution?.notice),
  );
  const diagnostics = sortDiagnostics([...state.diagnostics, ...page.diagnostics]);
  return {
    markdown: blocking(diagnostics) ? undefined : page.markdown,
    path: page.path,
    intake,
    view,
    rules: applying,
    ruleViews: applying.map(viewOf),
    catalog,
    attack,
    diagnostics,
    leftOut,
  };
}

/** Whether the diagnostic is about an input left out. */
function inLeftOut(d: Diagnostic, leftOut: LeftOut): boolean {
  return leftOut.files.includes(d.file);
}

/**
 * The pipeline as functions: load → model → match → plan → render (writing
 * is `generate.ts`). No argv, no console: callers get values back.
 */
import type { Config } from './config.js';
import { error, hasErrors, sortDiagnostics, wholeFile, type Diagnostic } from './diagnostics.js';
import { checkDocsInputs, importCatalog, markdownTexts } from './docs-inputs.js';
import { readIntakes } from './load/read-intakes.js';
import { readMatchInputs, type MatchInputs } from './load/read-match-inputs.js';
import { prefillCache } from './load/parallel-prefill.js';
import { readRules } from './load/read-rules.js';
import { matchExplicit } from './match/explicit-match.js';
import { matchCatalog, type CatalogMatch } from './match/match-catalog.js';
import { budgetWarnings } from './match/values.js';
import { nearMisses } from './match/near-miss.js';
import type { AttackIndex } from './model/attack.js';
import { buildCatalog, type Catalog } from './model/catalog.js';
import { docsViews } from './plan/docs-views.js';
import { planOutputs } from './plan/plan-outputs.js';
import { loadTemplates } from './plan/templates.js';
import { buildViews, type Views } from './plan/views.js';
import { prepareMarkdown } from './render/markdown.js';
import { renderFiles, type RenderedFile } from './render/render.js';
import { timed, timedAsync, type Timings } from './timing.js';

export interface Loaded {
  catalog: Catalog;
  matchInputs: MatchInputs;
  diagnostics: Diagnostic[];
  ruleFiles: number;
  /** The ATT&CK table (absent when it could not be read). */
  attack?: AttackIndex;
}

/** Read rules and intakes and check them together. */
export function loadCatalog(config: Config, timings?: Timings): Loaded {
  const diagnostics: Diagnostic[] = [];
  if (config.rules.length === 0 && !config.rulesIndex) diagnostics.push(error(wholeFile('(configuration)'), 'no-rules', 'No rule folder given, expected --rules DIR or "rules:" in rulecat.config.yaml'));
  if (config.intakes.length === 0) diagnostics.push(error(wholeFile('(configuration)'), 'no-intakes', 'No intake folder given, expected --intakes DIR or "intakes:" in rulecat.config.yaml'));
  const rules = config.rulesIndex
    ? { rules: [], diagnostics: [], files: 0 }
    : timed(timings, 'load rules', () => readRules(config.rules, { effortByLevel: config.effortByLevel }, config.cwd, config.cache || undefined));
  const intakes = timed(timings, 'load intakes', () => readIntakes(config.intakes, { platformFields: config.platformFields }, config.cwd, config.cache || undefined));
  diagnostics.push(...rules.diagnostics, ...intakes.diagnostics);
  const catalog = timed(timings, 'model', () =>
    config.rulesIndex ? importCatalog(config.rulesIndex, config, intakes.intakes, diagnostics) : buildCatalog(rules.rules, intakes.intakes, diagnostics),
  );
  const attack = timed(timings, 'model', () => checkDocsInputs(config, catalog, diagnostics));
  const matchInputs = timed(timings, 'load mappings', () => readMatchInputs(config, diagnostics));
  return { catalog, matchInputs, diagnostics, ruleFiles: rules.files, attack };
}

export interface BuildResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  catalog?: Catalog;
  matchInputs?: MatchInputs;
  match?: CatalogMatch;
  views?: Views;
}

/** Everything up to rendered file contents, in memory. Nothing is rendered when inputs have errors. */
export async function build(config: Config, timings?: Timings, keepBytes = Infinity): Promise<BuildResult> {
  if (config.cache && !config.rulesIndex) {
    // Inputs missing from the cache are parsed on every core first; the loaders then find them all.
    const cacheDir = config.cache;
    await timedAsync(timings, 'parse (parallel)', () =>
      prefillCache({ rules: config.rules, intakes: config.intakes, ruleOptions: { effortByLevel: config.effortByLevel }, intakeOptions: { platformFields: config.platformFields }, cwd: config.cwd, cacheDir }),
    );
  }
  const { catalog, matchInputs, diagnostics, attack } = loadCatalog(config, timings);
  const templates = timed(timings, 'plan', () => loadTemplates(config.templates, config.cwd));
  diagnostics.push(...templates.diagnostics);
  if (hasErrors(diagnostics)) return { files: [], diagnostics: sortDiagnostics(diagnostics), catalog };
  const match = timed(timings, 'match', () => (config.rulesIndex ? matchExplicit(catalog) : matchCatalog(catalog, { mode: config.match, ...matchInputs })));
  diagnostics.push(...budgetWarnings(catalog.rules, catalog.intakes));
  const near = config.nearMiss && !config.rulesIndex
    ? timed(timings, 'match', () => new Map(catalog.intakes.map((i) => [i.uuid, nearMisses(i, catalog, match, { mode: config.match, ...matchInputs })])))
    : undefined;
  const views = timed(timings, 'plan', () =>
    buildViews(catalog, match, config, attack && ((ruleViews, intakes) => docsViews(catalog, match, config, attack, ruleViews, intakes)), near),
  );
  const planned = timed(timings, 'plan', () => planOutputs(templates.templates, views, diagnostics));
  await timedAsync(timings, 'render', () => prepareMarkdown(markdownTexts(catalog, config)));
  const files = hasErrors(diagnostics) ? [] : timed(timings, 'render', () => renderFiles(planned, templates.partials, diagnostics, keepBytes));
  return { files: hasErrors(diagnostics) ? [] : files, diagnostics: sortDiagnostics(diagnostics), catalog, matchInputs, match, views };
}


/**
 * Every output of a pipeline state, rendered in memory: the views of the
 * catalog, the plan (one file per template and item), the rendered files.
 * `generate` writes them; tests and `--check` compare them. No file system.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { CatalogMatch } from './match/match-catalog.js';
import { nearMisses } from './match/near-miss.js';
import type { Catalog } from './model/catalog.js';
import type { RunFiles } from './load/input-files.js';
import type { MatchInputs } from './load/read-match-inputs.js';
import { docsViews } from './plan/docs-views.js';
import { planOutputs } from './plan/plan-outputs.js';
import { buildViews, type Views } from './plan/views.js';
import { validateLayerFiles } from './plan/validate-layers.js';
import path from 'node:path';
import { matchOptions, runPipeline, type PipelineState } from './pipeline.js';
import { baseUrlWarnings, type Config } from './config.js';
import { prepareMarkdown } from './render/markdown.js';
import { renderFiles, type RenderedFile } from './render/render.js';
import { markdownTexts } from './render/render-page.js';
import { timed, timedAsync, type Timings } from './timing.js';

export interface BuildResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  catalog?: Catalog;
  matchInputs?: MatchInputs;
  match?: CatalogMatch;
  views?: Views;
  /** The pipeline's state the outputs were built from. */
  state?: PipelineState;
}

/** Render every output of `state`. Nothing is rendered when its inputs have errors. */
export async function buildOutputs(
  state: PipelineState,
  timings?: Timings,
  keepBytes = Infinity,
): Promise<BuildResult> {
  const { config, catalog, match, attack } = state;
  const diagnostics = [...state.diagnostics, ...baseUrlWarnings(config)];
  const base = { catalog, matchInputs: state.matchInputs, state };
  if (!match || hasErrors(diagnostics)) return { files: [], diagnostics, ...base };
  const options = matchOptions(config, state.matchInputs);
  const near =
    config.nearMiss && !config.rulesIndex
      ? timed(
          timings,
          'match',
          () => new Map(catalog.intakes.map((i) => [i.uuid, nearMisses(i, catalog, match, options)])),
        )
      : undefined;
  const views = timed(timings, 'plan', () =>
    buildViews(
      catalog,
      match,
      config,
      attack && ((ruleViews, intakes) => docsViews(catalog, match, config, attack, ruleViews, intakes)),
      near,
      attack?.version,
    ),
  );
  const planned = timed(timings, 'plan', () => planOutputs(state.templates.templates, views, diagnostics));
  await timedAsync(timings, 'render', () => prepareMarkdown(markdownTexts(catalog.rules, config.attribution?.notice)));
  const files = hasErrors(diagnostics)
    ? []
    : timed(timings, 'render', () => renderFiles(planned, state.templates.partials, diagnostics, keepBytes));
  timed(timings, 'render', () =>
    validateLayerFiles(files, path.relative(config.cwd, config.out).split(path.sep).join('/'), diagnostics),
  );
  return {
    files: hasErrors(diagnostics) ? [] : files,
    diagnostics: sortDiagnostics(diagnostics),
    ...base,
    match,
    views,
  };
}

/** Run the pipeline on `config` and render every output in memory (`files`: the inputs, when already read). */
export async function build(
  config: Config,
  timings?: Timings,
  keepBytes = Infinity,
  files?: RunFiles,
): Promise<BuildResult> {
  return buildOutputs(await runPipeline(config, { timings, files }), timings, keepBytes);
}

/**
 * Every output of a pipeline state: the views of the catalog, the plan (one
 * file per template and item), the rendered files. `build` renders them all
 * in memory (tests, the library); `generate` renders them one at a time and
 * compares each with the output folder as it goes (`streamOutputs`), so that
 * memory does not grow with the size of the output.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import type { CatalogMatch } from './match/match-catalog.js';
import { nearMisses } from './match/near-miss.js';
import type { Catalog } from './model/catalog.js';
import type { RunFiles } from './load/input-files.js';
import type { MatchInputs } from './load/read-match-inputs.js';
import { docsViews } from './plan/docs-views.js';
import { planOutputs, type PlannedFile } from './plan/plan-outputs.js';
import { buildViews, type Views } from './plan/views.js';
import { validateLayerFiles } from './plan/validate-layers.js';
import path from 'node:path';
import { matchOptions, runPipeline, type PipelineState } from './pipeline.js';
import { baseUrlWarnings, type Config } from './config.js';
import { prepareMarkdown } from './render/markdown.js';
import { createRenderer, renderError, renderFiles, type RenderedFile } from './render/render.js';
import { sha256 } from './hash.js';
import type { StagedOutput } from './write/apply-output.js';
import { diskReader, ownedLeftovers, startDiff, type OutputDiff } from './write/diff-output.js';
import { markdownTexts } from './render/render-page.js';
import { clock, PHASE_START, timed, timedAsync, type Timings } from './timing.js';

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

/** What is needed to render the outputs of a state: the plan, the partials, and what the build result reports. */
export interface PreparedOutputs {
  planned: PlannedFile[];
  partials: ReadonlyMap<string, string>;
  /** Every problem so far, including planning's; nothing is rendered when they hold an error. */
  diagnostics: Diagnostic[];
  result: Omit<BuildResult, 'files' | 'diagnostics'>;
}

/** Views and plan of every output of `state`, ready to render (markdown parser loaded when a text needs it). */
export async function prepareOutputs(state: PipelineState, timings?: Timings): Promise<PreparedOutputs> {
  const { config, catalog, match, attack } = state;
  const diagnostics = [...state.diagnostics, ...baseUrlWarnings(config)];
  const base = { catalog, matchInputs: state.matchInputs, state };
  const partials = state.templates.partials;
  if (!match || hasErrors(diagnostics)) return { planned: [], partials, diagnostics, result: base };
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
  return { planned, partials, diagnostics, result: { ...base, match, views } };
}

/** Render every output of `state`. Nothing is rendered when its inputs have errors. */
export async function buildOutputs(
  state: PipelineState,
  timings?: Timings,
  keepBytes = Infinity,
): Promise<BuildResult> {
  const { planned, partials, diagnostics, result } = await prepareOutputs(state, timings);
  const files = hasErrors(diagnostics)
    ? []
    : timed(timings, 'render', () => renderFiles(planned, partials, diagnostics, keepBytes));
  timed(timings, 'render', () => validateLayerFiles(files, outDisplay(state.config), diagnostics));
  return {
    ...result,
    files: hasErrors(diagnostics) ? [] : files,
    diagnostics: sortDiagnostics(diagnostics),
  };
}

/** The output folder as layer diagnostics name it (relative to the working folder, with slashes). */
function outDisplay(config: Config): string {
  return path.relative(config.cwd, config.out).split(path.sep).join('/');
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

/** A file of the run: its content rendered again when read (the run keeps only its path and hash). */
function lazyFile(file: PlannedFile, render: (file: PlannedFile) => string, hash: string): RenderedFile {
  return {
    path: file.path,
    template: file.template.name,
    hash,
    get content() {
      return render(file);
    },
  };
}

export interface Streamed {
  files: RenderedFile[];
  diff: OutputDiff;
}

/**
 * Render the planned files one at a time, compare each with the output
 * folder and, when `staged` is given, stage the new and changed ones: only
 * one output is in memory at a time (besides remembered rule blocks). A
 * template error is reported and nothing more is staged (the run then writes
 * nothing), but rendering goes on to report every template error.
 */
export function streamOutputs(
  prepared: PreparedOutputs,
  config: Config,
  staged: StagedOutput | undefined,
  timings: Timings | undefined,
): Streamed | undefined {
  const outDir = config.out;
  const render = createRenderer(prepared.partials);
  const reader = diskReader(outDir, config.cwd);
  const shownOut = outDisplay(config);
  const diff: OutputDiff = timed(timings, 'diff', () => startDiff(outDir));
  const files: RenderedFile[] = [];
  let failed = false;
  const now = timings ? clock : () => 0;
  let renderMs = 0;
  let diffMs = 0;
  let writeMs = 0;
  const total = prepared.planned.length;
  const told = timings?.[PHASE_START];
  for (const [done, file] of prepared.planned.entries()) {
    // Rendering, comparing and staging alternate file by file: the progress line counts files.
    if (told && done % 100 === 0) told('render', `${done}/${total} files`);
    let t = now();
    let content: string;
    try {
      content = render(file);
      if (file.path.endsWith('.json')) {
        const before = prepared.diagnostics.length;
        validateLayerFiles([{ path: file.path, content }], shownOut, prepared.diagnostics);
        if (prepared.diagnostics.length > before) failed = true;
      }
    } catch (e) {
      prepared.diagnostics.push(renderError(file, e));
      failed = true;
      continue;
    } finally {
      renderMs += now() - t;
    }
    if (failed) continue;
    t = now();
    const bytes = Buffer.from(content, 'utf8');
    const hash = sha256(bytes);
    const rendered = lazyFile(file, render, hash);
    files.push(rendered);
    const { status, problems } = reader.compare({ path: file.path, bytes });
    const t2 = now();
    diffMs += t2 - t;
    if (status === 'unchanged') diff.unchanged.push(file.path);
    else if (status === 'problem') diff.problems.push(...(problems ?? []));
    else {
      (status === 'added' ? diff.added : diff.changed).push(rendered);
      // Something in the way of a generated file (a FIFO, a link leading outside): nothing more is staged.
      if (diff.problems.length === 0) staged?.stage(file.path, bytes, status === 'added');
      writeMs += now() - t2;
    }
  }
  if (timings) {
    timings.render = (timings.render ?? 0) + renderMs;
    timings.diff = (timings.diff ?? 0) + diffMs;
    timings.write = (timings.write ?? 0) + writeMs;
  }
  if (failed) return undefined;
  const leftovers = timed(timings, 'diff', () =>
    ownedLeftovers(outDir, diff.previous, new Set(files.map((f) => f.path)), config.cwd),
  );
  diff.removed = leftovers.removed;
  diff.kept = leftovers.kept;
  diff.notes.push(...leftovers.notes);
  return { files, diff };
}

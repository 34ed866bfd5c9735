/**
 * The pipeline as functions: load → model → match → plan → render, then
 * diff and write. No argv, no console: callers get values back.
 */
import { statSync } from 'node:fs';
import type { Config } from './config.js';
import { error, hasErrors, sortDiagnostics, wholeFile, type Diagnostic } from './diagnostics.js';
import { readIntakes } from './load/read-intakes.js';
import { readRules } from './load/read-rules.js';
import { matchCatalog, type CatalogMatch } from './match/match-catalog.js';
import { buildCatalog, type Catalog } from './model/catalog.js';
import { planOutputs } from './plan/plan-outputs.js';
import { loadTemplates } from './plan/templates.js';
import { buildViews, type Views } from './plan/views.js';
import { prepareMarkdown } from './render/markdown.js';
import { renderFiles, type RenderedFile } from './render/render.js';
import { applyOutput, ownership, type ApplyResult } from './write/apply-output.js';
import { diffOutput, type OutputDiff } from './write/diff-output.js';

export interface Loaded {
  catalog: Catalog;
  diagnostics: Diagnostic[];
  ruleFiles: number;
}

/** Read rules and intakes and check them together. */
export function loadCatalog(config: Config): Loaded {
  const diagnostics: Diagnostic[] = [];
  if (config.rules.length === 0) diagnostics.push(error(wholeFile('(configuration)'), 'no-rules', 'No rule folder given, expected --rules DIR or "rules:" in rulecat.config.yaml'));
  if (config.intakes.length === 0) diagnostics.push(error(wholeFile('(configuration)'), 'no-intakes', 'No intake folder given, expected --intakes DIR or "intakes:" in rulecat.config.yaml'));
  const rules = readRules(config.rules, { effortByLevel: config.effortByLevel }, config.cwd);
  const intakes = readIntakes(config.intakes, { platformFields: config.platformFields }, config.cwd);
  diagnostics.push(...rules.diagnostics, ...intakes.diagnostics);
  const catalog = buildCatalog(rules.rules, intakes.intakes, diagnostics);
  return { catalog, diagnostics, ruleFiles: rules.files };
}

export interface BuildResult {
  files: RenderedFile[];
  diagnostics: Diagnostic[];
  catalog?: Catalog;
  match?: CatalogMatch;
  views?: Views;
}

/** Everything up to rendered file contents, in memory. Nothing is rendered when inputs have errors. */
export async function build(config: Config): Promise<BuildResult> {
  const { catalog, diagnostics } = loadCatalog(config);
  const templates = loadTemplates(config.templates);
  diagnostics.push(...templates.diagnostics);
  if (hasErrors(diagnostics)) return { files: [], diagnostics: sortDiagnostics(diagnostics), catalog };
  const match = matchCatalog(catalog, { mode: config.match });
  const views = buildViews(catalog, match, config);
  const planned = planOutputs(templates.templates, views, diagnostics);
  await prepareMarkdown(catalog.rules.map((r) => r.description));
  const files = hasErrors(diagnostics) ? [] : renderFiles(planned, templates.partials, diagnostics);
  return { files: hasErrors(diagnostics) ? [] : files, diagnostics: sortDiagnostics(diagnostics), catalog, match, views };
}

export interface GenerateResult extends BuildResult {
  diff?: OutputDiff;
  applied?: ApplyResult;
}

function checkOutDir(outDir: string): Diagnostic | undefined {
  try {
    if (!statSync(outDir).isDirectory()) return error(wholeFile(outDir), 'out-not-folder', 'Output path is a file, expected a folder');
  } catch {
    // does not exist yet: created on write
  }
  return undefined;
}

/** Build, compare with the output folder, and write unless `check` (then only compare). */
export async function generate(config: Config, options: { check: boolean }): Promise<GenerateResult> {
  const result: GenerateResult = await build(config);
  const outProblem = checkOutDir(config.out);
  if (outProblem) result.diagnostics = sortDiagnostics([...result.diagnostics, outProblem]);
  if (hasErrors(result.diagnostics)) return result;
  const diff = diffOutput(config.out, result.files);
  result.diff = diff;
  if (options.check) return result;
  try {
    result.applied = applyOutput(diff, ownership(result.files));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    result.diagnostics = sortDiagnostics([
      ...result.diagnostics,
      error(wholeFile(err.path ?? config.out), 'write-failed', `Cannot write output: ${err.code ?? err.message}`),
    ]);
  }
  return result;
}

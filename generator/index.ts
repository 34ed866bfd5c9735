/**
 * rulecat as a library: what the command line does, as functions that return
 * values and never print or exit.
 *
 *   import { loadConfig, generate, check, explain, gaps, preview } from 'rulecat';
 *
 *   const { config, diagnostics } = loadConfig({ cwd: process.cwd() });  // rulecat.config.yaml, if any
 *   const result = await generate(config);        // write every page and layer
 *   const drift = await check(config);            // compare only: result.diff lists what would change
 *   const why = await explain(config, 'Okta Sign-In Failure', 'Okta System Log');
 *   const missing = await gaps(config, { intake: 'Okta System Log' });
 *   const page = await preview(config, 'Okta System Log');
 *
 * Every function reports bad input as `diagnostics` (`{file, line, col,
 * severity, code, message}`; `formatDiagnostic` prints one as
 * `file:line:col: severity: message [code]`), all of them in one run.
 * `explain`, `gaps` and `preview` still answer when the errors are about
 * other rule files or intake folders: those are left out (`leftOut`) and
 * the answer is the one the inputs give without them.
 * The output formats are described in docs/format.md.
 */
import { resolveConfig, type Config, type ConfigOverrides } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { generate as generateRun, type GenerateOptions, type GenerateResult } from './generate.js';
import { explain, gapsOfCatalog, gapsOfIntake, type CatalogGapsResult, type IntakeGapsResult } from './queries.js';

export { build, type BuildResult } from './build.js';
export type { Config, ConfigOverrides } from './config.js';
export { formatDiagnostic, hasErrors, type Diagnostic, type Place, type Severity } from './diagnostics.js';
export type { GenerateOptions, GenerateResult } from './generate.js';
export type { Explanation } from './match/explain.js';
export type { CatalogGaps, Gap } from './match/gaps.js';
export { runPipeline, type PipelineRequest, type PipelineState } from './pipeline.js';
export { previewIntake as preview, type PreviewResult } from './preview.js';
export type { Answered, CatalogGapsResult, ExplainResult, IntakeGapsResult, QueryOptions } from './queries.js';
export type { LeftOut } from './isolate.js';
export type { OutputDiff } from './write/diff-output.js';
export { explain };

/** Where to look for the configuration, and values that override it (paths relative to `cwd`). */
export interface LoadConfigOptions extends ConfigOverrides {
  /** Folder that relative paths and messages are relative to (default: the process's working directory). */
  cwd?: string;
  /** Configuration file (default: `rulecat.config.yaml` in `cwd` when present). */
  configFile?: string;
}

/** The configuration: defaults ← the configuration file ← `overrides`, with the file's problems. */
export function loadConfig(options: LoadConfigOptions = {}): { config: Config; diagnostics: Diagnostic[] } {
  const { cwd = process.cwd(), configFile, ...overrides } = options;
  return resolveConfig(cwd, configFile, overrides);
}

/** Build every output and write the ones that changed into `config.out` (atomically; only rulecat's own files are ever removed). */
export function generate(config: Config, options: Partial<GenerateOptions> = {}): Promise<GenerateResult> {
  return generateRun(config, { check: false, ...options });
}

/** Build every output and compare it with `config.out` without writing: `result.diff` lists what would be added, changed or removed. */
export function check(config: Config, options: Partial<Omit<GenerateOptions, 'check'>> = {}): Promise<GenerateResult> {
  return generateRun(config, { ...options, check: true });
}

/** Missing fields that would make more rules apply: to one intake (`{intake}`), or to every intake (`{all: true}`). */
export function gaps(config: Config, what: { intake: string; limit?: number }): Promise<IntakeGapsResult>;
export function gaps(config: Config, what: { all: true; limit?: number }): Promise<CatalogGapsResult>;
export function gaps(
  config: Config,
  what: { intake: string; limit?: number } | { all: true; limit?: number },
): Promise<IntakeGapsResult | CatalogGapsResult> {
  return 'intake' in what ? gapsOfIntake(config, what.intake, what.limit) : gapsOfCatalog(config, what.limit);
}

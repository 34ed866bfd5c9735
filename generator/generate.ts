/**
 * A generate run: build the outputs and write them (or, with `check`,
 * compare them). A run whose inputs and outputs are those of the last run is
 * recognised from content hashes before anything is parsed, and stops there;
 * the pipeline itself is only loaded when there is work to do.
 */
import type { BuildResult } from './build.js';
import type { Config } from './config.js';
import { cacheProblem } from './load/input-cache.js';
import { error, hasErrors, sortDiagnostics, wholeFile } from './diagnostics.js';
import { runFilesOf } from './load/input-files.js';
import { displayPath } from './load/walk-files.js';
import { timed, type Timings } from './timing.js';
import { applyOutput, describeWriteError, ownership, type ApplyResult } from './write/apply-output.js';
import { diffOutput, hasChanges, type OutputDiff } from './write/diff-output.js';
import { DEFAULT_LOCK_TIMEOUT_S, lockPath, withLock } from './write/lock.js';
import { checkOutputPlace } from './write/out-place.js';
import { outputsIntact, readRunMemo, runKey, writeRunMemo, type RunMemo, type RunSummary } from './write/run-memo.js';

/** Characters of output kept in memory between rendering and writing (beyond: rendered again). */
export const OUTPUT_MEMORY = 128 * 1024 * 1024;

export interface GenerateResult extends BuildResult {
  diff?: OutputDiff;
  applied?: ApplyResult;
  /** Counts of the run (also known when the run was skipped because nothing changed). */
  summary?: RunSummary;
  /** True when the inputs and the outputs were those of the last run: nothing was parsed, matched or rendered. */
  unchangedRun?: boolean;
}

/** The result of a run skipped because its inputs and outputs are those of the last run. */
function unchangedRun(config: Config, memo: RunMemo): GenerateResult {
  const unchanged = Object.keys(memo.outputs).sort();
  return {
    files: [],
    diagnostics: memo.diagnostics,
    summary: memo.summary,
    unchangedRun: true,
    diff: {
      outDir: config.out,
      added: [],
      changed: [],
      unchanged,
      removed: [],
      kept: [],
      previous: { files: memo.outputs },
      notes: [],
      problems: [],
    },
    applied: { written: [], removed: [] },
  };
}

/** Counts of a full run. */
export function runSummary(result: BuildResult): RunSummary {
  const byTemplate: Record<string, number> = {};
  for (const f of result.files) byTemplate[f.template] = (byTemplate[f.template] ?? 0) + 1;
  const rules = result.catalog?.rules ?? [];
  return {
    rules: rules.filter((r) => r.kind !== 'filter').length,
    filters: rules.filter((r) => r.kind === 'filter').length,
    intakes: result.catalog?.intakes.length ?? 0,
    pages: result.files.filter((f) => /^suggested_rules_.*\.md$/.test(f.path)).length,
    layers: result.files.filter((f) => /^attack_.*\.json$/.test(f.path)).length,
    files: result.files.length,
    byTemplate,
    nowhere: [...(result.match?.intakesByRule.values() ?? [])].filter((intakes) => intakes.length === 0).length,
  };
}

export interface GenerateOptions {
  check: boolean;
  /** Always run the whole pipeline (the caller needs the catalog and the match, e.g. for a report). */
  full?: boolean;
  /** Collects the time of each phase when given. */
  timings?: Timings;
  /** Told when the run waits for another one writing the same output folder, or removes a stale lock. */
  notify?: (message: string) => void;
}

/**
 * Build, compare with the output folder, and write unless `check` (then only
 * compare). Writing runs are serialised by the output folder's lock, taken
 * around diff and apply.
 */
export async function generate(config: Config, options: GenerateOptions): Promise<GenerateResult> {
  const timings = options.timings;
  // An unusable output folder (a file, a pseudo file system, not writable) stops the run before any work.
  const place = checkOutputPlace(config.out, config.cwd, !options.check);
  if (place) return { files: [], diagnostics: [place] };
  // An unusable cache folder: no run memo (the pipeline warns and runs without the cache).
  const cacheDir = config.cache && !cacheProblem(config.cache) ? config.cache : undefined;
  const { cwd: _cwd, ...settings } = config;
  // The inputs are read once here (to know whether they changed), and parsed from these bytes if they did.
  const files = cacheDir && !options.full ? runFilesOf(config) : undefined;
  const key = files && timed(timings, 'hash inputs', () => runKey(settings, files));
  if (key) {
    const memo = readRunMemo(cacheDir!, config.out);
    if (memo?.key === key && timed(timings, 'diff', () => outputsIntact(config.out, memo)))
      return unchangedRun(config, memo);
  }
  const { build } = await import('./build.js');
  // Contents are kept up to OUTPUT_MEMORY characters; beyond, files are rendered again when compared or written.
  const result: GenerateResult = await build(config, timings, OUTPUT_MEMORY, files);
  result.summary = runSummary(result);
  if (hasErrors(result.diagnostics)) return result;
  const remember = () => {
    if (!key || hasErrors(result.diagnostics)) return;
    const outputs = Object.fromEntries(ownership(result.files));
    writeRunMemo(cacheDir!, config.out, { key, outputs, summary: result.summary!, diagnostics: result.diagnostics });
  };
  if (options.check) {
    result.diff = timed(timings, 'diff', () => diffOutput(config.out, result.files, config.cwd));
    result.diagnostics = sortDiagnostics([...result.diagnostics, ...result.diff.problems]);
    if (!hasChanges(result.diff) && !hasErrors(result.diagnostics)) remember();
    return result;
  }
  const fail = (place: string, code: string, message: string) => {
    result.diagnostics = sortDiagnostics([
      ...result.diagnostics,
      error(wholeFile(displayPath(place, config.cwd)), code, message),
    ]);
  };
  try {
    const timeoutMs = (config.lockTimeout ?? DEFAULT_LOCK_TIMEOUT_S) * 1000;
    const locked = await withLock(config.out, { timeoutMs, notify: options.notify }, () => {
      result.diff = timed(timings, 'diff', () => diffOutput(config.out, result.files, config.cwd));
      // Something in the way of a generated file (a FIFO, a link leading outside): nothing is written.
      if (result.diff.problems.length > 0) return;
      result.applied = timed(timings, 'write', () => applyOutput(result.diff!, ownership(result.files)));
    });
    if (!locked.ok) fail(lockPath(config.out), 'output-locked', locked.message);
    else if (result.diff && result.diff.problems.length > 0)
      result.diagnostics = sortDiagnostics([...result.diagnostics, ...result.diff.problems]);
    else remember();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(err.path ?? config.out, 'write-failed', `Cannot write output: ${describeWriteError(err)}`);
  }
  return result;
}

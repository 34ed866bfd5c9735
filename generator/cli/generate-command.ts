/**
 * `rulecat generate`: build, then write (or, with --check, compare).
 */
import { generate, runSummary, type GenerateResult } from '../generate.js';
import { formatDiagnostic, hasErrors } from '../diagnostics.js';
import { displayPath } from '../load/walk-files.js';
import { configFromOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { formatTimings, type Timings } from '../timing.js';
import type { MatchReport } from '../match/report.js';
import type { FsyncMode } from '../write/apply-output.js';
import { envelope, EXIT, printJson } from './envelope.js';
import { startProgress } from './progress.js';

async function matchingReport(result: GenerateResult): Promise<MatchReport | undefined> {
  if (!result.catalog || !result.match || !result.matchInputs) return undefined;
  const { reportMatch } = await import('../match/report.js');
  return reportMatch(result.catalog, result.match, result.matchInputs);
}

export async function summarize(result: GenerateResult, check: boolean, exitCode: number, detailed = false) {
  const diff = result.diff;
  const { nowhere: _nowhere, ...counts } = result.summary ?? runSummary(result);
  return envelope(
    'generate',
    exitCode,
    {
      check,
      counts,
      files: {
        added: diff?.added.map((f) => f.path) ?? [],
        changed: diff?.changed.map((f) => f.path) ?? [],
        unchanged: diff?.unchanged.length ?? 0,
        removed: diff?.removed ?? [],
        keptEdited: diff?.kept ?? [],
        written: result.applied?.written ?? [],
      },
      matching: detailed ? await matchingReport(result) : undefined,
    },
    result.diagnostics,
  );
}

export async function runGenerate(options: OptionValues, io: IO): Promise<number> {
  const check = options.check === true;
  const json = options.json === true;
  const { config, diagnostics: configProblems } = configFromOptions(options, io.cwd);
  if (hasErrors(configProblems)) {
    for (const d of configProblems) io.stderr(formatDiagnostic(d) + '\n');
    if (json) printJson(io, envelope('generate', EXIT.failed, { check }, configProblems));
    return EXIT.failed;
  }
  const lockTimeout = options.lockTimeout;
  if (typeof lockTimeout === 'string') {
    if (!/^\d+(\.\d+)?$/.test(lockTimeout))
      throw new UsageError(`Unexpected --lock-timeout ${lockTimeout}, expected a number of seconds`);
    config.lockTimeout = Number(lockTimeout);
  }
  if (typeof options.fsync === 'string') config.fsync = options.fsync as FsyncMode;
  const quiet = options.quiet === true;
  const progress = startProgress('generate', options, io);
  const timings: Timings | undefined = progress?.timings ?? (options.timings === true ? {} : undefined);
  const result = await generate(config, {
    check,
    timings,
    full: json,
    notify: (message) => {
      const line = `rulecat: ${displayPath(config.out, io.cwd)}: ${message}\n`;
      if (progress) progress.write(line);
      else io.stderr(line);
    },
  });
  progress?.done();
  if (options.timings === true && timings) io.stderr(formatTimings(timings) + '\n');
  result.diagnostics = [...configProblems, ...result.diagnostics];
  const diff = result.diff;
  const changes = diff ? diff.added.length + diff.changed.length + diff.removed.length : 0;
  const exitCode = hasErrors(result.diagnostics) ? 2 : check && changes > 0 ? 1 : 0;
  for (const d of result.diagnostics) io.stderr(formatDiagnostic(d) + '\n');
  const out = displayPath(config.out, io.cwd);
  if (json) {
    printJson(io, await summarize(result, check, exitCode, true));
    return exitCode;
  }
  if (exitCode === 2) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(`rulecat: ${errors} error${errors === 1 ? '' : 's'}; ${out} left unchanged\n`);
    return 2;
  }
  if (diff) {
    for (const note of diff.notes) io.stderr(`rulecat: ${note}\n`);
    for (const kept of diff.kept)
      io.stderr(`rulecat: ${out}/${kept} was edited by hand; no longer generated, left in place\n`);
  }
  const s = await summarize(result, check, exitCode);
  if (check) {
    for (const p of s.files.added) io.stdout(`added    ${out}/${p}\n`);
    for (const p of s.files.changed) io.stdout(`changed  ${out}/${p}\n`);
    for (const p of s.files.removed) io.stdout(`removed  ${out}/${p}\n`);
    if (!quiet)
      io.stdout(
        changes === 0
          ? `rulecat: ${out} is up to date (${s.counts.files} files)\n`
          : `rulecat: ${changes} file${changes === 1 ? '' : 's'} in ${out} would change; run npx rulecat generate\n`,
      );
    return exitCode;
  }
  if (quiet) return exitCode;
  io.stdout(
    `rulecat: ${s.counts.rules} rules, ${s.counts.intakes} intakes -> ${s.counts.pages} pages, ${s.counts.layers} layers in ${out}: ` +
      `${s.files.written.length} written, ${s.files.unchanged} unchanged, ${s.files.removed.length} removed\n`,
  );
  const nowhere = (result.summary ?? runSummary(result)).nowhere;
  if (nowhere > 0)
    io.stdout(
      `rulecat: ${nowhere} rule${nowhere === 1 ? '' : 's'} apply to no intake; --json lists each with the reason\n`,
    );
  return exitCode;
}

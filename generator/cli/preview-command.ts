/**
 * `rulecat preview --intake UUID|NAME|SLUG [--html] [--timings]`: print one
 * intake's page (markdown as `generate` writes it, or a standalone HTML
 * document) on stdout. Errors and the warnings about the page's own inputs
 * (its rules and the intake's folder) go to stderr; exit 2 on errors or when
 * the intake is not found.
 */
import { configFromOptions, type OptionValues } from './input-options.js';
import type { IO } from './io.js';
import { describeUnresolved } from '../model/resolve-names.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { formatTimings, type Timings } from '../timing.js';
import type { PreviewResult } from '../preview.js';
import { answerCode, EXIT, reportAnswerProblems } from './envelope.js';
import { startProgress } from './progress.js';

/** Errors, and warnings about the files this page is made of; the rest is only counted. */
function report(result: PreviewResult, io: IO): void {
  const own = new Set((result.rules ?? []).map((r) => r.file));
  const folder = result.intake?.folder;
  const mine = (d: Diagnostic) =>
    d.severity === 'error' || own.has(d.file) || (folder !== undefined && d.file.startsWith(folder + '/'));
  for (const d of result.diagnostics.filter(mine)) io.stderr(formatDiagnostic(d) + '\n');
  const others = result.diagnostics.filter((d) => !mine(d)).length;
  if (others > 0)
    io.stderr(
      `rulecat preview: ${others} more warning${others === 1 ? '' : 's'} about other inputs (rulecat generate lists them)\n`,
    );
}

export async function runPreview(options: OptionValues, io: IO): Promise<number> {
  const query = String(options.intake);
  const { config, diagnostics: configProblems } = configFromOptions(options, io.cwd);
  if (hasErrors(configProblems)) {
    for (const d of configProblems) io.stderr(formatDiagnostic(d) + '\n');
    return EXIT.failed;
  }
  const progress = startProgress('preview', options, io);
  const timings: Timings | undefined = progress?.timings ?? (options.timings === true ? {} : undefined);
  const { previewIntake } = await import('../preview.js');
  const result = await previewIntake(config, query, timings);
  progress?.done();
  if (result.unresolved) {
    for (const d of result.diagnostics.filter((x) => x.severity === 'error')) io.stderr(formatDiagnostic(d) + '\n');
    io.stderr(`rulecat preview: ${describeUnresolved('intake', query, result.unresolved)}\n`);
    return EXIT.failed;
  }
  report(result, io);
  if (result.markdown === undefined) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
    io.stderr(
      !result.intake && errors > 0
        ? `rulecat preview: the intake asked about ("${query}") has errors; no page\n`
        : errors > 0
          ? `rulecat preview: ${errors} error${errors === 1 ? '' : 's'}; no page\n`
          : 'rulecat preview: the page template writes no page for this intake\n',
    );
    return EXIT.failed;
  }
  const exitCode = answerCode(result.diagnostics);
  if (exitCode !== EXIT.ok) reportAnswerProblems('preview', [], result.leftOut, io);
  if (options.html === true) {
    const start = performance.now();
    const [{ createMarkdownToHtml }, { standaloneIntakeHtml }] = await Promise.all([
      import('../serve/markdown-html.js'),
      import('../serve/intake-html.js'),
    ]);
    const toHtml = await createMarkdownToHtml();
    io.stdout(
      standaloneIntakeHtml({
        view: result.view!,
        ruleViews: result.ruleViews!,
        attack: result.attack,
        markdown: result.markdown,
        toHtml,
      }),
    );
    if (timings) timings.html = performance.now() - start;
  } else {
    io.stdout(result.markdown);
  }
  if (options.timings === true && timings) io.stderr(formatTimings(timings) + '\n');
  return exitCode;
}

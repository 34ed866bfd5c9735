/**
 * `rulecat audit --docs DIR [--out DIR] [--json]`: include lines pointing to
 * generated pages that do not exist, generated pages with rules that no docs
 * page includes, intakes included more than once.
 * Exit codes: 0 nothing found, 1 something found, 2 usage or unreadable docs.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { auditIncludes, problemCount, type AuditReport } from '../audit/audit-includes.js';
import { generatedFolder, readGeneratedPages, readIncludes, targetExists } from '../audit/read-docs.js';
import { formatDiagnostic, hasErrors } from '../diagnostics.js';
import { displayPath } from '../load/walk-files.js';
import type { OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { envelope, EXIT, printJson } from './envelope.js';

const at = (i: { file: string; line: number; col: number }) => `${i.file}:${i.line}:${i.col}`;

export function formatReport(report: AuditReport, generatedShown: string): string[] {
  const lines: string[] = [];
  for (const i of report.missing)
    lines.push(
      `${at(i)}: Include of ${i.target}, which is not generated, expected a page of ${generatedShown} [include-missing-page]`,
    );
  for (const p of report.notIncluded) {
    lines.push(
      `${path.join(generatedShown, p.name)}: Generated page (${p.rules} rule${p.rules === 1 ? '' : 's'}) is included by no docs page, expected an include line in the intake's page [page-not-included]`,
    );
  }
  for (const d of report.includedTwice) {
    const [first, ...others] = d.includes;
    lines.push(
      `${at(first)}: Intake ${d.uuid} is included ${d.includes.length} times, also at ${others.map(at).join(', ')}; expected once [included-twice]`,
    );
  }
  return lines;
}

export async function runAudit(options: OptionValues, io: IO): Promise<number> {
  const docs = path.resolve(io.cwd, String(options.docs));
  const out = typeof options.out === 'string' ? path.resolve(io.cwd, options.out) : undefined;
  const json = options.json === true;
  const isFolder = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  for (const [flag, p] of [
    ['--docs', docs],
    ['--out', out],
  ] as const) {
    if (p !== undefined && !isFolder(p)) throw new UsageError(`${flag} ${displayPath(p, io.cwd)} is not a folder`);
  }
  const { includes, diagnostics } = readIncludes(docs, io.cwd);
  const generated = generatedFolder(docs, out);
  const { pages, diagnostics: pageProblems } = readGeneratedPages(generated, io.cwd);
  diagnostics.push(...pageProblems);
  for (const d of diagnostics) io.stderr(formatDiagnostic(d) + '\n');
  if (hasErrors(diagnostics)) {
    if (json) printJson(io, envelope('audit', EXIT.failed, { docs: displayPath(docs, io.cwd) }, diagnostics));
    return EXIT.failed;
  }
  const report = auditIncludes(includes, pages, targetExists(docs, out));
  const problems = problemCount(report);
  const exitCode = problems > 0 ? 1 : 0;
  const shown = displayPath(generated, io.cwd);
  if (json) {
    printJson(
      io,
      envelope('audit', exitCode, { docs: displayPath(docs, io.cwd), generatedFolder: shown, ...report }, diagnostics),
    );
    return exitCode;
  }
  for (const line of formatReport(report, shown)) io.stdout(line + '\n');
  const empty = report.notIncludedWithoutRules.length;
  io.stdout(
    `rulecat audit: ${report.includes} includes, ${report.generated} generated pages in ${shown}: ` +
      `${report.missing.length} missing, ${report.notIncluded.length} not included, ${report.includedTwice.length} included twice` +
      (empty > 0 ? ` (${empty} pages without rules not included, not counted)` : '') +
      '\n',
  );
  return exitCode;
}

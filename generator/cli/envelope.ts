/**
 * What every `--json` output has in common, and the exit codes of the
 * commands that answer a question (explain, gaps, preview).
 *
 * Every `--json` output is one object on stdout, success or not:
 *
 *   { "schemaVersion": 1, "command": "explain", "ok": true, "exitCode": 0, …, "diagnostics": [] }
 *
 * `schemaVersion` changes only when a field is removed, renamed or changes
 * meaning (new fields may appear without it). The JSON Schemas are in
 * docs/schemas/.
 */
import { error, formatDiagnostic, hasErrors, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { LeftOut } from '../isolate.js';
import type { Unresolved } from '../model/resolve-names.js';
import type { IO } from './io.js';

export const SCHEMA_VERSION = 1;

/**
 * Exit codes: 0 done (clean inputs); 1 `generate --check` found differences,
 * `audit` found problems; 2 no answer (invalid usage, unknown name, the
 * rule or intake asked about is broken, an error that concerns every answer,
 * or `generate` with any error); 3 answered, but other inputs have errors
 * (left out of the answer, listed on stderr).
 */
export const EXIT = { ok: 0, found: 1, failed: 2, answeredWithErrors: 3 } as const;

/** Where usage problems are said to be. */
export const COMMAND_LINE = '(command line)';

export function usageProblem(message: string, code = 'usage'): Diagnostic {
  return error(wholeFile(COMMAND_LINE), code, message);
}

/** The object every `--json` output starts with. */
export function envelope<T extends object>(
  command: string,
  exitCode: number,
  fields: T,
  diagnostics: readonly Diagnostic[],
): { schemaVersion: number; command: string; ok: boolean; exitCode: number } & T & { diagnostics: Diagnostic[] } {
  return {
    schemaVersion: SCHEMA_VERSION,
    command,
    ok: exitCode === 0,
    exitCode,
    ...fields,
    diagnostics: [...diagnostics],
  };
}

export function printJson(io: IO, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}

/** `leftOut` as JSON: files, and the rules and intakes read from them. */
export function leftOutJson(leftOut: LeftOut | undefined) {
  if (!leftOut) return undefined;
  return {
    files: leftOut.files,
    rules: leftOut.rules.map((r) => ({ id: r.id, title: r.title, file: r.file })),
    intakes: leftOut.intakes.map((i) => ({ uuid: i.uuid, name: i.name, folder: i.folder })),
  };
}

export function unresolvedJson(query: string, u: Unresolved) {
  return { query, ambiguous: u.ambiguous, close: u.close };
}

/** Exit code of an answer: 0, or 3 when other inputs had errors and were left out. */
export function answerCode(diagnostics: readonly Diagnostic[]): number {
  return hasErrors(diagnostics) ? EXIT.answeredWithErrors : EXIT.ok;
}

/** Errors on stderr (warnings too when asked), then, for an answer given without broken inputs, a line saying so. */
export function reportAnswerProblems(
  command: string,
  diagnostics: readonly Diagnostic[],
  leftOut: LeftOut | undefined,
  io: IO,
  warnings = false,
): void {
  for (const d of diagnostics) if (warnings || d.severity === 'error') io.stderr(formatDiagnostic(d) + '\n');
  if (leftOut && leftOut.files.length > 0) {
    const n = leftOut.files.length;
    io.stderr(
      `rulecat ${command}: answered without ${n} file${n === 1 ? '' : 's'} with errors (${leftOut.rules.length} rule${leftOut.rules.length === 1 ? '' : 's'}, ${leftOut.intakes.length} intake${leftOut.intakes.length === 1 ? '' : 's'} left out); exit 3\n`,
    );
  }
}

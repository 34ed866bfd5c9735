/**
 * Problems of the inputs on stderr, one per line, for commands that answer
 * a question (explain, gaps, preview): errors always, warnings only when
 * asked. Returns whether there were errors.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import type { IO } from './io.js';

export function reportProblems(diagnostics: readonly Diagnostic[], io: IO, warnings = false): boolean {
  for (const d of diagnostics) if (warnings || d.severity === 'error') io.stderr(formatDiagnostic(d) + '\n');
  return hasErrors(diagnostics);
}

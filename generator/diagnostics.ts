/**
 * Diagnostics: every problem rulecat finds is a value with a place, collected
 * and reported together (never thrown one at a time).
 */

export type Severity = 'error' | 'warning';

export interface Place {
  /** Path of the input file, as given (relative to the working directory when possible). */
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file. */
  line: number;
  /** 1-based column; 0 when the problem concerns the whole file. */
  col: number;
}

export interface Diagnostic extends Place {
  severity: Severity;
  /** Stable identifier of the kind of problem, e.g. `rule-missing-title`. */
  code: string;
  message: string;
}

/** A diagnostic at `place`: its line and column are read here (a lazy place is found now, not spread). */
export function error(place: Place, code: string, message: string): Diagnostic {
  return { file: place.file, line: place.line, col: place.col, severity: 'error', code, message };
}

export function warning(place: Place, code: string, message: string): Diagnostic {
  return { file: place.file, line: place.line, col: place.col, severity: 'warning', code, message };
}

export function wholeFile(file: string): Place {
  return { file, line: 0, col: 0 };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    a.line - b.line ||
    a.col - b.col ||
    compareStrings(a.severity, b.severity) ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.message, b.message)
  );
}

/** Sorted copy without exact duplicates. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...list].sort(compareDiagnostics);
  return sorted.filter((d, i) => i === 0 || compareDiagnostics(d, sorted[i - 1]) !== 0);
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** What must not reach a terminal or a line-based reader raw: controls (C0, DEL, C1), line and paragraph separators, bidirectional overrides. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text with its control characters written as escapes (`\n`, `\t`,
 * `\x1b`, `\u2028`): one line that cannot move the cursor, colour the
 * terminal or forge another line. With `keepNewlines`, `\n` stays (text
 * that is several lines by design).
 */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(CONTROLS, (c) => {
    if (keepNewlines && c === '\n') return c;
    const code = c.charCodeAt(0);
    return (
      NAMED[c] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
    );
  });
}

/**
 * `file:line:col: severity: message [code]` — the form editors and CI
 * annotate. Always one line: whatever a value quoted in the message or the
 * file name holds (a title, a tag, a YAML value), its controls are escaped.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.col}` : d.file;
  return escapeControls(`${where}: ${d.severity}: ${d.message} [${d.code}]`);
}

/**
 * Fixture folders (test/fixtures/plan, test/fixtures/render): each case is
 * `<case>/input/` (a small catalog, or a views.json) and `<case>/expected/`
 * (what it must give), with `<case>/diagnostics.txt` holding the expected
 * problems (absent: none). Run with UPDATE=1 to write the expected files from
 * what the code gives now. See test/fixtures/README.md.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { resolveConfig, type Config } from '../generator/config.js';
import { formatDiagnostic, type Diagnostic } from '../generator/diagnostics.js';
import { REPO } from './shared.js';
import { readTree } from './tree.js';

export const UPDATE = process.env.UPDATE === '1';

export const FIXTURES = path.join(REPO, 'test', 'fixtures');

/** The case folders under `test/fixtures/<kind>`, sorted. */
export function caseNames(kind: 'plan' | 'render'): string[] {
  const dir = path.join(FIXTURES, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The configuration of a catalog case: `input/rulecat.config.yaml` when
 * present, rules from `input/rules`, intakes from `input/intakes`, paths in
 * messages relative to `input/`; no input cache, no shipped field mappings
 * (so that the cases do not change when the shipped mappings do).
 */
export function caseConfig(input: string): { config: Config; diagnostics: Diagnostic[] } {
  return resolveConfig(input, undefined, {
    rules: [path.join(input, 'rules')],
    intakes: [path.join(input, 'intakes')],
    cache: false,
    fieldMapping: 'none',
  });
}

/** Absolute paths of this checkout written as `<repo>` (shipped templates and tables are shown absolute). */
export function portable(text: string): string {
  return text.split(REPO).join('<repo>');
}

/** One line per diagnostic, `file:line:col: severity: message [code]`, with a final newline; '' when none. */
export function diagnosticsText(list: readonly Diagnostic[]): string {
  return list.map((d) => portable(formatDiagnostic(d)) + '\n').join('');
}

function writeFiles(dir: string, files: Record<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/**
 * Compare what a case gives with `<case>/expected/` and `<case>/diagnostics.txt`,
 * or (UPDATE=1) write them.
 */
export function checkCase(caseDir: string, files: Record<string, string>, diagnostics: string): void {
  const expectedDir = path.join(caseDir, 'expected');
  const diagnosticsFile = path.join(caseDir, 'diagnostics.txt');
  if (UPDATE) {
    writeFiles(expectedDir, files);
    if (diagnostics === '') rmSync(diagnosticsFile, { force: true });
    else writeFileSync(diagnosticsFile, diagnostics);
    return;
  }
  const rel = path.relative(REPO, caseDir);
  // A case that renders nothing has no expected folder (git keeps no empty folder), only its diagnostics.
  expect(
    existsSync(expectedDir) || existsSync(diagnosticsFile),
    `${rel} has no expected output: run UPDATE=1 npx vitest run on this test to write it`,
  ).toBe(true);
  expect(existsSync(diagnosticsFile) ? readFileSync(diagnosticsFile, 'utf8') : '', `${rel}/diagnostics.txt`).toBe(
    diagnostics,
  );
  const expected = readTree(expectedDir);
  expect(Object.keys(files).sort(), `files of ${rel}/expected`).toEqual(Object.keys(expected).sort());
  for (const [file, content] of Object.entries(files)) expect(content, `${rel}/expected/${file}`).toBe(expected[file]);
}

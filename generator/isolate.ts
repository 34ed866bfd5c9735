/**
 * Answers despite unrelated breakage: which rule files and intake folders
 * have errors, so that a question about other rules and intakes can be
 * answered from the catalog without them, exactly as if they were absent.
 *
 * An error is *isolable* when its file lies strictly inside a rule folder or
 * an intake folder given in the configuration: the rules read from that file
 * (or from below that folder) and the intakes whose folder holds it (or whose
 * module manifest it is) are left out. Any other error (the configuration,
 * a field mapping, the log-source or ATT&CK table, the templates, a missing
 * input folder, a published rules index) concerns every answer.
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { Intake } from './model/intake.js';
import type { Rule } from './model/rule.js';

/** What an answer leaves out because it has errors. */
export interface LeftOut {
  /** Files (or folders) with errors, as shown in messages, sorted. */
  files: string[];
  /** Rules read from those files (those that could be read at all). */
  rules: Rule[];
  /** Intakes whose folder or module manifest has errors (those that could be read at all). */
  intakes: Intake[];
}

const within = (p: string, dir: string) => p.startsWith(dir + path.sep);

/**
 * Split the errors of `diagnostics` into the files they make broken and the
 * errors that are not about one rule file or intake folder (`global`).
 * `ruleRoots` and `intakeRoots` are display paths, as the diagnostics name files.
 */
export function brokenFiles(
  diagnostics: readonly Diagnostic[],
  ruleRoots: readonly string[],
  intakeRoots: readonly string[],
): { files: Set<string>; global: Diagnostic[] } {
  const roots = [...ruleRoots, ...intakeRoots].map((r) => path.normalize(r));
  const files = new Set<string>();
  const global: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.severity !== 'error') continue;
    if (roots.some((r) => within(path.normalize(d.file), r))) files.add(d.file);
    else global.push(d);
  }
  return { files, global };
}

/** Whether the rule was read from a broken file (or from below a broken folder). */
export function isBrokenRule(rule: Rule, files: ReadonlySet<string>): boolean {
  if (files.has(rule.file)) return true;
  for (const f of files) if (within(rule.file, f)) return true;
  return false;
}

/** Whether a broken file is the intake's (in its folder, its module manifest, or a folder holding it). */
export function isBrokenIntake(intake: Intake, files: ReadonlySet<string>): boolean {
  const folder = intake.folder;
  for (const f of files) {
    if (f === folder || within(f, folder) || within(folder, f)) return true;
    const moduleDir = path.dirname(path.dirname(f));
    if (path.basename(path.dirname(f)) === '_meta' && path.basename(f) === 'manifest.yml' && within(folder, moduleDir))
      return true;
  }
  return false;
}

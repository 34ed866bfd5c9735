/**
 * The rule files and intake folders of a run, kept per file so that a later
 * run over the same inputs (`rulecat serve`) reads again only what changed.
 *
 * Three ways in, one store:
 * - `readAll`: every rule file and every intake folder (files missing from
 *   the input cache are parsed on all cores first);
 * - `readOne`: every rule file, but of the intakes only their manifests, and
 *   in full the one a query names (a preview of one page);
 * - `refresh`: a copy in which only the changed, added or removed files are
 *   read again; unchanged files keep their Rule and Intake objects, which is
 *   how matching recognises what it must redo.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { Intake } from '../model/intake.js';
import { resolveIntake, type Unresolved } from '../model/resolve-names.js';
import type { Rule, RuleOptions } from '../model/rule.js';
import { listIntakes, readChosenIntake } from './intake-stubs.js';
import { prefillCache } from './parallel-prefill.js';
import {
  findIntakeFolders,
  isIntakeFile,
  openIntakeCache,
  readIntakeFolderCached,
  type IntakeFolder,
  type IntakeOptions,
} from './read-intakes.js';
import { isYaml, openRuleCache, readRuleFile } from './read-rules.js';
import { walkFiles, type FoundFile } from './walk-files.js';

export interface SourceOptions {
  /** Rule folders (none when a published rules index is the rule set). */
  rules: readonly string[];
  intakes: readonly string[];
  /** Folder that paths in messages are shown relative to. */
  cwd: string;
  /** Input cache folder; undefined: no cache. */
  cache?: string;
  ruleOptions: RuleOptions;
  intakeOptions: IntakeOptions;
}

interface RuleFile {
  display: string;
  rules: Rule[];
  diagnostics: Diagnostic[];
}

interface IntakeEntry {
  folder: IntakeFolder;
  intake?: Intake;
  diagnostics: Diagnostic[];
}

/** What a refresh read again (display paths). */
export interface Reread {
  rules: string[];
  intakes: string[];
}

/** A path as the loaders see it (symbolic links of its folder resolved), also for a file that was just removed. */
export function realPath(p: string): string {
  try {
    return path.join(realpathSync(path.dirname(p)), path.basename(p));
  } catch {
    return path.resolve(p);
  }
}

const inside = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

function folderFiles(folder: IntakeFolder): string[] {
  return [
    folder.manifest.absolute,
    ...(folder.module.manifest ? [folder.module.manifest.absolute] : []),
    ...folder.files.map((f) => f.absolute),
  ];
}

export class Sources {
  private ruleFiles = new Map<string, RuleFile>();
  private intakeEntries = new Map<string, IntakeEntry>();
  private walkProblems = { rules: [] as Diagnostic[], intakes: [] as Diagnostic[] };
  /** After `readOne`: the intake the query named. */
  chosen?: Intake;
  /** After `readOne`: set when the query names no intake, or several. */
  unresolved?: Unresolved;
  /** Intakes known by their manifest only (`readOne`). */
  private stubs?: Intake[];

  constructor(readonly options: SourceOptions) {}

  /** Every rule, in path order. */
  rules(): Rule[] {
    return [...this.ruleFiles.values()].flatMap((f) => f.rules);
  }

  /** Every intake, in folder order (after `readOne`: the chosen one in full, the others by their manifest). */
  intakes(): Intake[] {
    if (this.stubs) return this.stubs;
    return [...this.intakeEntries.values()].flatMap((e) => (e.intake ? [e.intake] : []));
  }

  /** Problems of the files read, walks included. */
  diagnostics(): Diagnostic[] {
    const out = [...this.walkProblems.rules, ...this.walkProblems.intakes];
    for (const f of this.ruleFiles.values()) out.push(...f.diagnostics);
    for (const e of this.intakeEntries.values()) out.push(...e.diagnostics);
    return out;
  }

  /** Rule and intake files read. */
  get ruleFileCount(): number {
    return this.ruleFiles.size;
  }

  /** Whether a changed path lies under the rule or intake folders. */
  concerns(changed: Iterable<string>): boolean {
    const roots = [...this.options.rules, ...this.options.intakes].map(realPath);
    return [...changed].some((p) => roots.some((r) => inside(p, r)));
  }

  /** Read every rule file and intake folder (through the input cache). */
  async readAll(): Promise<void> {
    const o = this.options;
    if (o.cache) {
      // Inputs missing from the cache are parsed on every core first; reading then finds them all.
      await prefillCache({
        rules: o.rules,
        intakes: o.intakes,
        ruleOptions: o.ruleOptions,
        intakeOptions: o.intakeOptions,
        cwd: o.cwd,
        cacheDir: o.cache,
      });
    }
    this.readRuleFiles(() => true);
    this.readIntakeFolders(() => true);
  }

  /** Read every rule file, every intake manifest, and in full the intake `query` names (uuid, name or slug). */
  readOne(query: string): void {
    const o = this.options;
    this.readRuleFiles(() => true);
    const candidates = listIntakes(o.intakes, o.cwd, o.cache);
    this.walkProblems.intakes = candidates.diagnostics;
    const resolved = resolveIntake(query, candidates.stubs);
    if (resolved.found === undefined) {
      this.unresolved = { close: resolved.close, ambiguous: resolved.ambiguous };
      this.stubs = candidates.stubs;
      return;
    }
    const chosen = readChosenIntake(candidates, resolved.found, o.intakeOptions);
    this.chosen = chosen.intake;
    this.stubs = chosen.intakes;
    const folder = candidates.folderOf.get(resolved.found)!;
    this.intakeEntries.set(folder.dir, { folder, intake: chosen.intake, diagnostics: chosen.diagnostics });
  }

  /** A copy in which the files in `changed` (absolute, real paths) and new or removed files are read again. */
  refresh(changed: ReadonlySet<string>): { sources: Sources; reread: Reread } {
    const next = new Sources(this.options);
    next.ruleFiles = this.ruleFiles;
    next.intakeEntries = this.intakeEntries;
    next.walkProblems = { ...this.walkProblems };
    const under = (roots: readonly string[]) => [...changed].some((p) => roots.some((r) => inside(p, realPath(r))));
    const reread: Reread = { rules: [], intakes: [] };
    // Read without the input cache: a pack saved after reading a few files would forget the others.
    if (under(this.options.rules))
      reread.rules = next.readRuleFiles(
        (f, old) => !old || old.display !== f.display || changed.has(f.absolute),
        false,
      );
    if (under(this.options.intakes)) {
      reread.intakes = next.readIntakeFolders((folder, old) => {
        const files = folderFiles(folder);
        const same =
          old && folderFiles(old.folder).join('\n') === files.join('\n') && old.folder.display === folder.display;
        return !same || files.some((f) => changed.has(f));
      }, false);
    }
    return { sources: next, reread };
  }

  /** List the rule folders; read the files `fresh` says need it, keep the others. Returns the files read. */
  private readRuleFiles(fresh: (file: FoundFile, old: RuleFile | undefined) => boolean, cached = true): string[] {
    const o = this.options;
    const next = new Map<string, RuleFile>();
    const read: string[] = [];
    this.walkProblems.rules = [];
    for (const root of o.rules) {
      const walked = walkFiles(root, isYaml, o.cwd);
      this.walkProblems.rules.push(...walked.diagnostics);
      const cache = openRuleCache(cached ? o.cache : undefined, root, o.ruleOptions);
      for (const f of walked.files) {
        const old = this.ruleFiles.get(f.absolute);
        if (old && !fresh(f, old)) {
          next.set(f.absolute, old);
          continue;
        }
        const parsed = readRuleFile(f, o.ruleOptions, cache);
        next.set(f.absolute, { display: f.display, rules: parsed.rules, diagnostics: parsed.diagnostics });
        read.push(f.display);
      }
      cache.save();
    }
    this.ruleFiles = next;
    return read;
  }

  /** List the intake folders; read the folders `fresh` says need it, keep the others. Returns the folders read. */
  private readIntakeFolders(
    fresh: (folder: IntakeFolder, old: IntakeEntry | undefined) => boolean,
    cached = true,
  ): string[] {
    const o = this.options;
    const next = new Map<string, IntakeEntry>();
    const read: string[] = [];
    this.walkProblems.intakes = [];
    for (const root of o.intakes) {
      const walked = walkFiles(root, isIntakeFile, o.cwd);
      this.walkProblems.intakes.push(...walked.diagnostics);
      const cache = openIntakeCache(cached ? o.cache : undefined, root, o.intakeOptions);
      for (const folder of findIntakeFolders(walked.files)) {
        const old = this.intakeEntries.get(folder.dir);
        if (old && !fresh(folder, old)) {
          next.set(folder.dir, old);
          continue;
        }
        next.set(folder.dir, { folder, ...readIntakeFolderCached(folder, o.intakeOptions, cache) });
        read.push(folder.display);
      }
      cache.save();
    }
    this.intakeEntries = next;
    return read;
  }
}

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
import { InputFiles, type RunFiles } from './input-files.js';
import { prefillCache } from './parallel-prefill.js';
import {
  findIntakeFolders,
  isIntakeFile,
  openIntakeCache,
  readIntakeFolderCached,
  type IntakeFolder,
  type IntakeOptions,
} from './read-intakes.js';
import { isYaml, openRuleCache, readRuleFile, type LightRule } from './read-rules.js';
import { walkFiles, type FoundFile, type WalkResult } from './walk-files.js';

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

  /** Every input file is read once, through this store (shared with the run memo when the run gives its files). */
  private store: InputFiles;
  /** Walks made before the first read (by the run memo), used once instead of walking again. */
  private walks?: { rules: ReadonlyMap<string, WalkResult>; intakes: ReadonlyMap<string, WalkResult> };

  constructor(
    readonly options: SourceOptions,
    files?: RunFiles,
  ) {
    this.store = files?.store ?? new InputFiles();
    if (files) this.walks = { rules: files.ruleWalks, intakes: files.intakeWalks };
  }

  /** The walk of a rule or intake folder: the one made for the run memo the first time, a new one after. */
  private walk(kind: 'rules' | 'intakes', root: string, accept: (name: string) => boolean): WalkResult {
    return this.walks?.[kind].get(root) ?? walkFiles(root, accept, this.options.cwd);
  }

  /** Every rule, in path order. */
  rules(): Rule[] {
    return [...this.ruleFiles.values()].flatMap((f) => f.rules);
  }

  /**
   * A key per rule that changes whenever the rule's model can: its file's
   * path and bytes (sha1, from the run's store) and its place in the file.
   * Undefined for a rule whose file cannot be hashed.
   */
  ruleKeys(): Map<Rule, string> {
    const keys = new Map<Rule, string>();
    for (const [absolute, f] of this.ruleFiles) {
      const hash = this.store.knownHash({ absolute, display: f.display });
      if (hash === undefined) continue;
      f.rules.forEach((rule, i) => keys.set(rule, `${absolute}\u0000${hash}\u0000${i}`));
    }
    return keys;
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
      const walks = {
        rules: new Map(o.rules.map((r) => [r, this.walk('rules', r, isYaml)])),
        intakes: new Map(o.intakes.map((r) => [r, this.walk('intakes', r, isIntakeFile)])),
      };
      this.walks = walks;
      await prefillCache({
        ...walks,
        store: this.store,
        ruleOptions: o.ruleOptions,
        intakeOptions: o.intakeOptions,
        cacheDir: o.cache,
      });
    }
    this.readRuleFiles(() => true);
    this.readIntakeFolders(() => true);
    this.walks = undefined;
  }

  /**
   * Read every intake manifest, in full the intake `query` names (uuid, name
   * or slug), and every rule file: whole the rules `wanted(chosen)` wants
   * (those that can apply to the chosen intake), the others light from the
   * cache's index (without detection and texts, which this run does not need).
   */
  async readOne(query: string, wanted?: (chosen: Intake) => (rule: LightRule) => boolean): Promise<void> {
    const o = this.options;
    if (o.cache) {
      // Rule files missing from the cache (all, when it is empty) are parsed on every core first.
      const rules = new Map(o.rules.map((r) => [r, this.walk('rules', r, isYaml)]));
      this.walks = { rules, intakes: this.walks?.intakes ?? new Map() };
      await prefillCache({
        rules,
        intakes: new Map(),
        store: this.store,
        ruleOptions: o.ruleOptions,
        intakeOptions: o.intakeOptions,
        cacheDir: o.cache,
        keep: true,
      });
    }
    const candidates = listIntakes(o.intakes, o.cwd, o.cache, this.store, (root) => this.walks?.intakes.get(root));
    this.walkProblems.intakes = candidates.diagnostics;
    const resolved = resolveIntake(query, candidates.stubs);
    if (resolved.found === undefined) {
      this.unresolved = { close: resolved.close, ambiguous: resolved.ambiguous };
      this.stubs = candidates.stubs;
      this.readRuleFiles(
        () => true,
        true,
        () => false,
      );
      this.walks = undefined;
      return;
    }
    const chosen = readChosenIntake(candidates, resolved.found, o.intakeOptions, this.store);
    this.chosen = chosen.intake;
    this.stubs = chosen.intakes;
    const folder = candidates.folderOf.get(resolved.found)!;
    this.intakeEntries.set(folder.dir, { folder, intake: chosen.intake, diagnostics: chosen.diagnostics });
    this.readRuleFiles(() => true, true, chosen.intake && wanted ? wanted(chosen.intake) : () => false);
    this.walks = undefined;
  }

  /** A copy in which the files in `changed` (absolute, real paths) and new or removed files are read again. */
  refresh(changed: ReadonlySet<string>): { sources: Sources; reread: Reread } {
    const next = new Sources(this.options);
    // Changed files are read again; the others keep the bytes read before.
    this.store.forget(changed);
    next.store = this.store;
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
  private readRuleFiles(
    fresh: (file: FoundFile, old: RuleFile | undefined) => boolean,
    cached = true,
    wanted?: (rule: LightRule) => boolean,
  ): string[] {
    const o = this.options;
    const next = new Map<string, RuleFile>();
    const read: string[] = [];
    this.walkProblems.rules = [];
    for (const root of o.rules) {
      const walked = this.walk('rules', root, isYaml);
      this.walkProblems.rules.push(...walked.diagnostics);
      // Reading only some rules whole: the cache keeps the entries this run does not use.
      const cache = openRuleCache(cached ? o.cache : undefined, root, o.ruleOptions, !wanted);
      for (const f of walked.files) {
        const old = this.ruleFiles.get(f.absolute);
        if (old && !fresh(f, old)) {
          next.set(f.absolute, old);
          continue;
        }
        const parsed = readRuleFile(f, o.ruleOptions, cache, this.store, wanted);
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
      const walked = this.walk('intakes', root, isIntakeFile);
      this.walkProblems.intakes.push(...walked.diagnostics);
      const cache = openIntakeCache(cached ? o.cache : undefined, root, o.intakeOptions);
      for (const folder of findIntakeFolders(walked.files)) {
        const old = this.intakeEntries.get(folder.dir);
        if (old && !fresh(folder, old)) {
          next.set(folder.dir, old);
          continue;
        }
        next.set(folder.dir, { folder, ...readIntakeFolderCached(folder, o.intakeOptions, cache, this.store) });
        read.push(folder.display);
      }
      cache.save();
    }
    this.intakeEntries = next;
    return read;
  }
}

/**
 * The catalog as `rulecat serve` keeps it in memory, updated from changed
 * paths. What an update redoes:
 *
 * - configuration file, field mapping, log-source table, ATT&CK table or
 *   rules index changed: everything is loaded again (through the input
 *   cache) and matched in full;
 * - rule files changed, added or removed: the rule folders are listed again,
 *   only those files are read and parsed; the catalog checks (ids, references,
 *   ATT&CK tags) run over all rules (cheap); only the changed rules are
 *   matched (against every intake);
 * - intake files changed: the intake folders are listed again, only the
 *   intakes with a changed file (or a changed module manifest) are read; only
 *   they are matched (against every rule);
 * - templates changed: the templates are read again; matching is kept;
 * - pages are rendered on request and kept until their intake, its rules or
 *   the templates change.
 *
 * An update with errors keeps the last good state for display and reports the
 * problems; the next update is matched against that last good state.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { checkDocsInputs, importCatalog } from '../docs-inputs.js';
import { findIntakeFolders, readIntakeFolder, readIntakes, type IntakeFolder } from '../load/read-intakes.js';
import { readMatchInputs, type MatchInputs } from '../load/read-match-inputs.js';
import { readRules, readRuleText } from '../load/read-rules.js';
import { readText } from '../load/read-text.js';
import { walkFiles, type FoundFile } from '../load/walk-files.js';
import { matchExplicit } from '../match/explicit-match.js';
import { matchCatalog, type CatalogMatch } from '../match/match-catalog.js';
import { budgetWarnings } from '../match/values.js';
import type { AttackIndex } from '../model/attack.js';
import { buildCatalog, type Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { loadTemplates } from '../plan/templates.js';
import { rematch } from './incremental-match.js';

export type LoadedTemplates = ReturnType<typeof loadTemplates> & { dir: string };

/** A state without errors: what pages are rendered from. */
export interface Good {
  config: Config;
  catalog: Catalog;
  match: CatalogMatch;
  attack?: AttackIndex;
  matchInputs: MatchInputs;
  templates: LoadedTemplates;
}

export interface UpdateReport {
  /** Everything loaded again (first load, configuration or tables changed). */
  full: boolean;
  /** Files and folders read again (display paths). */
  reread: { rules: string[]; intakes: string[]; templates: boolean };
  /** Rules matched against every intake, intakes matched against every rule. */
  rematched: { rules: number; intakes: number } | null;
  errors: number;
  ms: number;
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

const isYaml = (name: string) => /\.ya?ml$/i.test(name);
const isIntakeFile = (name: string) => /\.(ya?ml|json)$/i.test(name);

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
  return [folder.manifest.absolute, ...(folder.module.manifest ? [folder.module.manifest.absolute] : []), ...folder.files.map((f) => f.absolute)];
}

export class Workspace {
  /** Grows by one at every update, good or not. */
  version = 0;
  good?: Good;
  /** Problems of the latest update (errors and warnings), sorted. */
  problems: Diagnostic[] = [];
  /** The latest update has errors: `good` is older than the inputs. */
  broken = false;
  private config?: Config;
  private configProblems: Diagnostic[] = [];
  private templates?: LoadedTemplates;
  private matchInputs?: { inputs: MatchInputs; diagnostics: Diagnostic[] };
  private walkProblems = { rules: [] as Diagnostic[], intakes: [] as Diagnostic[] };
  private ruleFiles = new Map<string, RuleFile>();
  private intakeEntries = new Map<string, IntakeEntry>();
  private fullFiles = new Set<string>();

  constructor(
    private readonly readConfig: () => { config: Config; diagnostics: Diagnostic[] },
    /** The configuration file when there is one (a change reloads everything). */
    private readonly configFile?: string,
  ) {}

  /** Files and folders to watch. */
  watched(): string[] {
    const c = this.config;
    if (!c) return this.configFile ? [this.configFile] : [];
    return [...new Set([...(this.configFile ? [this.configFile] : []), ...c.rules, ...c.intakes, c.templates, ...this.fullFiles].map((p) => path.resolve(p)))];
  }

  /** Read everything (through the input cache). */
  load(): UpdateReport {
    const start = performance.now();
    const { config, diagnostics } = this.readConfig();
    this.config = config;
    this.configProblems = diagnostics;
    const cache = config.cache || undefined;
    this.fullFiles = new Set([config.fieldMapping, config.logsources, config.attack, config.rulesIndex].filter((p): p is string => !!p).map(realPath));
    this.matchInputs = undefined;
    this.templates = undefined;
    // Rules and intakes through the loaders (and their cache), then kept per file and per intake folder.
    const rules = config.rulesIndex ? { rules: [], diagnostics: [] } : readRules(config.rules, { effortByLevel: config.effortByLevel }, config.cwd, cache);
    this.ruleFiles = new Map();
    this.walkProblems = { rules: [], intakes: [] };
    if (!config.rulesIndex) {
      const byDisplay = new Map<string, RuleFile>();
      for (const f of this.listRuleFiles().files) {
        const entry = { display: f.display, rules: [], diagnostics: [] };
        byDisplay.set(f.display, entry);
        this.ruleFiles.set(f.absolute, entry);
      }
      for (const rule of rules.rules) byDisplay.get(rule.file)?.rules.push(rule);
      for (const d of rules.diagnostics) byDisplay.get(d.file)?.diagnostics.push(d);
    }
    const intakes = readIntakes(config.intakes, { platformFields: config.platformFields }, config.cwd, cache);
    this.intakeEntries = new Map();
    for (const folder of this.listIntakeFolders().folders) {
      const files = new Set([folder.manifest, folder.module.manifest, ...folder.files].filter(Boolean).map((f) => f!.display));
      this.intakeEntries.set(folder.dir, {
        folder,
        intake: intakes.intakes.find((i) => i.folder === folder.display),
        diagnostics: intakes.diagnostics.filter((d) => files.has(d.file)),
      });
    }
    return this.finish(start, true, { rules: [], intakes: [], templates: true }, undefined);
  }

  /** Take changed paths (absolute) into account. */
  update(changedPaths: Iterable<string>): UpdateReport {
    const start = performance.now();
    const config = this.config;
    const changed = new Set([...changedPaths].map(realPath));
    const configFile = this.configFile && realPath(this.configFile);
    if (!config || [...changed].some((p) => p === configFile || this.fullFiles.has(p))) return this.load();
    const under = (roots: readonly string[]) => [...changed].some((p) => roots.some((r) => inside(p, realPath(r))));
    const reread = { rules: [] as string[], intakes: [] as string[], templates: false };
    if (!config.rulesIndex && under(config.rules)) reread.rules = this.refreshRules(changed);
    if (under(config.intakes)) reread.intakes = this.refreshIntakes(changed);
    if (under([config.templates])) {
      this.templates = undefined;
      reread.templates = true;
    }
    return this.finish(start, false, reread, this.good);
  }

  private listRuleFiles(): { files: FoundFile[]; diagnostics: Diagnostic[] } {
    const c = this.config!;
    const out = { files: [] as FoundFile[], diagnostics: [] as Diagnostic[] };
    for (const root of c.rules) {
      const walked = walkFiles(root, isYaml, c.cwd);
      out.files.push(...walked.files);
      out.diagnostics.push(...walked.diagnostics);
    }
    this.walkProblems.rules = out.diagnostics;
    return out;
  }

  private listIntakeFolders(): { folders: IntakeFolder[]; diagnostics: Diagnostic[] } {
    const c = this.config!;
    const out = { folders: [] as IntakeFolder[], diagnostics: [] as Diagnostic[] };
    for (const root of c.intakes) {
      const walked = walkFiles(root, isIntakeFile, c.cwd);
      out.folders.push(...findIntakeFolders(walked.files));
      out.diagnostics.push(...walked.diagnostics);
    }
    this.walkProblems.intakes = out.diagnostics;
    return out;
  }

  /** List the rule folders again; read new and changed files only. Returns the files read. */
  private refreshRules(changed: ReadonlySet<string>): string[] {
    const options = { effortByLevel: this.config!.effortByLevel };
    const next = new Map<string, RuleFile>();
    const read: string[] = [];
    for (const f of this.listRuleFiles().files) {
      const old = this.ruleFiles.get(f.absolute);
      if (old && old.display === f.display && !changed.has(f.absolute)) {
        next.set(f.absolute, old);
        continue;
      }
      const { text, diagnostics } = readText(f.absolute, f.display);
      const rules = text === undefined ? [] : readRuleText(f.display, text, options, diagnostics);
      next.set(f.absolute, { display: f.display, rules, diagnostics });
      read.push(f.display);
    }
    this.ruleFiles = next;
    return read;
  }

  /** List the intake folders again; read the intakes with a new, changed or removed file only. Returns the folders read. */
  private refreshIntakes(changed: ReadonlySet<string>): string[] {
    const options = { platformFields: this.config!.platformFields };
    const next = new Map<string, IntakeEntry>();
    const read: string[] = [];
    for (const folder of this.listIntakeFolders().folders) {
      const old = this.intakeEntries.get(folder.dir);
      const files = folderFiles(folder);
      const same = old && folderFiles(old.folder).join('\n') === files.join('\n') && old.folder.display === folder.display;
      if (old && same && !files.some((f) => changed.has(f))) {
        next.set(folder.dir, old);
        continue;
      }
      next.set(folder.dir, { folder, ...readIntakeFolder(folder, options) });
      read.push(folder.display);
    }
    this.intakeEntries = next;
    return read;
  }

  private finish(start: number, full: boolean, reread: UpdateReport['reread'], base: Good | undefined): UpdateReport {
    const config = this.config!;
    const diagnostics: Diagnostic[] = [...this.configProblems];
    diagnostics.push(...this.walkProblems.rules, ...this.walkProblems.intakes);
    const rules: Rule[] = [];
    for (const f of this.ruleFiles.values()) {
      rules.push(...f.rules);
      diagnostics.push(...f.diagnostics);
    }
    const intakes: Intake[] = [];
    for (const e of this.intakeEntries.values()) {
      if (e.intake) intakes.push(e.intake);
      diagnostics.push(...e.diagnostics);
    }
    const catalog = config.rulesIndex ? importCatalog(config.rulesIndex, config, intakes, diagnostics) : buildCatalog(rules, intakes, diagnostics);
    const attack = checkDocsInputs(config, catalog, diagnostics);
    if (!this.matchInputs) {
      const problems: Diagnostic[] = [];
      this.matchInputs = { inputs: readMatchInputs(config, problems), diagnostics: problems };
    }
    diagnostics.push(...this.matchInputs.diagnostics);
    if (!this.templates) {
      this.templates = { ...loadTemplates(config.templates, config.cwd), dir: config.templates };
    }
    diagnostics.push(...this.templates.diagnostics);
    this.version++;
    this.problems = sortDiagnostics(diagnostics);
    this.broken = hasErrors(diagnostics);
    const report = (rematched: UpdateReport['rematched']): UpdateReport => ({
      full,
      reread,
      rematched,
      errors: this.problems.filter((d) => d.severity === 'error').length,
      ms: performance.now() - start,
    });
    if (this.broken) return report(null);
    const options = { mode: config.match, ...this.matchInputs.inputs };
    const run = (c: Catalog) => (config.rulesIndex ? matchExplicit(c) : matchCatalog(c, options));
    const { match, redone } = rematch(full ? undefined : base, catalog, run);
    const costly = budgetWarnings(catalog.rules, catalog.intakes);
    if (costly.length > 0) this.problems = sortDiagnostics([...this.problems, ...costly]);
    this.good = { config, catalog, match, attack, matchInputs: this.matchInputs.inputs, templates: this.templates };
    return report({ rules: redone.rules, intakes: redone.intakes });
  }
}

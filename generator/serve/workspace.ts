/**
 * The catalog as `rulecat serve` keeps it in memory: the pipeline's last
 * state, updated from changed paths (the pipeline decides what to read and
 * match again: a changed configuration file, field mapping, log-source
 * table, ATT&CK table or rules index means everything; changed rule files,
 * intake folders or templates only those). Pages are rendered on request
 * (`site.ts`) from the last good state.
 *
 * An update with errors keeps the last good state for display and reports
 * the problems; the next update is matched against that last good state.
 */
import path from 'node:path';
import type { Config } from '../config.js';
import { hasErrors, type Diagnostic } from '../diagnostics.js';
import { realPath } from '../load/sources.js';
import type { LoadedTemplates } from '../pipeline.js';
import { runPipeline, watchedPaths, type PipelineState } from '../pipeline.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import type { MatchInputs } from '../load/read-match-inputs.js';
import type { AttackIndex } from '../model/attack.js';
import type { Catalog } from '../model/catalog.js';

export type { LoadedTemplates };

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

export class Workspace {
  /** Grows by one at every update, good or not. */
  version = 0;
  good?: Good;
  /** Problems of the latest update (errors and warnings), sorted. */
  problems: Diagnostic[] = [];
  /** The latest update has errors: `good` is older than the inputs. */
  broken = false;
  private state?: PipelineState;
  private configProblems: Diagnostic[] = [];

  constructor(
    private readonly readConfig: () => { config: Config; diagnostics: Diagnostic[] },
    /** The configuration file when there is one (a change reloads everything). */
    private readonly configFile?: string,
  ) {}

  /** Files and folders to watch. */
  watched(): string[] {
    const own = this.configFile ? [path.resolve(this.configFile)] : [];
    return [...new Set([...own, ...(this.state ? watchedPaths(this.state.config) : [])])];
  }

  /** Read everything (through the input cache). */
  async load(): Promise<UpdateReport> {
    const { config, diagnostics } = this.readConfig();
    this.configProblems = diagnostics;
    return this.run(config, undefined, []);
  }

  /** Take changed paths (absolute) into account. */
  async update(changedPaths: Iterable<string>): Promise<UpdateReport> {
    const changed = [...changedPaths];
    const configFile = this.configFile && realPath(this.configFile);
    if (!this.state || changed.some((p) => realPath(p) === configFile)) return this.load();
    return this.run(this.state.config, this.state, changed);
  }

  private async run(
    config: Config,
    previous: PipelineState | undefined,
    changed: readonly string[],
  ): Promise<UpdateReport> {
    const start = performance.now();
    const state = await runPipeline(config, { previous, changed });
    this.state = state;
    this.version++;
    this.problems = [...this.configProblems, ...state.diagnostics];
    this.broken = hasErrors(this.problems);
    if (!this.broken && state.match) {
      this.good = {
        config,
        catalog: state.catalog,
        match: state.match,
        attack: state.attack,
        matchInputs: state.matchInputs,
        templates: state.templates,
      };
    }
    return {
      full: state.work.full,
      reread: state.work.reread,
      rematched: this.broken ? null : state.work.rematched,
      errors: this.problems.filter((d) => d.severity === 'error').length,
      ms: performance.now() - start,
    };
  }
}

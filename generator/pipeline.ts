/**
 * The one chain every command runs: resolved configuration → inputs →
 * catalog → match. `generate` (every page), `preview` (one page), `serve`
 * (incremental updates), `explain` and `gaps` all start from its result;
 * none of them reads inputs or matches on its own.
 *
 * A request chooses how much is read and matched:
 * - nothing: every rule and intake, the whole catalog matched;
 * - `intake`: every rule, the one intake in full (the others by their
 *   manifest), only that intake matched;
 * - `previous` and `changed`: what the changed files touch is read and
 *   matched again, the rest is kept from the previous state.
 */
import path from 'node:path';
import { maxFileSizeBytes, type Config } from './config.js';
import { error, hasErrors, sortDiagnostics, wholeFile, type Diagnostic } from './diagnostics.js';
import { cacheProblem } from './load/input-cache.js';
import { readAttack } from './load/read-attack.js';
import { readMatchInputs, type MatchInputs } from './load/read-match-inputs.js';
import { readRulesIndex } from './load/read-rules-index.js';
import { loadTemplates, type OutputTemplate } from './load/read-templates.js';
import { realPath, Sources, type Reread, type SourceOptions } from './load/sources.js';
import { InputFiles, type RunFiles } from './load/input-files.js';
import { displayPath } from './load/walk-files.js';
import { matchExplicit } from './match/explicit-match.js';
import { matchCatalog, type CatalogMatch, type MatchOptions } from './match/match-catalog.js';
import { oneIntakeCatalog } from './match/one-intake.js';
import { hasBit } from './match/bitset.js';
import { fitSet, indexIntakes } from './match/intake-index.js';
import type { LightRule } from './load/read-rules.js';
import { rematch } from './match/rematch.js';
import { budgetWarnings } from './match/values.js';
import type { AttackIndex } from './model/attack.js';
import { buildCatalog, type Catalog } from './model/catalog.js';
import { checkAttack } from './model/check-attack.js';
import { buildIndexCatalog } from './model/index-catalog.js';
import { brokenFiles, isBrokenIntake, isBrokenRule, type LeftOut } from './isolate.js';
import type { Intake } from './model/intake.js';
import type { Unresolved } from './model/resolve-names.js';
import { openMatchStore, storedBase, storeMatch, type MatchStore } from './stored-match.js';
import { withMaxFileSize } from './load/read-text.js';
import { timed, timedAsync, type Timings } from './timing.js';

export interface LoadedTemplates {
  templates: OutputTemplate[];
  partials: Map<string, string>;
  /** The template folder. */
  dir: string;
  diagnostics: Diagnostic[];
}

export interface PipelineRequest {
  /** Only this intake (uuid, name or slug) is read in full and matched. */
  intake?: string;
  /** A state of the same configuration to update (with `changed`). */
  previous?: PipelineState;
  /** Absolute paths changed since `previous` (files or folders, added, changed or removed). */
  changed?: Iterable<string>;
  /** Stop after the catalog: no matching (the caller only needs the inputs). */
  noMatch?: boolean;
  /**
   * Answer despite broken rule files and intake folders: when every error is
   * about one of them, they are left out (`leftOut`) and the catalog and match
   * are those of the other inputs, exactly as if the broken files were absent.
   */
  isolate?: boolean;
  /** The run's input files, already walked and read (by the run memo): read nowhere else. */
  files?: RunFiles;
  timings?: Timings;
}

/** What a run redid, for serve's log. */
export interface PipelineWork {
  /** Everything read again (no previous state, or a table changed). */
  full: boolean;
  reread: Reread & { templates: boolean };
  /** Rules matched against every intake and intakes matched against every rule; null when not matched. */
  rematched: { rules: number; intakes: number } | null;
}

export interface PipelineState {
  config: Config;
  sources: Sources;
  catalog: Catalog;
  /** The ATT&CK table (absent when it could not be read). */
  attack?: AttackIndex;
  matchInputs: MatchInputs;
  templates: LoadedTemplates;
  /** Every problem of the inputs read, sorted. */
  diagnostics: Diagnostic[];
  /** Absent when the inputs have errors, or with `noMatch`. */
  match?: CatalogMatch;
  /** With `intake`: the intake asked for, read in full (absent when not found). */
  intake?: Intake;
  /** With `intake`: set when the query names no intake, or several. */
  unresolved?: Unresolved;
  /**
   * With `isolate`, when the inputs have errors and each is about one rule file or intake folder:
   * what was left out. `catalog` and `match` are then those of the other inputs; `diagnostics` still lists every problem.
   */
  leftOut?: LeftOut;
  work: PipelineWork;
  /** Tables kept for the next incremental run. */
  readonly tables: Tables;
  /** The latest catalog and match without errors (this run's, or one before): what the next update rematches from. */
  matched?: { catalog: Catalog; match: CatalogMatch };
}

interface Tables {
  matchInputs: { value: MatchInputs; diagnostics: Diagnostic[] };
  attack: { value?: AttackIndex; diagnostics: Diagnostic[] };
}

/** The matcher's options for this configuration and these tables. */
export function matchOptions(config: Pick<Config, 'match'>, inputs: MatchInputs): MatchOptions {
  return { mode: config.match, ...inputs };
}

/** The cache folder, unless there is none or it cannot be used (then `cacheWarning` says why). */
export function usableCache(config: Pick<Config, 'cache'>): string | undefined {
  return config.cache && !cacheProblem(config.cache) ? config.cache : undefined;
}

/** A warning when the configured cache folder cannot be used (the run goes on without it). */
function cacheWarning(config: Config): Diagnostic[] {
  const problem = config.cache ? cacheProblem(config.cache, displayPath(config.cache, config.cwd)) : undefined;
  return problem ? [problem] : [];
}

export function sourceOptions(config: Config): SourceOptions {
  return {
    rules: config.rulesIndex ? [] : config.rules,
    intakes: config.intakes,
    cwd: config.cwd,
    cache: usableCache(config),
    ruleOptions: { effortByLevel: config.effortByLevel },
    intakeOptions: { platformFields: config.platformFields },
  };
}

/** Files whose change means reading everything again. */
function wholeFiles(config: Config): Set<string> {
  return new Set(
    [...config.fieldMapping, ...config.pipelines, config.logsources, config.attack, config.rulesIndex]
      .filter((p): p is string => !!p)
      .map(realPath),
  );
}

/** Files and folders a long-running process should watch to stay up to date. */
export function watchedPaths(config: Config): string[] {
  return [
    ...new Set(
      [...config.rules, ...config.intakes, config.templates, ...wholeFiles(config)].map((p) => path.resolve(p)),
    ),
  ];
}

function configurationProblems(config: Config): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (config.rules.length === 0 && !config.rulesIndex)
    out.push(
      error(
        wholeFile('(configuration)'),
        'no-rules',
        'No rule folder given, expected --rules DIR or "rules:" in rulecat.config.yaml',
      ),
    );
  if (config.intakes.length === 0)
    out.push(
      error(
        wholeFile('(configuration)'),
        'no-intakes',
        'No intake folder given, expected --intakes DIR or "intakes:" in rulecat.config.yaml',
      ),
    );
  return out;
}

function readTables(config: Config, store: InputFiles): Tables {
  const mappingProblems: Diagnostic[] = [];
  const matchInputs = readMatchInputs({ ...config, cache: usableCache(config) ?? false }, mappingProblems, store);
  const attack = readAttack(config.attack, displayPath(config.attack, config.cwd), store.text);
  return {
    matchInputs: { value: matchInputs, diagnostics: mappingProblems },
    attack: { value: attack.attack, diagnostics: attack.diagnostics },
  };
}

function readTemplateFolder(config: Config, store: InputFiles): LoadedTemplates {
  return { ...loadTemplates(config.templates, config.cwd, store.text), dir: config.templates };
}

/** Rules and intakes (with a published index: the index's rules) checked together. */
function assemble(config: Config, sources: Sources, diagnostics: Diagnostic[], store: InputFiles): Catalog {
  if (!config.rulesIndex) return buildCatalog(sources.rules(), sources.intakes(), diagnostics);
  const index = readRulesIndex(config.rulesIndex, displayPath(config.rulesIndex, config.cwd), store.text);
  diagnostics.push(...index.diagnostics);
  return buildIndexCatalog(index.entries, sources.intakes(), diagnostics);
}

/**
 * The catalog without the rule files and intake folders that have errors, or
 * undefined when an error is not about one of them. Leaving inputs out can
 * only remove catalog errors (duplicates, references); a catalog error about
 * another file leaves that file out too, until none is left.
 */
function isolateBroken(
  config: Config,
  sources: Sources,
  attack: AttackIndex | undefined,
  diagnostics: readonly Diagnostic[],
): { catalog: Catalog; leftOut: LeftOut } | undefined {
  if (config.rulesIndex) return undefined;
  const shown = (dirs: readonly string[]) => dirs.map((d) => displayPath(d, config.cwd));
  const ruleRoots = shown(config.rules);
  const intakeRoots = shown(config.intakes);
  const first = brokenFiles(diagnostics, ruleRoots, intakeRoots);
  if (first.global.length > 0) return undefined;
  const files = first.files;
  for (;;) {
    const rules = sources.rules().filter((r) => !isBrokenRule(r, files));
    const intakes = sources.intakes().filter((i) => !isBrokenIntake(i, files));
    const problems: Diagnostic[] = [];
    const catalog = buildCatalog(rules, intakes, problems);
    if (attack) problems.push(...checkAttack(catalog.rules, attack, { imported: false }));
    const next = brokenFiles(problems, ruleRoots, intakeRoots);
    if (next.global.length > 0) return undefined;
    const added = [...next.files].filter((f) => !files.has(f));
    if (added.length === 0) {
      const leftOut: LeftOut = {
        files: [...files].sort(),
        rules: sources.rules().filter((r) => isBrokenRule(r, files)),
        intakes: sources.intakes().filter((i) => isBrokenIntake(i, files)),
      };
      return { catalog, leftOut };
    }
    for (const f of added) files.add(f);
  }
}

/** Run the chain for `config` as the request asks. Never throws for bad input: problems are in `diagnostics`. */
export function runPipeline(config: Config, request: PipelineRequest = {}): Promise<PipelineState> {
  return withMaxFileSize(maxFileSizeBytes(config), () => pipeline(config, request));
}

async function pipeline(config: Config, request: PipelineRequest): Promise<PipelineState> {
  const { timings } = request;
  const changed = new Set([...(request.changed ?? [])].map(realPath));
  const whole = wholeFiles(config);
  const base =
    request.previous && request.previous.config === config && ![...changed].some((p) => whole.has(p))
      ? request.previous
      : undefined;

  let sources: Sources;
  let reread: Reread = { rules: [], intakes: [] };
  if (base) {
    ({ sources, reread } = timed(timings, 'load', () => base.sources.refresh(changed)));
  } else {
    sources = new Sources(sourceOptions(config), request.files);
  }
  // Files outside the rule and intake folders are read through the run's store too (each read once).
  const store = request.files?.store ?? new InputFiles();
  const tables = base ? base.tables : timed(timings, 'load tables', () => readTables(config, store));
  if (!base) {
    const table = tables.matchInputs.value.table;
    // One intake: whole only the rules that can apply to it (named in `intakes:`, or whose log source fits it),
    // and the correlations and filters (which bring other rules along).
    const wanted = (chosen: Intake) => {
      const index = indexIntakes([chosen]);
      return (rule: LightRule) =>
        rule.kind !== 'detection' || rule.intakes.length > 0 || hasBit(fitSet(index, rule.logsource, table), 0);
    };
    if (request.intake !== undefined)
      // (Near misses look at every rule: then every rule is read whole.)
      await timedAsync(timings, 'load', () =>
        sources.readOne(request.intake!, config.rulesIndex ? undefined : config.nearMiss ? () => () => true : wanted),
      );
    else await timedAsync(timings, 'load', () => sources.readAll());
  }
  const templateRoot = realPath(config.templates);
  const templatesChanged =
    !base || [...changed].some((p) => p === templateRoot || p.startsWith(templateRoot + path.sep));
  const templates = templatesChanged
    ? timed(timings, 'load templates', () => readTemplateFolder(config, store))
    : base.templates;

  const diagnostics = [
    ...configurationProblems(config),
    ...cacheWarning(config),
    ...sources.diagnostics(),
    ...tables.matchInputs.diagnostics,
    ...tables.attack.diagnostics,
    ...templates.diagnostics,
  ];
  let catalog = timed(timings, 'model', () => assemble(config, sources, diagnostics, store));
  const attack = tables.attack.value;
  if (attack)
    timed(timings, 'model', () =>
      diagnostics.push(...checkAttack(catalog.rules, attack, { imported: config.rulesIndex !== undefined })),
    );
  const isolated =
    request.isolate && hasErrors(diagnostics)
      ? timed(timings, 'model', () => isolateBroken(config, sources, attack, diagnostics))
      : undefined;
  if (isolated) catalog = isolated.catalog;
  const chosen = sources.chosen && isolated?.leftOut.intakes.includes(sources.chosen) ? undefined : sources.chosen;

  const state: PipelineState = {
    config,
    sources,
    catalog,
    attack,
    matchInputs: tables.matchInputs.value,
    templates,
    diagnostics: sortDiagnostics(diagnostics),
    intake: chosen,
    unresolved: sources.unresolved,
    leftOut: isolated?.leftOut,
    work: { full: !base, reread: { ...reread, templates: templatesChanged }, rematched: null },
    tables,
    matched: base?.matched,
  };
  if (
    request.noMatch ||
    (hasErrors(diagnostics) && !isolated) ||
    sources.unresolved ||
    (request.intake !== undefined && !chosen)
  )
    return state;

  let matchStore: MatchStore | undefined;
  let storedWarnings: Diagnostic[] = [];
  const options = matchOptions(config, state.matchInputs);
  const run = (c: Catalog) => (config.rulesIndex ? matchExplicit(c) : matchCatalog(c, options));
  timed(
    timings,
    'match',
    () => {
      if (chosen) {
        state.match = run(oneIntakeCatalog(catalog, chosen, config.rulesIndex ? undefined : state.matchInputs.table));
        state.work.rematched = { rules: state.match.intakesByRule.size, intakes: 1 };
      } else {
        // A new process after a run over the same intakes, tables and settings: the stored match of unchanged rules.
        const cacheDir = usableCache(config);
        matchStore =
          !base && !isolated && !config.rulesIndex && request.files && cacheDir
            ? openMatchStore(config, cacheDir, request.files, sources)
            : undefined;
        const stored = matchStore && storedBase(matchStore, catalog);
        if (stored) storedWarnings = stored.warnings;
        const { match, redone } = rematch(isolated ? undefined : (base?.matched ?? stored?.base), catalog, run);
        state.match = match;
        state.work.rematched = { rules: redone.rules, intakes: redone.intakes };
        if (!isolated) state.matched = { catalog, match };
        if (matchStore) {
          const kept = new Set(stored?.base.catalog.rules ?? []);
          storeMatch(matchStore, catalog, match, new Set(catalog.rules.filter((r) => !kept.has(r))));
        }
      }
    },
    `${catalog.rules.length} rules, ${chosen ? 1 : catalog.intakes.length} intake${chosen ? '' : 's'}`,
  );
  // Value tests that ran out of their step budget were judged "can match": each rule says so once
  // (rules whose match was taken from the store give the warnings stored with it).
  const costly = [...budgetWarnings(catalog.rules, chosen ? [chosen] : catalog.intakes), ...storedWarnings];
  if (costly.length > 0) state.diagnostics = sortDiagnostics([...state.diagnostics, ...costly]);
  return state;
}

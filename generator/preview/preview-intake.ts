/**
 * `rulecat preview`: the page of one intake, doing only the work that intake
 * needs. Compared with `generate`:
 *
 * - intakes: the folders are listed and every manifest is read (names,
 *   uuids, slugs: to find the intake and resolve the rules' `intakes:`
 *   lists), but only the chosen intake's folder is read in full;
 * - rules: every rule is read (any rule may apply), through the input cache;
 * - matching: every rule against that one intake (a one-intake catalog;
 *   explicit memberships and correlations included);
 * - output: that one page is rendered; nothing is written.
 *
 * Problems are those of the inputs read: rules, the chosen intake, the
 * manifests, configuration, mappings, templates and the ATT&CK table.
 */
import { type Config } from '../config.js';
import { error, hasErrors, sortDiagnostics, wholeFile, type Diagnostic } from '../diagnostics.js';
import { checkDocsInputs, importCatalog } from '../docs-inputs.js';
import { readMatchInputs } from '../load/read-match-inputs.js';
import { readRules } from '../load/read-rules.js';
import { matchExplicit } from '../match/explicit-match.js';
import { hasBit } from '../match/bitset.js';
import { fitSet, indexIntakes } from '../match/intake-index.js';
import type { LogsourceTable } from '../match/logsource.js';
import { matchCatalog } from '../match/match-catalog.js';
import { budgetWarnings } from '../match/values.js';
import { buildCatalog, type Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { loadTemplates } from '../plan/templates.js';
import type { IntakeView, RuleView } from '../plan/views.js';
import { resolveIntake } from '../cli/resolve-names.js';
import { timed, timedAsync, type Timings } from '../timing.js';
import { pageNearMisses, pageView, renderPage, ruleViewer } from './intake-page.js';
import { listIntakes, readChosenIntake } from './select-intake.js';
import type { AttackIndex } from '../model/attack.js';

export interface PreviewResult {
  /** The page as `generate` writes it; absent when there are errors or the intake is not found. */
  markdown?: string;
  /** The page's file name in the output folder. */
  path?: string;
  intake?: Intake;
  view?: IntakeView;
  /** Rules applying to the intake, in catalog order. */
  rules?: Rule[];
  /** Their views (titles may repeat; the page lists each title once). */
  ruleViews?: RuleView[];
  /** The catalog as far as this preview read it: every rule, the chosen intake, the other intakes' identities. */
  catalog?: Catalog;
  attack?: AttackIndex;
  /** Set when `query` names no intake, or several. */
  unresolved?: { close: string[]; ambiguous: boolean };
  diagnostics: Diagnostic[];
}

/**
 * The catalog the matcher is given: that intake alone, the memberships of
 * that intake, and only the rules that can land on it: those naming it in
 * `intakes:` and those whose log source fits it (`table` given). The others
 * cannot apply by their detection (the matcher's scope, where the log source
 * fits, is empty for them) and, as correlated rules, bring nothing to a
 * correlation.
 */
export function oneIntakeCatalog(catalog: Catalog, intake: Intake, table?: LogsourceTable): Catalog {
  const explicit = new Map<Rule, Intake[]>();
  for (const [rule, intakes] of catalog.explicit) if (intakes.includes(intake)) explicit.set(rule, [intake]);
  if (!table) return { ...catalog, intakes: [intake], explicit };
  const index = indexIntakes([intake]);
  const rules = catalog.rules.filter((r) => r.kind !== 'filter' && (explicit.has(r) || hasBit(fitSet(index, r.logsource, table), 0)));
  return { ...catalog, rules, intakes: [intake], explicit };
}

export async function previewIntake(config: Config, query: string, timings?: Timings): Promise<PreviewResult> {
  const diagnostics: Diagnostic[] = [];
  const done = (r: Omit<PreviewResult, 'diagnostics'> = {}): PreviewResult => ({ ...r, diagnostics: sortDiagnostics(diagnostics) });
  if (config.rules.length === 0 && !config.rulesIndex) diagnostics.push(error(wholeFile('(configuration)'), 'no-rules', 'No rule folder given, expected --rules DIR or "rules:" in rulecat.config.yaml'));
  if (config.intakes.length === 0) diagnostics.push(error(wholeFile('(configuration)'), 'no-intakes', 'No intake folder given, expected --intakes DIR or "intakes:" in rulecat.config.yaml'));

  const cache = config.cache || undefined;
  const candidates = timed(timings, 'list intakes', () => listIntakes(config.intakes, config.cwd, cache));
  diagnostics.push(...candidates.diagnostics);
  const resolved = resolveIntake(query, candidates.stubs);
  if (resolved.found === undefined) return done({ unresolved: { close: resolved.close, ambiguous: resolved.ambiguous } });
  const chosen = timed(timings, 'load intake', () => readChosenIntake(candidates, resolved.found, { platformFields: config.platformFields }));
  diagnostics.push(...chosen.diagnostics);
  const intake = chosen.intake;
  if (!intake) return done();

  const rules = config.rulesIndex
    ? { rules: [], diagnostics: [] }
    : timed(timings, 'load rules', () => readRules(config.rules, { effortByLevel: config.effortByLevel }, config.cwd, cache));
  diagnostics.push(...rules.diagnostics);
  const catalog = timed(timings, 'model', () =>
    config.rulesIndex ? importCatalog(config.rulesIndex, config, chosen.intakes, diagnostics) : buildCatalog(rules.rules, chosen.intakes, diagnostics),
  );
  const attack = timed(timings, 'model', () => checkDocsInputs(config, catalog, diagnostics));
  const matchInputs = timed(timings, 'load mappings', () => readMatchInputs(config, diagnostics));
  const templates = timed(timings, 'load templates', () => loadTemplates(config.templates, config.cwd));
  diagnostics.push(...templates.diagnostics);
  if (hasErrors(diagnostics)) return done({ intake, catalog, attack });

  const one = oneIntakeCatalog(catalog, intake, config.rulesIndex ? undefined : matchInputs.table);
  const match = timed(timings, 'match', () => (config.rulesIndex ? matchExplicit(one) : matchCatalog(one, { mode: config.match, ...matchInputs })));
  diagnostics.push(...budgetWarnings(one.rules, one.intakes));
  const applying = match.rulesByIntake.get(intake.uuid) ?? [];
  const viewOf = ruleViewer(config);
  const near = timed(timings, 'match', () => pageNearMisses(intake, catalog, match, config, matchInputs));
  const view = pageView(intake, applying, config, attack, viewOf, near);
  const page = await timedAsync(timings, 'render', () => renderPage(view, applying, { ...templates, dir: config.templates }, config));
  diagnostics.push(...page.diagnostics);
  return done({ markdown: hasErrors(diagnostics) ? undefined : page.markdown, path: page.path, intake, view, rules: applying, ruleViews: applying.map(viewOf), catalog, attack });
}

/**
 * Views of the whole documentation set beyond per-intake pages: catalog and
 * changelog pages, the rules index, the catalog-wide layer, and the layers
 * in the configured style (docs/format.md#layers to #changelog-page).
 */
import { techniqueCoverage } from '../match/coverage.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import type { AttackIndex } from '../model/attack.js';
import type { Catalog } from '../model/catalog.js';
import type { Rule } from '../model/rule.js';
import { catalogPageView, type CatalogPageView } from './catalog-page-view.js';
import { catalogDate, changelogView, type ChangelogPageView } from './changelog-view.js';
import { richLayer } from './rich-layer.js';
import { CATALOG_PAGE, defaultRuleUrl } from './rule-url.js';
import { rulesIndexView, type RulesIndexEntry } from './rules-index-view.js';
import { compatLayer, type IntakeView } from './intake-view.js';
import type { LayerStyle, PlanOptions } from './plan-options.js';
import { sortedByTitle, uniqueTitles, type RuleView } from './rule-view.js';
import { DEFAULT_WORDS, layerName, type Words } from './words.js';

export const CATALOG_LAYER_FILE = 'attack_catalog_do_not_edit_manually.json';

export interface CatalogLayerView {
  name: string;
  layerFile: string;
  layerUrl: string;
  navigatorLink: string;
  layer: Record<string, unknown>;
}

export interface DocsViews {
  intakes: IntakeView[];
  attack: { version: string; domain: string };
  layerStyle: LayerStyle;
  /** Absent when no date is known and no rich layer links to it. */
  catalogPage?: CatalogPageView;
  changelogPage?: ChangelogPageView;
  rulesIndex: RulesIndexEntry[];
  catalogLayer: CatalogLayerView;
  words: Words;
}

function layerOf(
  name: string,
  rules: readonly RuleView[],
  config: PlanOptions,
  attack: AttackIndex,
  description: string,
  style: 'compat' | 'rich' = config.layerStyle === 'compat' ? 'compat' : 'rich',
): Record<string, unknown> {
  if (style === 'compat')
    return compatLayer(name, techniqueCoverage(sortedByTitle(rules), true), config, attack.version);
  const options = {
    name: layerName(config.words, name),
    description,
    ruleUrl: config.layer.ruleUrl ?? defaultRuleUrl(config.layer.baseUrl),
  };
  return richLayer(rules, attack, options);
}

const scoreNote = 'the score of a technique is the number of rules that detect it';

/** File of the rich layer written beside the compat one when the style is `both`. */
export const richLayerFile = (uuid: string) => `attack_${uuid}_rich_do_not_edit_manually.json`;

/**
 * An intake's view with its layer in the configured style (`rules`: every rule
 * applying to it, repeated titles included). With `both`, the layer pages link
 * to stays compat and a rich one is added beside it.
 */
export function styledIntakeView(
  v: IntakeView,
  rules: readonly RuleView[],
  config: PlanOptions,
  attack: AttackIndex,
): IntakeView {
  if (config.layerStyle === 'compat') return v;
  const rich = layerOf(
    v.intake.name,
    rules,
    config,
    attack,
    `Techniques detected by the ${v.rules.length} rules that apply to ${v.intake.name} (ATT&CK Enterprise v${attack.version}); ${scoreNote}.`,
    'rich',
  );
  if (config.layerStyle === 'rich' || v.rules.length === 0)
    return config.layerStyle === 'rich' ? { ...v, layer: rich } : v;
  const file = richLayerFile(v.intake.uuid);
  const url = config.layer.baseUrl + file;
  return {
    ...v,
    rich: {
      layer: rich,
      layerFile: file,
      layerUrl: url,
      navigatorLink: config.layer.navigatorUrl + encodeURIComponent(url),
    },
  };
}

/** Whether this run's rich layers link rules to the catalog page (as the default `layer.ruleUrl` does). */
export function linksCatalogPage(config: PlanOptions): boolean {
  const pattern = config.layer.ruleUrl ?? defaultRuleUrl(config.layer.baseUrl);
  return config.layerStyle !== 'compat' && pattern.split(/[?#]/)[0].endsWith(CATALOG_PAGE);
}

export function docsViews(
  catalog: Catalog,
  match: CatalogMatch,
  config: PlanOptions,
  attack: AttackIndex,
  ruleViews: ReadonlyMap<Rule, RuleView>,
  intakes: readonly IntakeView[],
): DocsViews {
  const all = [...ruleViews.values()];
  const ordered = sortedByTitle(all);
  const unique = uniqueTitles(ordered);
  const rulesOf = (uuid: string) => (match.rulesByIntake.get(uuid) ?? []).map((r) => ruleViews.get(r)!).filter(Boolean);
  const layered = intakes.map((v) => styledIntakeView(v, rulesOf(v.intake.uuid), config, attack));
  const date = catalogDate(config.date, unique);
  const layerUrl = config.layer.baseUrl + CATALOG_LAYER_FILE;
  const words = config.words ?? DEFAULT_WORDS;
  const indexed = catalog.rules
    .filter((r) => ruleViews.has(r))
    .map((r) => ({ rule: ruleViews.get(r)!, intakes: (match.intakesByRule.get(r) ?? []).map((i) => i.name) }));
  return {
    intakes: layered,
    attack: { version: attack.version, domain: attack.domain },
    layerStyle: config.layerStyle,
    // Rich layers link each rule to the catalog page by default: it is then written even without a date.
    catalogPage:
      date !== undefined || linksCatalogPage(config) ? catalogPageView(ordered, attack, date ?? '') : undefined,
    changelogPage: date === undefined ? undefined : changelogView(unique, date),
    rulesIndex: rulesIndexView(indexed, attack),
    catalogLayer: {
      name: words.catalog,
      layerFile: CATALOG_LAYER_FILE,
      layerUrl,
      navigatorLink: config.layer.navigatorUrl + encodeURIComponent(layerUrl),
      layer: layerOf(
        words.catalog,
        all,
        config,
        attack,
        `Techniques detected by the ${unique.length} rules of the catalog (ATT&CK Enterprise v${attack.version}); ${scoreNote}.`,
      ),
    },
    words,
  };
}

/**
 * What templates see: plain, sorted, render-ready views of the catalog.
 */
import type { Config } from '../config.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { byCodePoint, techniqueCoverage, type CoveredTechnique } from '../match/coverage.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import { attributionView, type AttributionView } from './attribution-view.js';
import type { DocsViews } from './docs-views.js';

export interface RuleView {
  id: string;
  title: string;
  description: string;
  effort: string;
  level: string;
  author: string;
  techniques: string[];
  tactics: string[];
  dataSources: string[];
  changelog: { date: string; type: string; description: string }[];
  file: string;
  /** Author, source and license notice, when attribution is on. */
  attribution?: AttributionView | null;
}

export interface IntakeView {
  intake: { uuid: string; name: string; slug: string; description: string; module: string };
  rules: RuleView[];
  techniques: CoveredTechnique[];
  layerFile: string;
  layerUrl: string;
  navigatorLink: string;
  /** ATT&CK Navigator layer in the model's form (docs/format.md#compat-layer). */
  layer: Record<string, unknown>;
  /** Rules that one more field would make apply (empty unless near misses are asked for). */
  nearMiss: NearMissView[];
  /** The rich layer written beside the compat one (layer style `both`). */
  rich?: { layer: Record<string, unknown>; layerFile: string; layerUrl: string; navigatorLink: string };
}

export interface NearMissView {
  title: string;
  /** The fields, each of which alone would make the rule apply. */
  fields: string[];
}

export interface Views extends Partial<Omit<DocsViews, 'intakes'>> {
  intakes: IntakeView[];
  rules: RuleView[];
}

/** Adds views of the whole documentation set, given the view of every rule and of every intake. */
export type ExtendViews = (ruleViews: ReadonlyMap<Rule, RuleView>, intakes: IntakeView[]) => Partial<DocsViews>;

export function ruleView(rule: Rule): RuleView {
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    effort: rule.effort,
    level: rule.level ?? '',
    author: rule.author ?? '',
    techniques: rule.techniques.map((t) => t.value),
    tactics: rule.tactics.map((t) => t.value),
    dataSources: rule.dataSources,
    changelog: rule.changelog,
    file: rule.file,
  };
}

export function sortedNearMisses(list: readonly { rule: Rule; fields: string[] }[]): NearMissView[] {
  const views = list.map((n) => ({ title: n.rule.title, fields: n.fields })).sort((a, b) => byCodePoint(a.title, b.title));
  return views.filter((v, i) => i === 0 || v.title !== views[i - 1].title);
}

/** Rules sorted by title (code points), each title once. */
export function sortedUnique(rules: readonly RuleView[]): RuleView[] {
  const sorted = [...rules].sort((a, b) => byCodePoint(a.title, b.title) || byCodePoint(a.id, b.id));
  return sorted.filter((r, i) => i === 0 || r.title !== sorted[i - 1].title);
}

export function compatLayer(name: string, techniques: readonly CoveredTechnique[], config: Pick<Config, 'layer'>): Record<string, unknown> {
  return {
    name: `SEKOIA.IO x ${name}`,
    versions: { attack: config.layer.versions.attack, layer: config.layer.versions.layer, navigator: config.layer.versions.navigator },
    domain: 'enterprise-attack',
    techniques: techniques.map((t) => ({ techniqueID: t.id, score: 100, comment: `Rules: ${t.rules.join(', ')}` })),
  };
}

export type IntakeInfo = IntakeView['intake'];

export function intakeInfo(intake: Intake): IntakeInfo {
  return { uuid: intake.uuid, name: intake.name, slug: intake.slug, description: intake.description, module: intake.module.name ?? intake.module.folder };
}

/** The view of one intake given the rules applying to it. */
export function intakeView(intake: IntakeInfo, ruleViews: readonly RuleView[], config: Pick<Config, 'layer'>, nearMiss: NearMissView[] = []): IntakeView {
  // Every matching rule contributes techniques, even one whose title repeats another's.
  const techniques = techniqueCoverage(ruleViews);
  const layerFile = `attack_${intake.uuid}_do_not_edit_manually.json`;
  const layerUrl = config.layer.baseUrl + layerFile;
  return {
    intake,
    rules: sortedUnique(ruleViews),
    techniques,
    layerFile,
    layerUrl,
    navigatorLink: config.layer.navigatorUrl + encodeURIComponent(layerUrl),
    layer: compatLayer(intake.name, techniques, config),
    nearMiss,
  };
}

/** Near misses per intake uuid, when asked for. */
export type NearMisses = ReadonlyMap<string, readonly { rule: Rule; fields: string[] }[]>;

export function buildViews(catalog: Catalog, match: CatalogMatch, config: Config, extend?: ExtendViews, nearMisses?: NearMisses): Views {
  const views = new Map<Rule, RuleView>();
  const attribute = (rule: Rule, view: RuleView) => (config.attribution ? { ...view, attribution: attributionView(rule, config.attribution, config.cwd) } : view);
  for (const rule of catalog.rules) if (rule.kind !== 'filter') views.set(rule, attribute(rule, ruleView(rule)));
  const base: Views = {
    intakes: catalog.intakes.map((intake) =>
      intakeView(
        intakeInfo(intake),
        (match.rulesByIntake.get(intake.uuid) ?? []).map((r) => views.get(r)!),
        config,
        sortedNearMisses(nearMisses?.get(intake.uuid) ?? []),
      ),
    ),
    rules: sortedUnique([...views.values()]),
  };
  return extend ? { ...base, ...extend(views, base.intakes) } : base;
}

/**
 * What templates see of an intake: its rules, techniques, layer and links.
 */
import { techniqueCoverage, type CoveredTechnique } from '../match/coverage.js';
import { compatAttackVersion } from '../load/attack-version-set.js';
import type { Intake } from '../model/intake.js';
import type { LayerOptions } from './plan-options.js';
import { sortedByTitle, uniqueTitles, type NearMissView, type RuleView } from './rule-view.js';
import { DEFAULT_WORDS, layerName, type Words } from './words.js';

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
  /** The words naming the catalog and its owner. */
  words: Words;
  /** The rich layer written beside the compat one (layer style `both`). */
  rich?: { layer: Record<string, unknown>; layerFile: string; layerUrl: string; navigatorLink: string };
}

/**
 * A layer in the model's form. `versions.attack` is the configured version
 * when a Navigator of that version can show every technique, otherwise the
 * version of the ATT&CK table in use (`tableVersion`).
 */
export function compatLayer(
  name: string,
  techniques: readonly CoveredTechnique[],
  config: { layer: LayerOptions; words?: Words },
  tableVersion?: string,
): Record<string, unknown> {
  const ids = techniques.map((t) => t.id);
  return {
    name: layerName(config.words, name),
    versions: {
      attack: compatAttackVersion(ids, config.layer.versions.attack, tableVersion),
      layer: config.layer.versions.layer,
      navigator: config.layer.versions.navigator,
    },
    domain: 'enterprise-attack',
    // The comment is made when the layer is written (an own, enumerable getter): all layers' comments together are
    // most of the output's size (~0.5 GB at 100k rules × 10k intakes), and only one layer is written at a time.
    techniques: techniques.map((t) => ({
      techniqueID: t.id,
      score: 100,
      get comment() {
        return `Rules: ${t.rules.join(', ')}`;
      },
    })),
  };
}

export type IntakeInfo = IntakeView['intake'];

export function intakeInfo(intake: Intake): IntakeInfo {
  return {
    uuid: intake.uuid,
    name: intake.name,
    slug: intake.slug,
    description: intake.description,
    module: intake.module.name ?? intake.module.folder,
  };
}

/** The view of one intake given the rules applying to it. */
export function intakeView(
  intake: IntakeInfo,
  ruleViews: readonly RuleView[],
  config: { layer: LayerOptions; words?: Words },
  nearMiss: NearMissView[] = [],
  tableVersion?: string,
): IntakeView {
  // Every matching rule contributes techniques, even one whose title repeats another's.
  const sorted = sortedByTitle(ruleViews);
  const techniques = techniqueCoverage(sorted, true);
  const layerFile = `attack_${intake.uuid}_do_not_edit_manually.json`;
  const layerUrl = config.layer.baseUrl + layerFile;
  return {
    intake,
    rules: uniqueTitles(sorted),
    techniques,
    layerFile,
    layerUrl,
    navigatorLink: config.layer.navigatorUrl + encodeURIComponent(layerUrl),
    layer: compatLayer(intake.name, techniques, config, tableVersion),
    nearMiss,
    words: config.words ?? DEFAULT_WORDS,
  };
}

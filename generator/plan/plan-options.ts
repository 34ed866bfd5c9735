import type { Words } from './words.js';
/**
 * What planning needs to know beyond the catalog and the match: where layers
 * are published, their form, attribution, the catalog date. The
 * configuration (`generator/config.ts`) fills these in.
 */

export const LAYER_STYLES = ['compat', 'rich', 'both'] as const;
export type LayerStyle = (typeof LAYER_STYLES)[number];

export interface LayerOptions {
  /** URL of the folder where generated layers are published (ends with `/`). */
  baseUrl: string;
  /** Prefix before the percent-encoded layer URL. */
  navigatorUrl: string;
  /** Link of a rule in rich layers; {id}, {title}, {slug} are replaced. Default: the catalog page beside the layers. */
  ruleUrl?: string;
  /** `versions` written in compat layers. */
  versions: { attack: string; layer: string; navigator: string };
}

export interface AttributionOptions {
  /** License notice added to every rule block (markdown); empty: none. */
  notice: string;
  /** URL prefix of the rules' sources; the rule's path relative to `sourceRoot` is appended. Empty: the path is shown without link. */
  sourceUrl: string;
  /** Folder that rule paths are taken relative to. */
  sourceRoot: string;
}

export interface PlanOptions {
  /** Folder rule paths are relative to (attribution). */
  cwd: string;
  layer: LayerOptions;
  layerStyle: LayerStyle;
  /** Author, source link and license notice in rule blocks; off when absent. */
  attribution?: AttributionOptions;
  /** `YYYY-MM-DD` of the catalog and changelog pages. */
  date?: string;
  /** The words naming the catalog and its owner (default: DEFAULT_WORDS). */
  words?: Words;
}

/**
 * The words that name the catalog and its owner on pages and in layers
 * (`words:` in rulecat.config.yaml, docs/format.md#words). The defaults are
 * the Sekoia.io documentation's, so its pages come out byte for byte.
 */

export interface Words {
  /** Heading of an intake page with rules (`### HEADING`). */
  heading: string;
  /** What the rules are called in the intake page's first sentence: "The following RULES match the intake". */
  rules: string;
  /** The sentences after it on intake pages; empty: none. */
  intakeNote: string;
  /** Name of a layer and label of the Navigator button; `{name}` is the intake (or catalog) name. */
  layerName: string;
  /** Name of the whole catalog: the catalog-wide layer's `{name}`, the links page's row, the catalog page's first words. */
  catalog: string;
  /** What the catalog page counts: "CATALOG includes **N CATALOGRULES**". */
  catalogRules: string;
  /** The whole page of an intake without rules. */
  noRules: string;
}

export const DEFAULT_WORDS: Words = {
  heading: 'Related Built-in Rules',
  rules: 'Sekoia.io built-in rules',
  intakeNote:
    'This documentation is updated automatically and is based solely on the fields used by the intake which are checked against our rules. This means that some rules will be listed but might not be relevant with the intake.',
  layerName: 'SEKOIA.IO x {name}',
  catalog: 'Rules catalog',
  catalogRules: 'built-in detection rules',
  noRules: 'No related built-in rules was found. This message is automatically generated.',
};

export const WORD_KEYS = Object.keys(DEFAULT_WORDS) as (keyof Words)[];

/** The name of a layer of `name` (an intake or the catalog). */
export function layerName(words: Words | undefined, name: string): string {
  return (words ?? DEFAULT_WORDS).layerName.replace(/\{name\}/g, () => name);
}

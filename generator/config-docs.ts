/**
 * Settings of the documentation set beyond pages and layers: the ATT&CK
 * table, an imported rules index, the catalog date, the layer style and rule
 * attribution. Read from `rulecat.config.yaml` (paths relative to the file).
 */
import path from 'node:path';
import { error, type Diagnostic } from './diagnostics.js';
import type { YamlDoc } from './model/source-doc.js';
import { LAYER_STYLES, type AttributionOptions, type LayerStyle } from './plan/plan-options.js';
import { DEFAULT_WORDS, WORD_KEYS, type Words } from './plan/words.js';
import { isMap } from './model/yaml-values.js';

export { LAYER_STYLES, type LayerStyle };
export type AttributionConfig = AttributionOptions;

export interface DocsConfig {
  /** The ATT&CK table (rulecat-attack-table/1). */
  attack: string;
  /** A published rules_index.json read as the rule set instead of rule folders. */
  rulesIndex?: string;
  /** `YYYY-MM-DD` of the catalog and changelog pages. */
  date?: string;
  layerStyle: LayerStyle;
  /** Author, source link and license notice in rule blocks; off when absent. */
  attribution?: AttributionConfig;
  /** The words naming the catalog and its owner (default: the Sekoia.io documentation's). */
  words: Words;
}

export const DOCS_KEYS = ['attack', 'rulesIndex', 'date', 'layerStyle', 'attribution', 'words'] as const;

/** A real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Attribution with nothing configured: authors and paths relative to `root`, no notice, no links. */
export function defaultAttribution(root: string): AttributionConfig {
  return { notice: '', sourceUrl: '', sourceRoot: root };
}

/** The documentation settings of a config document (only the keys present). */
export function readDocsConfig(
  doc: YamlDoc,
  root: Record<string, unknown>,
  base: string,
  diagnostics: Diagnostic[],
): Partial<DocsConfig> {
  const out: Partial<DocsConfig> = {};
  const bad = (key: (string | number)[], expected: string) =>
    diagnostics.push(
      error(doc.place(key), 'config-value', `Unexpected value for "${key.join('.')}", expected ${expected}`),
    );
  for (const key of ['attack', 'rulesIndex'] as const) {
    const v = root[key];
    if (v === undefined) continue;
    if (typeof v === 'string' && v !== '') out[key] = path.resolve(base, v);
    else bad([key], 'a file');
  }
  if (root.date !== undefined) {
    // YAML reads an unquoted 2026-05-01 as a string here (core schema), but accept a Date too.
    const v = root.date instanceof Date ? root.date.toISOString().slice(0, 10) : root.date;
    if (typeof v === 'string' && isIsoDate(v)) out.date = v;
    else bad(['date'], 'a date YYYY-MM-DD');
  }
  if (root.layerStyle !== undefined) {
    if ((LAYER_STYLES as readonly unknown[]).includes(root.layerStyle)) out.layerStyle = root.layerStyle as LayerStyle;
    else bad(['layerStyle'], `${LAYER_STYLES.slice(0, -1).join(', ')} or ${LAYER_STYLES[LAYER_STYLES.length - 1]}`);
  }
  const a = root.attribution;
  if (a === true) out.attribution = defaultAttribution(base);
  else if (isMap(a)) {
    const attribution = defaultAttribution(base);
    for (const key of ['notice', 'sourceUrl', 'sourceRoot'] as const) {
      if (a[key] === undefined) continue;
      if (typeof a[key] !== 'string') bad(['attribution', key], 'a string');
      else attribution[key] = key === 'sourceRoot' ? path.resolve(base, a[key] as string) : (a[key] as string);
    }
    const unknown = Object.keys(a).filter((k) => !['notice', 'sourceUrl', 'sourceRoot'].includes(k));
    for (const k of unknown)
      diagnostics.push(
        error(
          doc.place(['attribution', k], 'key'),
          'config-unknown',
          `Unknown setting "attribution.${k}", expected one of: notice, sourceUrl, sourceRoot`,
        ),
      );
    out.attribution = attribution;
  } else if (a !== undefined && a !== false && a !== null)
    bad(['attribution'], 'true, or a map with notice, sourceUrl, sourceRoot');
  const w = root.words;
  if (w !== undefined) {
    if (!isMap(w)) bad(['words'], `a map with ${WORD_KEYS.join(', ')}`);
    else {
      const words = { ...DEFAULT_WORDS };
      for (const [key, value] of Object.entries(w)) {
        if (!(WORD_KEYS as string[]).includes(key))
          diagnostics.push(
            error(
              doc.place(['words', key], 'key'),
              'config-unknown',
              `Unknown setting "words.${key}", expected one of: ${WORD_KEYS.join(', ')}`,
            ),
          );
        else if (typeof value !== 'string' || /[\r\n]/.test(value) || (key !== 'intakeNote' && value.trim() === ''))
          bad(['words', key], key === 'intakeNote' ? 'one line of text (may be empty)' : 'one line of text');
        else words[key as keyof typeof words] = value;
      }
      out.words = words;
    }
  }
  return out;
}

/**
 * Flags of the documentation set: --rules-index, --attack, --date,
 * --layer-style, --attribution → configuration overrides.
 */
import path from 'node:path';
import { defaultAttribution, isIsoDate, LAYER_STYLES, type LayerStyle } from '../config-docs.js';
import type { Config, ConfigOverrides } from '../config.js';
import { UsageError, type ParsedArgs } from './args.js';

export function docsOverrides(args: ParsedArgs, cwd: string): ConfigOverrides {
  const v = args.values;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const file = (name: string) => (str(name) === undefined ? undefined : path.resolve(cwd, str(name)!));
  const date = str('date');
  if (date !== undefined && !isIsoDate(date)) throw new UsageError(`Unexpected --date ${date}, expected a date YYYY-MM-DD`);
  const style = str('layer-style');
  if (style !== undefined && !(LAYER_STYLES as readonly string[]).includes(style)) throw new UsageError(`Unexpected --layer-style ${style}, expected ${`${LAYER_STYLES.slice(0, -1).join(', ')} or ${LAYER_STYLES[LAYER_STYLES.length - 1]}`}`);
  return { rulesIndex: file('rules-index'), attack: file('attack'), date, layerStyle: style as LayerStyle | undefined };
}

/** `--attribution` turns attribution on, with the configured notice and source URL when there are some. */
export function applyAttributionFlag(config: Config, args: ParsedArgs, cwd: string): Config {
  if (args.values.attribution !== true || config.attribution) return config;
  return { ...config, attribution: defaultAttribution(cwd) };
}

/**
 * The options every command that reads inputs shares, and how they become
 * the configuration: defaults ← `rulecat.config.yaml` ← these flags.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { defaultAttribution, isIsoDate } from '../config-docs.js';
import { resolveConfig, type Config, type ConfigOverrides } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import { LAYER_STYLES, type LayerStyle } from '../plan/plan-options.js';
import { UsageError } from './io.js';

/** Parsed option values as commander gives them (camel-cased names). */
export type OptionValues = Record<string, unknown>;

/** `--config`, `--rules`, `--intakes` … : where the inputs are. */
export function addInputOptions(command: Command): Command {
  return command
    .option('--config <file>', 'configuration file (default: rulecat.config.yaml in the working directory)')
    .option('--rules <dir...>', 'rule folders (Sigma YAML); repeat or list several')
    .option('--intakes <dir...>', 'intake folders (intake-formats layout)')
    .option('--templates <dir>', 'template folder (default: the package templates)')
    .addOption(new Option('--match <mode>', 'how rules are matched to intakes').choices(['default', 'strict']))
    .option('--rules-index <file>', 'a published rules_index.json as the rule set (instead of --rules)')
    .option('--attack <file>', 'ATT&CK table (default: the shipped Enterprise table)')
    .option('--field-mapping <file...>', 'field mappings read after the shipped ones (none: no mapping at all)')
    .option('--pipeline <file...>', 'pySigma processing pipelines (their field renamings) as one more reading')
    .option('--logsources <file>', 'log-source evidence entries replacing the shipped ones')
    .option('--cache <dir>', 'cache of parsed inputs (default: ~/.cache/rulecat)')
    .option('--no-cache', 'parse every input, cache nothing')
    .option('--max-file-size <MiB>', 'largest input file read (default: 16 MiB, test events 4 MiB)');
}

/** `--layer-style`, `--attribution`, `--near-miss`: what pages and layers show. */
export function addPageOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--layer-style <style>',
        'Navigator layers as the model (compat), layer format 4.5 (rich), or compat with rich beside it (both)',
      ).choices(LAYER_STYLES),
    )
    .option('--base-url <url>', 'URL of the folder where the layers are published (the Navigator links point there)')
    .option('--attribution', 'add author, source link and license notice to rule blocks')
    .option('--near-miss', 'add the rules one missing field away to each intake page');
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function size(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !(n > 0))
    throw new UsageError(`Unexpected --max-file-size ${v}, expected a size in MiB such as 32`);
  return n;
}

/** Configuration overrides from the parsed options (paths resolved against `cwd`). */
function overrides(o: OptionValues, cwd: string): ConfigOverrides {
  const file = (v: unknown) => (typeof v === 'string' ? path.resolve(cwd, v) : undefined);
  const files = (v: unknown) => (Array.isArray(v) ? v.map((p) => path.resolve(cwd, String(p))) : undefined);
  const date = str(o.date);
  if (date !== undefined && !isIsoDate(date))
    throw new UsageError(`Unexpected --date ${date}, expected a date YYYY-MM-DD`);
  return {
    rules: files(o.rules),
    intakes: files(o.intakes),
    out: file(o.out),
    templates: file(o.templates),
    match: str(o.match) as Config['match'] | undefined,
    fieldMapping: Array.isArray(o.fieldMapping)
      ? o.fieldMapping.map((p) => (p === 'none' ? 'none' : path.resolve(cwd, String(p))))
      : undefined,
    pipelines: files(o.pipeline),
    logsources: file(o.logsources),
    cache: o.cache === false ? false : file(o.cache),
    nearMiss: o.nearMiss === true ? true : undefined,
    rulesIndex: file(o.rulesIndex),
    attack: file(o.attack),
    date,
    layerStyle: str(o.layerStyle) as LayerStyle | undefined,
    baseUrl: str(o.baseUrl),
    maxFileSize: size(o.maxFileSize),
  };
}

/** The configuration the options ask for, with the configuration file's problems. */
export function configFromOptions(o: OptionValues, cwd: string): { config: Config; diagnostics: Diagnostic[] } {
  const resolved = resolveConfig(cwd, str(o.config), overrides(o, cwd));
  // `--attribution` turns attribution on, with the configured notice and source URL when there are some.
  if (o.attribution === true && !resolved.config.attribution) resolved.config.attribution = defaultAttribution(cwd);
  return resolved;
}

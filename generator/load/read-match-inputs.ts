/**
 * What matching reads besides rules and intakes: the field mapping (optional)
 * and the log-source evidence table (shipped, optionally overridden). Both
 * come from the input cache when their bytes did not change.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SHIPPED_LOGSOURCES, SHIPPED_MAPPINGS } from '../package-paths.js';
import { warning, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { LogsourceTable } from '../model/logsource-table.js';
import { mergeFieldMappings, readFieldMapping, type FieldMapping } from '../model/field-mapping.js';
import { chainOf, readSigmaPipeline } from '../model/sigma-pipeline.js';
import { logsourceTableProblems, mergeLogsourceTables, readLogsourceTable } from '../model/logsource-table.js';
import type { YamlDoc } from './read-yaml.js';
import { InputCache } from './input-cache.js';
import { sha1 } from '../hash.js';
import { readBytesOrThrow } from './read-text.js';
import { readYamlFile } from './read-yaml-file.js';
import { displayPath } from './walk-files.js';

export interface MatchInputs {
  mapping?: FieldMapping;
  table: LogsourceTable;
}

/** The shipped mapping files, in name order. */
export function shippedMappingFiles(): string[] {
  try {
    return readdirSync(SHIPPED_MAPPINGS)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => path.join(SHIPPED_MAPPINGS, n));
  } catch {
    return [];
  }
}

type Cached<T> = { value?: T; diagnostics: Diagnostic[] };

/** Read and model one YAML file, or take the model from the cache when the file's bytes are unchanged. */
function readModel<T>(
  file: string,
  display: string,
  kind: string,
  cacheDir: string | undefined,
  build: (doc: YamlDoc, d: Diagnostic[]) => T,
  diagnostics: Diagnostic[],
): T | undefined {
  let hash: string | undefined;
  try {
    hash = sha1(readBytesOrThrow(file));
  } catch {
    hash = undefined; // unreadable: reading it again reports why
  }
  const cache = new InputCache<Cached<T>>(hash === undefined ? undefined : cacheDir, kind, file, display);
  let result = hash === undefined ? undefined : cache.get(display, hash);
  if (!result) {
    const own: Diagnostic[] = [];
    const doc = readYamlFile(file, display, own);
    result = { value: doc ? build(doc, own) : undefined, diagnostics: own };
    if (hash !== undefined) cache.set(display, hash, result);
    cache.save();
  }
  diagnostics.push(...result.diagnostics);
  return result.value;
}

/** Which files matching reads besides rules and intakes. */
export interface MatchInputFiles {
  /** Field-mapping files read after the shipped ones. */
  fieldMapping?: readonly string[];
  /** Whether the shipped mappings apply (default true). */
  shippedMappings?: boolean;
  /** pySigma processing pipelines. */
  pipelines?: readonly string[];
  /** Log-source evidence overriding entries of the shipped table. */
  logsources?: string;
  /** Folder that paths in messages are shown relative to. */
  cwd: string;
  cache?: string | false;
}

export function readMatchInputs(config: MatchInputFiles, diagnostics: Diagnostic[]): MatchInputs {
  const cacheDir = config.cache || undefined;
  const show = (file: string) => displayPath(file, config.cwd);
  const mappings: FieldMapping[] = [];
  for (const file of [
    ...(config.shippedMappings === false ? [] : shippedMappingFiles()),
    ...(config.fieldMapping ?? []),
  ]) {
    const m = readModel(file, show(file), 'mapping', cacheDir, readFieldMapping, diagnostics);
    if (m) mappings.push(m);
  }
  const pipelines = (config.pipelines ?? []).flatMap(
    (file) => readModel(file, show(file), 'pipeline', cacheDir, readSigmaPipeline, diagnostics) ?? [],
  );
  if (pipelines.length > 0) mappings.push(chainOf(pipelines, (config.pipelines ?? []).map(show).join(', ')));
  const mapping = mergeFieldMappings(mappings);
  const empty: LogsourceTable = { products: {}, services: {}, categories: {} };
  let table =
    readModel(SHIPPED_LOGSOURCES, show(SHIPPED_LOGSOURCES), 'logsources', cacheDir, readLogsourceTable, diagnostics) ??
    empty;
  if (config.logsources) {
    const override = readModel(
      config.logsources,
      show(config.logsources),
      'logsources',
      cacheDir,
      readLogsourceTable,
      diagnostics,
    );
    if (override) table = mergeLogsourceTables(table, override);
  }
  const tableFile = show(config.logsources ?? SHIPPED_LOGSOURCES);
  for (const problem of logsourceTableProblems(table))
    diagnostics.push(warning(wholeFile(tableFile), 'logsource-kind', `${problem}: it holds for no intake`));
  return { mapping, table };
}

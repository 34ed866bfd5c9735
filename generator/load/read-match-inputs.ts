/**
 * What matching reads besides rules and intakes: the field mapping (optional)
 * and the log-source evidence table (shipped, optionally overridden).
 */
import path from 'node:path';
import { PACKAGE_ROOT, type Config } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { LogsourceTable } from '../match/logsource.js';
import { readFieldMapping, type FieldMapping } from '../model/field-mapping.js';
import { mergeLogsourceTables, readLogsourceTable } from '../model/logsource-table.js';
import { readYamlFile } from './read-yaml-file.js';
import { displayPath } from './walk-files.js';

export const SHIPPED_LOGSOURCES = path.join(PACKAGE_ROOT, 'generator', 'data', 'logsources.yaml');

export interface MatchInputs {
  mapping?: FieldMapping;
  table: LogsourceTable;
}

export function readMatchInputs(config: Pick<Config, 'fieldMapping' | 'logsources' | 'cwd'>, diagnostics: Diagnostic[]): MatchInputs {
  let mapping: FieldMapping | undefined;
  if (config.fieldMapping) {
    const doc = readYamlFile(config.fieldMapping, displayPath(config.fieldMapping, config.cwd), diagnostics);
    if (doc) mapping = readFieldMapping(doc, diagnostics);
  }
  const shipped = readYamlFile(SHIPPED_LOGSOURCES, displayPath(SHIPPED_LOGSOURCES, config.cwd), diagnostics);
  let table = shipped ? readLogsourceTable(shipped, diagnostics) : { products: {}, services: {}, categories: {} };
  if (config.logsources) {
    const doc = readYamlFile(config.logsources, displayPath(config.logsources, config.cwd), diagnostics);
    if (doc) table = mergeLogsourceTables(table, readLogsourceTable(doc, diagnostics));
  }
  return { mapping, table };
}

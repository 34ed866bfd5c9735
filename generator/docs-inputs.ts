/**
 * The inputs of the documentation set besides rules and intakes, for
 * build.ts: an imported rules index as the catalog, the ATT&CK table and the
 * checks of the rules' tags against it.
 */
import type { Config } from './config.js';
import type { Diagnostic } from './diagnostics.js';
import { readAttack } from './load/read-attack.js';
import { readRulesIndex } from './load/read-rules-index.js';
import { displayPath } from './load/walk-files.js';
import type { AttackIndex } from './model/attack.js';
import type { Catalog } from './model/catalog.js';
import { checkAttack } from './model/check-attack.js';
import { buildIndexCatalog } from './model/index-catalog.js';
import type { Intake } from './model/intake.js';

/** The catalog of a published rules index (`--rules-index`). */
export function importCatalog(file: string, config: Config, intakes: Intake[], diagnostics: Diagnostic[]): Catalog {
  const { entries, diagnostics: problems } = readRulesIndex(file, displayPath(file, config.cwd));
  diagnostics.push(...problems);
  return buildIndexCatalog(entries, intakes, diagnostics);
}

/** Read the ATT&CK table and check every rule's tags against it. */
export function checkDocsInputs(config: Config, catalog: Catalog, diagnostics: Diagnostic[]): AttackIndex | undefined {
  const { attack, diagnostics: problems } = readAttack(config.attack, displayPath(config.attack, config.cwd));
  diagnostics.push(...problems);
  if (attack) diagnostics.push(...checkAttack(catalog.rules, attack, { imported: config.rulesIndex !== undefined }));
  return attack;
}

/** Every text rendered through the markdown helpers (they need the parser when one contains `<`). */
export function markdownTexts(catalog: Catalog, config: Config): string[] {
  return catalog.rules.flatMap((r) => [r.description, r.author ?? '', ...r.changelog.map((c) => c.description)]).concat(config.attribution?.notice ?? '');
}

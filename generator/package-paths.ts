/**
 * Files rulecat ships beside its code: templates and data tables. Found from
 * the package's own folder, whether running from the sources or from dist/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return start;
}

/** The package's own folder: the nearest parent with a package.json. */
export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The default templates. */
export const SHIPPED_TEMPLATES = path.join(PACKAGE_ROOT, 'templates');

/** The log-source evidence table (generator/data/logsources.yaml). */
export const SHIPPED_LOGSOURCES = path.join(PACKAGE_ROOT, 'generator', 'data', 'logsources.yaml');

/** The ATT&CK Enterprise table. */
export const SHIPPED_ATTACK = path.join(PACKAGE_ROOT, 'generator', 'data', 'attack-enterprise.json');

/** The default field mappings, one file per family of log sources. */
export const SHIPPED_MAPPINGS = path.join(PACKAGE_ROOT, 'generator', 'data', 'mappings');

/**
 * The techniques of older ATT&CK releases that rulecat knows, so that a compat
 * layer claims an older version only when a Navigator of that version can show
 * every technique in it (docs/format.md#compat-layer). Shipped as
 * generator/data/attack-enterprise-v13.json, derived by
 * scripts/build-attack-version-set.ts; read once, when first needed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../package-paths.js';

export const SHIPPED_VERSION_SETS = [path.join(PACKAGE_ROOT, 'generator', 'data', 'attack-enterprise-v13.json')];

interface VersionSet {
  version: string;
  techniques: ReadonlySet<string>;
}

let loaded: VersionSet[] | undefined;

function sets(): VersionSet[] {
  loaded ??= SHIPPED_VERSION_SETS.map((file) => {
    const value = JSON.parse(readFileSync(file, 'utf8')) as { version: string; techniques: string[] };
    return { version: value.version, techniques: new Set(value.techniques) };
  });
  return loaded;
}

/** The major version a Navigator pins (`13` for 13.1): what `versions.attack` names. */
const major = (version: string) => version.split('.')[0];

/** The techniques of ATT&CK `version` (compared by major version), when rulecat ships them. */
export function techniquesOfVersion(version: string): ReadonlySet<string> | undefined {
  return sets().find((s) => major(s.version) === major(version))?.techniques;
}

/**
 * The ATT&CK version a compat layer holding `ids` states: the configured one
 * when every ID exists in it (or when rulecat has no technique list for it),
 * otherwise the version of the ATT&CK table in use.
 */
export function compatAttackVersion(ids: readonly string[], configured: string, tableVersion?: string): string {
  if (tableVersion === undefined || major(configured) === major(tableVersion)) return configured;
  const known = techniquesOfVersion(configured);
  return !known || ids.every((id) => known.has(id)) ? configured : tableVersion;
}

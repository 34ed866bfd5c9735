/**
 * The ATT&CK table in: the file shipped in generator/data (or the one given
 * with --attack / `attack:`), checked for the shape the generator relies on.
 * Never downloaded: the same table gives the same output on any day.
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { ATTACK_TABLE_FORMAT, indexAttack, type AttackIndex, type AttackTable } from '../model/attack.js';
import { readFromDisk, type TextSource } from './input-files.js';
import { isMap } from '../model/yaml-values.js';

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isNullableString = (v: unknown) => v === null || isString(v);

/** What is wrong with the parsed table, or undefined when it has the expected shape. */
export function tableProblem(value: unknown): string | undefined {
  if (!isMap(value)) return 'Unexpected value at top level, expected a rulecat ATT&CK table (an object)';
  if (value.format !== ATTACK_TABLE_FORMAT) {
    return `Unexpected format ${JSON.stringify(value.format ?? null)}, expected "${ATTACK_TABLE_FORMAT}" (convert MITRE data with scripts/build-attack-table.ts)`;
  }
  if (!isString(value.version) || !isString(value.domain)) return 'Missing "version" or "domain", expected strings';
  if (
    !Array.isArray(value.tactics) ||
    !value.tactics.every((t) => isMap(t) && isString(t.id) && isString(t.shortname) && isString(t.name))
  ) {
    return 'Unexpected "tactics", expected a list of {id, shortname, name}';
  }
  if (!Array.isArray(value.techniques)) return 'Unexpected "techniques", expected a list';
  const bad = value.techniques.findIndex(
    (t) =>
      !isMap(t) ||
      !isString(t.id) ||
      !isString(t.name) ||
      !Array.isArray(t.tactics) ||
      !t.tactics.every(isString) ||
      !isNullableString(t.parent) ||
      !['active', 'deprecated', 'revoked'].includes(t.status as string) ||
      !isNullableString(t.replacedBy),
  );
  if (bad >= 0) return `Unexpected technique at index ${bad}, expected {id, name, tactics, parent, status, replacedBy}`;
  return undefined;
}

/** Read and index the table at `file` (shown as `display` in messages). */
export function readAttack(
  file: string,
  display = file,
  source: TextSource = readFromDisk,
): { attack?: AttackIndex; diagnostics: Diagnostic[] } {
  const { text, diagnostics } = source({ absolute: file, display });
  if (text === undefined) return { diagnostics };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [error(wholeFile(display), 'attack-table', `Invalid JSON: ${(e as Error).message}`)] };
  }
  const problem = tableProblem(value);
  if (problem) return { diagnostics: [error(wholeFile(display), 'attack-table', problem)] };
  return { attack: indexAttack(value as AttackTable), diagnostics: [] };
}

/**
 * Checks that a rich layer is a valid Navigator layer 4.5: the JSON schema
 * read in place from ../shared (generator profile `strictLayerFile`, with
 * Ajv), plus what the schema says must be checked in code: maxValue above
 * minValue, techniques that exist (active) in the layer's ATT&CK version,
 * tactics of the technique, no technique and tactic twice.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AttackIndex } from '../generator/model/attack.js';
import { haveShared, shared } from './shared.js';

export const haveLayerSchema = () => haveShared('data', 'attack-layer-4.5.schema.json');

type Validate = ((layer: unknown) => boolean) & { errors?: unknown };
let validate: Validate | undefined;

function schemaValidator() {
  if (!validate) {
    const schema = JSON.parse(readFileSync(shared('data', 'attack-layer-4.5.schema.json'), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    ajv.addSchema(schema);
    validate = ajv.compile({ $ref: `${schema.$id}#/$defs/strictLayerFile` }) as Validate;
  }
  return validate!;
}

interface Entry {
  techniqueID: string;
  tactic?: string;
}

/** Problems of a rich layer (empty when valid). */
export function richLayerProblems(layer: unknown, attack: AttackIndex): string[] {
  const problems: string[] = [];
  const check = schemaValidator();
  if (!check(layer)) problems.push(`schema: ${JSON.stringify(check.errors)}`);
  const l = layer as {
    versions?: { attack?: string };
    gradient?: { minValue: number; maxValue: number };
    techniques?: Entry[];
  };
  if (l.versions?.attack !== attack.version)
    problems.push(`versions.attack ${l.versions?.attack} is not ${attack.version}`);
  if (l.gradient && !(l.gradient.maxValue > l.gradient.minValue)) problems.push('gradient.maxValue <= minValue');
  const seen = new Set<string>();
  for (const t of l.techniques ?? []) {
    const technique = attack.technique(t.techniqueID);
    if (technique?.status !== 'active')
      problems.push(`${t.techniqueID} is not an active technique of v${attack.version}`);
    if (t.tactic !== undefined && !technique?.tactics.includes(t.tactic))
      problems.push(`${t.techniqueID}: tactic ${t.tactic} is not one of its tactics`);
    const key = `${t.techniqueID}/${t.tactic ?? ''}`;
    if (seen.has(key)) problems.push(`${key} twice`);
    seen.add(key);
  }
  return problems;
}

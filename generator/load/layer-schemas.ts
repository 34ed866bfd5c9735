/**
 * The JSON schemas of the ATT&CK Navigator layers rulecat writes
 * (generator/data): layer format 4.5 (derived by scripts/build-layer-schema.ts
 * from the Navigator's schema, generator profile) and the model's compat form
 * (format 4.x, a schema of rulecat's own), compiled with Ajv ahead of time
 * (scripts/build-layer-validators.ts): a run loads the compiled code only.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { compat, rich } from './layer-validators.generated.js';

export type LayerForm = 'rich' | 'compat';

type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** Compiled ahead of time by scripts/build-layer-validators.ts (Ajv standalone code). */
function validators(): Record<LayerForm, Validate> {
  return { rich: rich as Validate, compat: compat as Validate };
}

/** Layer format 4.5 is checked against its schema, any other 4.x against the compat one. */
export function layerForm(layer: unknown): LayerForm {
  const version = (layer as { versions?: { layer?: unknown } } | null)?.versions?.layer;
  return version === '4.5' ? 'rich' : 'compat';
}

export interface LayerProblem {
  /** JSON Pointer of the value at fault (`/techniques/3/score`), `` for the whole layer. */
  path: string;
  message: string;
}

function describe(e: ErrorObject): LayerProblem {
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
      : e.keyword === 'enum' || e.keyword === 'const'
        ? ` (${JSON.stringify((e.params as { allowedValues?: unknown; allowedValue?: unknown }).allowedValues ?? (e.params as { allowedValue?: unknown }).allowedValue)})`
        : '';
  return { path: e.instancePath, message: `${e.message ?? e.keyword}${extra}` };
}

/** What is wrong with `layer` in its form (empty when it validates). Errors of `anyOf`/`allOf` wrappers are left out. */
export function layerProblems(layer: unknown, form = layerForm(layer)): LayerProblem[] {
  const validate = validators()[form];
  if (validate(layer)) return [];
  const errors = (validate.errors ?? []).filter((e) => !['anyOf', 'allOf', 'if'].includes(e.keyword));
  const unique = new Map(errors.map((e) => describe(e)).map((p) => [`${p.path} ${p.message}`, p]));
  return [...unique.values()];
}

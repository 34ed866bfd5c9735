/**
 * The JSON schemas of the ATT&CK Navigator layers rulecat writes, compiled
 * with Ajv once per process, when first needed: layer format 4.5 (derived by
 * scripts/build-layer-schema.ts from the Navigator's schema, generator profile)
 * and the model's compat form (format 4.x, a schema of rulecat's own).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { PACKAGE_ROOT } from '../package-paths.js';

const DATA = path.join(PACKAGE_ROOT, 'generator', 'data');
export const LAYER_SCHEMAS = {
  rich: path.join(DATA, 'navigator-layer-4.5.schema.json'),
  compat: path.join(DATA, 'navigator-layer-compat.schema.json'),
} as const;

export type LayerForm = keyof typeof LAYER_SCHEMAS;

let compiled: Record<LayerForm, ValidateFunction> | undefined;

function validators(): Record<LayerForm, ValidateFunction> {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const load = (file: string) => ajv.compile(JSON.parse(readFileSync(file, 'utf8')) as object);
    compiled = { rich: load(LAYER_SCHEMAS.rich), compat: load(LAYER_SCHEMAS.compat) };
  }
  return compiled;
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

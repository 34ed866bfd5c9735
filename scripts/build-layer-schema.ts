#!/usr/bin/env node
/**
 * CLI: derives the schema rulecat validates its rich layers against
 * (generator/data/navigator-layer-4.5.schema.json) from a Navigator layer 4.5
 * JSON schema given on the command line: its generator profile `strictLayer`
 * (a layer that loads without warnings in the Navigator 5.x) as the root, with
 * only the definitions that profile reaches.
 *
 *   node dist/scripts/build-layer-schema.js <attack-layer-4.5.schema.json> [--out FILE]
 *
 * Exit codes: 0 success, 1 I/O failure, 2 invalid arguments or input.
 */
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from './build-attack-table.js';

export const DEFAULT_OUT = path.join('generator', 'data', 'navigator-layer-4.5.schema.json');
export const ROOT_DEF = 'strictLayer';
export const SCHEMA_ID = 'https://rulecat.invalid/schemas/navigator-layer-4.5.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every `#/$defs/NAME` a value refers to. */
function refs(value: Json, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) out.add(v.slice('#/$defs/'.length));
      else refs(v, out);
    }
  return out;
}

/** The schema rooted at `$defs[root]` with the definitions it reaches (in the source's order). */
export function deriveLayerSchema(source: { [key: string]: Json }, root = ROOT_DEF): { [key: string]: Json } {
  const defs = source.$defs as { [key: string]: Json } | undefined;
  if (!defs || !(root in defs)) throw new Error(`the schema has no $defs.${root}`);
  const reached = new Set<string>([root]);
  for (let queue = [root]; queue.length > 0;) {
    for (const name of refs(defs[queue.pop()!], new Set())) {
      if (!(name in defs)) throw new Error(`$defs.${name} is referred to but not defined`);
      if (reached.has(name)) continue;
      reached.add(name);
      queue.push(name);
    }
  }
  return {
    $schema: source.$schema ?? 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'ATT&CK Navigator layer 4.5, as rulecat writes it',
    description: `Derived by scripts/build-layer-schema.ts from ${String(source.$id ?? 'the layer 4.5 schema')}: its profile ${root}, with the definitions it uses.`,
    $ref: `#/$defs/${root}`,
    $defs: Object.fromEntries(
      Object.keys(defs)
        .filter((k) => reached.has(k))
        .map((k) => [k, defs[k]]),
    ),
  };
}

export async function runBuildLayerSchema(argv: string[], cwd = process.cwd()): Promise<number> {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : DEFAULT_OUT;
  const inputs = argv.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  if (inputs.length !== 1 || !out) {
    console.error('usage: build-layer-schema <attack-layer-4.5.schema.json> [--out FILE]');
    return 2;
  }
  let schema;
  try {
    schema = deriveLayerSchema(JSON.parse(await readFile(path.resolve(cwd, inputs[0]), 'utf8')));
  } catch (error) {
    console.error(`error: ${inputs[0]}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  try {
    await writeFileAtomic(path.resolve(cwd, out), JSON.stringify(schema, null, 1) + '\n');
  } catch (error) {
    console.error(`error: cannot write ${out}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(`${Object.keys(schema.$defs as object).length} definitions -> ${out}`);
  return 0;
}

const invoked = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (import.meta.url === invoked) process.exitCode = await runBuildLayerSchema(process.argv.slice(2));

/**
 * Golden files: the committed output/ is exactly what the example catalog
 * (rules/, intakes/, rulecat.config.yaml) generates. Regenerate on purpose
 * with `npm run generate`.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { resolveConfig } from '../generator/config.js';
import { ownership } from '../generator/write/apply-output.js';
import { serializeManifest } from '../generator/write/manifest.js';
import { REPO } from './shared.js';
import { readTree } from './tree.js';

describe('example catalog', () => {
  it('generates exactly the committed output/', async () => {
    const { config, diagnostics } = resolveConfig(REPO, undefined, {});
    expect(diagnostics).toEqual([]);
    const result = await build(config);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const generated: Record<string, string> = Object.fromEntries(result.files.map((f) => [f.path, f.content]));
    generated['.rulecat-manifest.json'] = serializeManifest({ files: Object.fromEntries(ownership(result.files)) });
    const committed = readTree(path.join(REPO, 'output'));
    expect(Object.keys(committed).sort()).toEqual(Object.keys(generated).sort());
    for (const [file, content] of Object.entries(generated)) expect(committed[file], file).toBe(content);
  });
});

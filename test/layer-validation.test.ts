/**
 * Layers are validated against the Navigator schema of their format when they
 * are generated: a layer the schema refuses is an error naming the output
 * file and the JSON path, and nothing is written.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_OUT, validatorsSource } from '../scripts/build-layer-validators.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layerProblems } from '../generator/load/layer-schemas.js';
import { copyExampleCatalog, readTree, runCli } from './tree.js';
import { REPO } from './shared.js';

describe('layer validation', () => {
  it('runs the validators compiled ahead from the shipped schemas (run scripts/build-layer-validators.ts after changing one)', () => {
    expect(readFileSync(path.join(REPO, DEFAULT_OUT), 'utf8')).toBe(validatorsSource(REPO));
  });

  it('accepts what rulecat writes in both forms and names the path of what it refuses', () => {
    const compat = {
      name: 'SEKOIA.IO x A',
      versions: { attack: '13', layer: '4.4', navigator: '4.8.2' },
      domain: 'enterprise-attack',
      techniques: [{ techniqueID: 'T1059', score: 100, comment: 'Rules: A' }],
    };
    expect(layerProblems(compat)).toEqual([]);
    const bad = { ...compat, techniques: [{ techniqueID: 'T59', score: '100', comment: 'Rules: A' }] };
    expect(layerProblems(bad).map((p) => p.path)).toEqual(['/techniques/0/techniqueID', '/techniques/0/score']);
    const rich = {
      ...compat,
      versions: { attack: '19.1', navigator: '5.1.0', layer: '4.5' },
      gradient: { colors: ['#zzzzzz'], minValue: 1, maxValue: 2 },
    };
    expect(layerProblems(rich).some((p) => p.path.startsWith('/gradient/colors/0'))).toBe(true);
  });

  it('stops generate with an error naming the file and the JSON path', async () => {
    const root = copyExampleCatalog('rulecat-badlayer-');
    const templates = path.join(root, 'templates');
    cpSync(path.join(REPO, 'templates'), templates, { recursive: true });
    writeFileSync(
      path.join(templates, 'intake-layer.json.hbs'),
      '---\neach: intake\nwhen: rules.length\noutput: "{{layerFile}}"\nfinal-newline: false\n---\n{"name": "x", "versions": {"attack": "13", "layer": "4.4", "navigator": "4.8.2"}, "domain": "enterprise-attack", "techniques": [{"techniqueID": "{{intake.slug}}", "score": 100, "comment": "Rules: x"}]}\n',
    );
    const out = path.join(root, 'out');
    const { code, stderr } = await runCli(['generate', '--templates', templates, '--out', out, '--no-cache'], root);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /out\/attack_[0-9a-f-]+_do_not_edit_manually\.json: error: Layer value at \/techniques\/0\/techniqueID must match pattern/,
    );
    expect(Object.keys(readTree(root)).some((f) => f.startsWith('out/'))).toBe(false);
  }, 60_000);
});

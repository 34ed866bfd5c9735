/**
 * Import: the published rules index of the Sekoia.io documentation and the
 * intake-formats snapshot give back the published pages byte for byte and
 * the published layers by content (the model's order of techniques and of
 * the names in comments is random, so both are compared sorted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { DEFAULT_CONFIG, resolveConfig } from '../generator/config.js';
import { readAttack } from '../generator/load/read-attack.js';
import { richLayerProblems, haveLayerSchema } from './layer-schema.js';
import { haveShared, shared } from './shared.js';
import { tempDir } from './tree.js';
import { compatAttackVersion } from '../generator/load/attack-version-set.js';

const available = haveShared('data', 'sekoia-docs') && haveShared('data', 'intake-formats');
const GENERATED = shared('data', 'sekoia-docs', 'generated');

type Layer = {
  name: string;
  versions: unknown;
  domain: string;
  techniques: { techniqueID: string; score: number; comment: string }[];
};

/**
 * A compat layer with techniques sorted by ID and the names of each comment
 * sorted. The model's layers all say ATT&CK 13; rulecat says so only when v13
 * holds every technique, else 19.1 (one published layer has T1564.011, of v14).
 */
function normalized(text: string): Layer {
  const layer = JSON.parse(text) as Layer;
  const techniques = layer.techniques
    .map((t) => ({ ...t, comment: 'Rules: ' + t.comment.slice('Rules: '.length).split(', ').sort().join(', ') }))
    .sort((a, b) => (a.techniqueID < b.techniqueID ? -1 : 1));
  const versions = layer.versions as { attack: string };
  const attack = compatAttackVersion(
    techniques.map((t) => t.techniqueID),
    versions.attack,
    '19.1',
  );
  return { ...layer, versions: { ...versions, attack }, techniques };
}

async function importBuild(overrides: Record<string, unknown> = {}) {
  const cwd = tempDir();
  const { config } = resolveConfig(cwd, undefined, {
    rulesIndex: shared('data', 'sekoia-docs', 'rules_index.json'),
    intakes: [shared('data', 'intake-formats')],
    out: path.join(cwd, 'out'),
    ...overrides,
  });
  return build(config);
}

let compat: ReturnType<typeof importBuild> | undefined;
const compatBuild = () => (compat ??= importBuild());

describe.skipIf(!available)('rules index import (Sekoia.io documentation)', () => {
  it('reproduces the published pages byte for byte and the layers by content', async () => {
    const result = await compatBuild();
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const files = new Map(result.files.map((f) => [f.path, f.content]));
    const published = readdirSync(GENERATED).sort();
    expect(published.length).toBe(11);
    for (const name of published) {
      const expected = readFileSync(path.join(GENERATED, name), 'utf8');
      expect(files.has(name), name).toBe(true);
      if (name.endsWith('.md')) expect(files.get(name), name).toBe(expected);
      else {
        expect(normalized(files.get(name)!), name).toEqual(normalized(expected));
        // rulecat's own order is sorted, so its file is the normalized one exactly
        expect(JSON.parse(files.get(name)!), name).toEqual(normalized(expected));
      }
    }
    // NetFlow has no rule: a page and no layer, as published.
    const netflow = 'b23668b2-5716-4432-9af7-bc4f81ad6df3';
    expect(files.has(`suggested_rules_${netflow}_do_not_edit_manually.md`)).toBe(true);
    expect(files.has(`attack_${netflow}_do_not_edit_manually.json`)).toBe(false);
  });

  it('warns about, and does not fail on, the revoked IDs the index still uses', async () => {
    const result = await compatBuild();
    const revoked = result.diagnostics.filter((d) => d.code === 'revoked-technique');
    expect(revoked.length).toBeGreaterThan(10);
    expect(revoked.find((d) => d.message.includes('T1086 (PowerShell)'))?.message).toContain(
      'replaced by T1059.001 (PowerShell)',
    );
    expect(
      revoked.every(
        (d) => d.severity === 'warning' && d.file.endsWith('rules_index.json') && d.line === 1 && d.col > 1,
      ),
    ).toBe(true);
  });

  it('writes rich layers that validate and name only techniques of the shipped ATT&CK version', async () => {
    const result = await importBuild({ layerStyle: 'rich', date: '2026-02-25' });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const { attack } = readAttack(DEFAULT_CONFIG.attack);
    const layers = result.files.filter((f) => /^attack_.*\.json$/.test(f.path));
    expect(layers.length).toBeGreaterThan(200);
    if (!haveLayerSchema()) return;
    for (const f of layers) expect(richLayerProblems(JSON.parse(f.content), attack!), f.path).toEqual([]);
    // T1086 (revoked) counts for T1059.001 in the catalog-wide layer.
    const all = JSON.parse(result.files.find((f) => f.path === 'attack_catalog_do_not_edit_manually.json')!.content);
    expect(all.techniques.some((t: { techniqueID: string }) => t.techniqueID === 'T1086')).toBe(false);
    expect(all.techniques.some((t: { techniqueID: string }) => t.techniqueID === 'T1059.001')).toBe(true);
    // With a date, the catalog page lists every rule of the index once under its tactics.
    const catalog = result.files.find((f) => f.path === 'built_in_rules_do_not_edit_manually.md')!.content;
    expect(
      catalog.startsWith(
        'Rules catalog includes **1057 built-in detection rules** ([_last update on 2026-02-25_](rules_changelog.md)).\n## Reconnaissance\n',
      ),
    ).toBe(true);
    expect(catalog).toContain('\n## Stealth\n');
    expect(catalog).toContain('\n## Defense Impairment\n');
  });
});

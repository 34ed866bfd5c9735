/**
 * The committed output/ of the example catalog, output by output: the
 * catalog and changelog pages cover every rule, the rules index has one entry
 * per rule, every layer is a valid rich layer, the links page links exactly
 * the layers written. (test/example-output.test.ts checks the bytes.)
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../generator/config.js';
import { readAttack } from '../generator/load/read-attack.js';
import { haveLayerSchema, richLayerProblems } from './layer-schema.js';
import { REPO } from './shared.js';
import { readTree } from './tree.js';

const out = readTree(path.join(REPO, 'output'));
const index = JSON.parse(out['rules_index.json']) as {
  name: string;
  effort: string;
  attack: string[];
  'intake-formats': string[];
}[];
const titles = index.map((e) => e.name);

describe('example catalog documentation set', () => {
  it('lists every rule on the catalog page, under current tactics, with its date', () => {
    const page = out['built_in_rules_do_not_edit_manually.md'];
    expect(
      page.startsWith(
        `Rules catalog includes **${titles.length} built-in detection rules** ([_last update on 2026-03-03_](rules_changelog.md)).\n## Reconnaissance\n`,
      ),
    ).toBe(true);
    for (const title of titles) expect(page, title).toContain(`??? abstract "${title.replace(/"/g, '&quot;')}"\n`);
    expect(page).toContain('\n## Stealth\n');
    expect(page).toContain('\n## Defense Impairment\n');
    expect(page).not.toContain('## Defense Evasion');
  });

  it('writes one rules index entry per rule, one line, no final newline', () => {
    expect(out['rules_index.json']).not.toContain('\n');
    expect(new Set(titles).size).toBe(titles.length);
    expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const e of index) for (const item of e.attack) expect(item).toMatch(/^[a-z-]+ - .+ \(T\d{4}(\.\d{3})?\)$/);
  });

  it('lists rules with changelog entries on the changelog page, newest first', () => {
    const page = out['rules_changelog.md'];
    expect(page.startsWith('Changelog _last update on 2026-03-03_\n\n## Changelog\n\n### ')).toBe(true);
    const dates = [...page.matchAll(/^### .*\n {2}- (\d\d)\/(\d\d)\/(\d{4})/gm)].map((m) => `${m[3]}-${m[2]}-${m[1]}`);
    expect(dates.length).toBeGreaterThan(5);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it.skipIf(!haveLayerSchema())('writes rich layers that validate against the layer 4.5 schema', () => {
    const { attack } = readAttack(DEFAULT_CONFIG.attack);
    // layerStyle: both — a rich layer beside each compat one, and the catalog layer in the rich form.
    const layers = Object.keys(out).filter((f) => /^attack_(.*_rich|catalog)_do_not_edit_manually\.json$/.test(f));
    expect(layers.length).toBe(9);
    for (const f of layers) expect(richLayerProblems(JSON.parse(out[f]), attack!), f).toEqual([]);
  });

  it('links, on the links page, exactly the layers written', () => {
    const links = JSON.parse(out['navigator_links_do_not_edit_manually.json']) as {
      catalog: { layerFile: string };
      intakes: { name: string; rules: number; layerFile: string | null }[];
    };
    const written = Object.keys(out)
      .filter((f) => /^attack_.*\.json$/.test(f) && !f.includes('_rich_'))
      .sort();
    const linked = [
      links.catalog.layerFile,
      ...links.intakes.map((r) => r.layerFile).filter((f): f is string => f !== null),
    ].sort();
    expect(linked).toEqual(written);
    for (const row of links.intakes) expect(row.layerFile === null, row.name).toBe(row.rules === 0);
  });
});

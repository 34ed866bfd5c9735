/**
 * Settings of the documentation set: --attack / attack:, layerStyle, date,
 * attribution, rulesIndex, and their problems.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { MINI_TABLE } from './attack-fixture.js';
import { INTAKE_MANIFEST, readTree, runCli, writeTree } from './tree.js';

const RULE =
  'title: T\nid: r-t\ntags: [attack.t1078.004]\nlogsource: {product: x}\nintakes: [EDR]\ndetection:\n  sel: {a: 1}\n  condition: sel\n';
const tree = (extra: Record<string, string> = {}) =>
  writeTree({
    'rules/t.yml': RULE,
    'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST('11111111-1111-4111-8111-111111111111', 'EDR'),
    ...extra,
  });

describe('documentation settings', () => {
  it('reads layerStyle, date, attack, rulesIndex and attribution from the configuration file', () => {
    const root = tree({
      'rulecat.config.yaml':
        'layerStyle: rich\ndate: 2026-01-31\nattack: data/table.json\nrulesIndex: data/index.json\nattribution:\n  notice: DRL 1.1\n  sourceUrl: https://x/\n  sourceRoot: rules\n',
    });
    const { config, diagnostics } = resolveConfig(root, undefined, {});
    expect(diagnostics).toEqual([]);
    expect(config).toMatchObject({
      layerStyle: 'rich',
      date: '2026-01-31',
      attack: path.join(root, 'data/table.json'),
      rulesIndex: path.join(root, 'data/index.json'),
      attribution: { notice: 'DRL 1.1', sourceUrl: 'https://x/', sourceRoot: path.join(root, 'rules') },
    });
  });

  it('reports invalid values at their place', () => {
    const root = tree({ 'rulecat.config.yaml': 'layerStyle: fancy\ndate: 2026-13-01\nattribution:\n  licence: x\n' });
    const { diagnostics } = resolveConfig(root, undefined, {});
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '2:7 Unexpected value for "date", expected a date YYYY-MM-DD',
      '1:13 Unexpected value for "layerStyle", expected compat, rich or both',
      '4:3 Unknown setting "attribution.licence", expected one of: notice, sourceUrl, sourceRoot',
    ]);
  });

  it('rejects an unknown --layer-style', async () => {
    const r = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--layer-style', 'fancy'],
      tree(),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "rulecat generate: option '--layer-style <style>' argument 'fancy' is invalid. Allowed choices are compat, rich, both.\n",
    );
  });

  it('validates tags against another ATT&CK table given with --attack', async () => {
    const table = { ...MINI_TABLE, techniques: MINI_TABLE.techniques.filter((t) => !t.id.startsWith('T1078')) };
    const root = tree({ 'table.json': JSON.stringify(table), 'broken.json': '{"format": "something/2"}' });
    const r = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--attack', 'table.json'],
      root,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'rules/t.yml:3:8: error: Unknown ATT&CK technique T1078.004, expected a technique ID of ATT&CK v19.1 such as T1059.001 [unknown-technique]',
    );
    expect(readTree(path.join(root, 'out'))).toEqual({});
    const broken = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--attack', 'broken.json'],
      root,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(
      'broken.json: error: Unexpected format "something/2", expected "rulecat-attack-table/1"',
    );
  });
});

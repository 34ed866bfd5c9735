/**
 * The documentation set end to end on a small catalog: catalog page,
 * changelog page, rules index, catalog-wide layer, links page, rich layers,
 * attribution, and the ATT&CK tag checks, through the CLI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../generator/config.js';
import { readAttack } from '../generator/load/read-attack.js';
import { haveLayerSchema, richLayerProblems } from './layer-schema.js';
import { INTAKE_MANIFEST, readTree, runCli, writeTree } from './tree.js';

const EDR = '11111111-1111-4111-8111-111111111111';
const CLOUD = '22222222-2222-4222-8222-222222222222';
const DNS = '44444444-4444-4444-8444-444444444444';

const FIELDS = (name: string) => `${name}:\n  name: ${name}\n  type: keyword\n  description: x\n`;

function catalog(extra: Record<string, string> = {}) {
  return writeTree({
    'rules/ps.yml': [
      'title: PowerShell Encoded',
      'id: r-ps',
      'description: |-',
      '  Detects encoded PowerShell.',
      '  Second line.',
      'author: Alice <alice@example.org>',
      'level: high',
      'effort: advanced',
      'tags: [attack.execution, attack.t1059.001]',
      'logsource: {product: windows}',
      'changelog:',
      '  - {date: 2026-01-10, type: minor, description: Add pwsh.}',
      '  - {date: 2025-06-01, type: major, description: Rewrite.}',
      'detection:',
      '  sel:',
      "    process.command_line|contains: ' -enc '",
      '  condition: sel',
      '',
    ].join('\n'),
    'rules/login.yml': [
      'title: Cloud Login "Root"',
      'id: r-login',
      'description: Detects a root login.',
      'level: critical',
      'intakes: [Vendor Cloud | Audit]',
      'tags:',
      '  - attack.initial-access',
      '  - attack.t1078.004',
      '  - attack.t1086',
      '  - attack.defense-evasion',
      'logsource: {product: aws}',
      'changelog:',
      '  - {date: 2026-02-01, type: minor, description: Exclude service events.}',
      'detection:',
      '  sel:',
      '    user.name: root',
      '  condition: sel',
      '',
    ].join('\n'),
    'rules/plain.yml':
      'title: Alpha Without Technique\nid: r-plain\ndescription: No technique here.\nlevel: low\nlogsource: {product: windows}\ndetection:\n  sel:\n    process.command_line|contains: alpha\n  condition: sel\n',
    'intakes/V/_meta/manifest.yml': INTAKE_MANIFEST('33333333-3333-4333-8333-333333333333', 'Vendor'),
    'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST(EDR, 'Vendor EDR'),
    'intakes/V/edr/_meta/fields.yml': FIELDS('process.command_line'),
    'intakes/V/cloud/_meta/manifest.yml': INTAKE_MANIFEST(CLOUD, 'Vendor Cloud | Audit'),
    'intakes/V/dns/_meta/manifest.yml': INTAKE_MANIFEST(DNS, 'Vendor DNS'),
    ...extra,
  });
}

const GENERATE = ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out'];

const CATALOG_PAGE = `Rules catalog includes **3 built-in detection rules** ([_last update on 2026-05-01_](rules_changelog.md)).
## Initial Access
**Valid Accounts**

??? abstract "Cloud Login &quot;Root&quot;"
    
    Detects a root login.
    
    - **Effort:** elementary
    
    - **Changelog:**
    
        - 01/02/2026 - minor - Exclude service events.
            
## Execution
**Command and Scripting Interpreter**

??? abstract "Cloud Login &quot;Root&quot;"
    
    Detects a root login.
    
    - **Effort:** elementary
    
    - **Changelog:**
    
        - 01/02/2026 - minor - Exclude service events.
            
??? abstract "PowerShell Encoded"
    
    Detects encoded PowerShell.
    Second line.
    
    - **Effort:** advanced
    
    - **Changelog:**
    
        - 01/06/2025 - major - Rewrite.
        - 10/01/2026 - minor - Add pwsh.
            
## Persistence
**Valid Accounts**

??? abstract "Cloud Login &quot;Root&quot;"
    
    Detects a root login.
    
    - **Effort:** elementary
    
    - **Changelog:**
    
        - 01/02/2026 - minor - Exclude service events.
            
## Privilege Escalation
**Valid Accounts**

??? abstract "Cloud Login &quot;Root&quot;"
    
    Detects a root login.
    
    - **Effort:** elementary
    
    - **Changelog:**
    
        - 01/02/2026 - minor - Exclude service events.
            
## Stealth
**Valid Accounts**

??? abstract "Cloud Login &quot;Root&quot;"
    
    Detects a root login.
    
    - **Effort:** elementary
    
    - **Changelog:**
    
        - 01/02/2026 - minor - Exclude service events.
            
## Rules without ATT&CK technique

??? abstract "Alpha Without Technique"
    
    No technique here.
    
    - **Effort:** master
    `;

const CHANGELOG_PAGE = `Changelog _last update on 2026-05-01_

## Changelog

### Cloud Login &quot;Root&quot;
  - 01/02/2026 - minor - Exclude service events.
    
### PowerShell Encoded
  - 10/01/2026 - minor - Add pwsh.
  - 01/06/2025 - major - Rewrite.
    `;

const RULES_INDEX =
  '[{"uuid": "r-plain", "name": "Alpha Without Technique", "effort": "master", "data_sources": [], "description": "No technique here.", "attack": [], "intake-formats": ["Vendor EDR"]}, ' +
  '{"uuid": "r-login", "name": "Cloud Login \\"Root\\"", "effort": "elementary", "data_sources": [], "description": "Detects a root login.", "attack": ["initial-access - Cloud Accounts (T1078.004)", "execution - PowerShell (T1086)"], "intake-formats": ["Vendor Cloud | Audit"]}, ' +
  '{"uuid": "r-ps", "name": "PowerShell Encoded", "effort": "advanced", "data_sources": [], "description": "Detects encoded PowerShell.\\nSecond line.", "attack": ["execution - PowerShell (T1059.001)"], "intake-formats": ["Vendor EDR"]}]';

const NAV = 'https://mitre-attack.github.io/attack-navigator/#layerURL=https%3A%2F%2Fdocs.example.org%2Flayers%2F';

describe('documentation set', () => {
  it('writes the catalog page, changelog page and rules index in the model format', async () => {
    const root = catalog();
    const r = await runCli(
      [...GENERATE, '--date', '2026-05-01', '--base-url', 'https://docs.example.org/layers/'],
      root,
    );
    expect(r.code).toBe(0);
    const out = readTree(path.join(root, 'out'));
    expect(out['built_in_rules_do_not_edit_manually.md']).toBe(CATALOG_PAGE);
    expect(out['rules_changelog.md']).toBe(CHANGELOG_PAGE);
    expect(out['rules_index.json']).toBe(RULES_INDEX);
    // The ATT&CK checks: revoked technique and retired tactic, each at its tag.
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      'rules/login.yml:9:5: warning: ATT&CK technique T1086 (PowerShell) is revoked in ATT&CK v19.1, replaced by T1059.001 (PowerShell), expected attack.t1059.001 [revoked-technique]',
      'rules/login.yml:10:5: warning: ATT&CK tactic defense-evasion no longer exists in ATT&CK v19.1, expected Stealth (attack.stealth) or Defense Impairment (attack.defense-impairment) [retired-tactic]',
    ]);
  });

  it('dates the catalog pages with the newest changelog entry when no date is given, and never with the clock', async () => {
    const root = catalog();
    await runCli(GENERATE, root);
    const out = readTree(path.join(root, 'out'));
    expect(out['built_in_rules_do_not_edit_manually.md']).toBe(CATALOG_PAGE.replace('2026-05-01', '2026-02-01'));
    expect(out['rules_changelog.md'].startsWith('Changelog _last update on 2026-02-01_\n')).toBe(true);
    const undated = writeTree({
      'rules/plain.yml': readFileSync(path.join(root, 'rules/plain.yml'), 'utf8'),
      'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST(EDR, 'Vendor EDR'),
    });
    expect((await runCli(GENERATE, undated)).code).toBe(0);
    expect(Object.keys(readTree(path.join(undated, 'out')))).not.toContain('built_in_rules_do_not_edit_manually.md');
    const bad = await runCli([...GENERATE, '--date', '2026-02-30'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rulecat generate: Unexpected --date 2026-02-30, expected a date YYYY-MM-DD\n');
  });

  it('writes a catalog-wide layer and a links page built from the layers written', async () => {
    const root = catalog({ 'rulecat.config.yaml': 'layer:\n  baseUrl: https://docs.example.org/layers/\n' });
    await runCli(GENERATE, root);
    const out = readTree(path.join(root, 'out'));
    expect(out['attack_catalog_do_not_edit_manually.json']).toBe(
      // T1086 was revoked before ATT&CK 13: a Navigator pinned to 13 cannot show it, so the layer names the table's version.
      '{"name": "SEKOIA.IO x Rules catalog", "versions": {"attack": "19.1", "layer": "4.4", "navigator": "4.8.2"}, "domain": "enterprise-attack", "techniques": [' +
        '{"techniqueID": "T1059", "score": 100, "comment": "Rules: PowerShell Encoded"}, ' +
        '{"techniqueID": "T1059.001", "score": 100, "comment": "Rules: PowerShell Encoded"}, ' +
        '{"techniqueID": "T1078", "score": 100, "comment": "Rules: Cloud Login \\"Root\\""}, ' +
        '{"techniqueID": "T1078.004", "score": 100, "comment": "Rules: Cloud Login \\"Root\\""}, ' +
        '{"techniqueID": "T1086", "score": 100, "comment": "Rules: Cloud Login \\"Root\\""}]}',
    );
    expect(out['navigator_links_do_not_edit_manually.md']).toBe(
      [
        '# ATT&CK Navigator layers',
        '',
        '2 of 3 intakes have a layer: the intakes with at least one rule. This page is generated from the layers written with it.',
        '',
        '| Intake | Rules | Techniques | Layer |',
        '| --- | ---: | ---: | --- |',
        `| **All rules** | 3 | 5 | [Open in ATT&CK Navigator](${NAV}attack_catalog_do_not_edit_manually.json) |`,
        `| Vendor Cloud \\| Audit | 1 | 3 | [Open in ATT&CK Navigator](${NAV}attack_${CLOUD}_do_not_edit_manually.json) |`,
        '| Vendor DNS | 0 | 0 | none |',
        `| Vendor EDR | 2 | 2 | [Open in ATT&CK Navigator](${NAV}attack_${EDR}_do_not_edit_manually.json) |`,
        '',
      ].join('\n'),
    );
    const links = JSON.parse(out['navigator_links_do_not_edit_manually.json']);
    expect(links.intakes.map((r: { name: string; layerFile: string | null }) => [r.name, r.layerFile])).toEqual([
      ['Vendor Cloud | Audit', `attack_${CLOUD}_do_not_edit_manually.json`],
      ['Vendor DNS', null],
      ['Vendor EDR', `attack_${EDR}_do_not_edit_manually.json`],
    ]);
    // Each link points to a file written in this run.
    for (const row of [links.catalog, ...links.intakes])
      if (row.layerFile) expect(out[row.layerFile], row.layerFile).toBeDefined();
  });

  it('links only layers that are written: a template folder without the intake layer gives no links', async () => {
    const root = catalog();
    const templates = path.join(root, 'templates');
    const shipped = DEFAULT_CONFIG.templates;
    const files: Record<string, string> = {};
    for (const name of ['intake-page.md.hbs', 'navigator-links.json.hbs', '_attribution.hbs'])
      files[`templates/${name}`] = readFileSync(path.join(shipped, name), 'utf8');
    writeTree(files, root);
    await runCli([...GENERATE, '--templates', templates], root);
    const links = JSON.parse(readTree(path.join(root, 'out'))['navigator_links_do_not_edit_manually.json']);
    expect(links.catalog).toBeNull();
    expect(links.intakes.every((r: { navigatorLink: string | null; rules: number }) => r.navigatorLink === null)).toBe(
      true,
    );
    expect(links.intakes.map((r: { rules: number }) => r.rules)).toEqual([1, 0, 2]);
  });

  it('writes rich layers that validate against the layer 4.5 schema', async () => {
    const root = catalog({
      'rulecat.config.yaml':
        'layerStyle: rich\nlayer:\n  baseUrl: https://docs.example.org/layers/\n  ruleUrl: "https://docs.example.org/rules/{id}/"\n',
    });
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    const out = readTree(path.join(root, 'out'));
    const cloud = JSON.parse(out[`attack_${CLOUD}_do_not_edit_manually.json`]);
    // T1086 is revoked: it counts for T1059.001 (and its parent). The rule's tactic tags, initial-access and
    // defense-evasion (now stealth or defense-impairment), limit Valid Accounts to two of its four tactics.
    expect(
      cloud.techniques.map((t: { techniqueID: string; tactic?: string; score: number }) => [
        t.techniqueID,
        t.tactic,
        t.score,
      ]),
    ).toEqual([
      ['T1059', undefined, 1],
      ['T1059.001', undefined, 1],
      ['T1078', 'initial-access', 1],
      ['T1078', 'stealth', 1],
      ['T1078.004', 'initial-access', 1],
      ['T1078.004', 'stealth', 1],
    ]);
    expect(cloud.techniques[0].links).toEqual([
      { label: 'Cloud Login "Root"', url: 'https://docs.example.org/rules/r-login/' },
    ]);
    expect(cloud.techniques[0].metadata).toEqual([{ name: 'Cloud Login "Root"', value: 'effort elementary' }]);
    // The page still links the layer at the same URL.
    expect(out[`suggested_rules_${CLOUD}_do_not_edit_manually.md`]).toContain(
      `(${NAV}attack_${CLOUD}_do_not_edit_manually.json){ .md-button }`,
    );
    if (!haveLayerSchema()) return;
    const { attack } = readAttack(DEFAULT_CONFIG.attack);
    for (const [name, content] of Object.entries(out))
      if (name.startsWith('attack_')) expect(richLayerProblems(JSON.parse(content), attack!), name).toEqual([]);
  });

  it('adds author, source link and license notice to rule blocks with attribution, and nothing without', async () => {
    const config = [
      'attribution:',
      '  notice: "Released under the [Detection Rule License 1.1](https://github.com/SigmaHQ/Detection-Rule-License)."',
      '  sourceUrl: https://github.com/example/rules/blob/abc123/',
      '',
    ].join('\n');
    const root = catalog({ 'rulecat.config.yaml': config });
    await runCli(GENERATE, root);
    const page = readTree(path.join(root, 'out'))[`suggested_rules_${EDR}_do_not_edit_manually.md`];
    expect(page.slice(page.indexOf('??? abstract "PowerShell Encoded"'))).toBe(
      [
        '??? abstract "PowerShell Encoded"',
        '    ',
        '    Detects encoded PowerShell.',
        '    Second line.',
        '    ',
        '    - **Effort:** advanced',
        '    - **Author:** Alice <alice@example.org>',
        '    - **Source:** [rules/ps.yml](https://github.com/example/rules/blob/abc123/rules/ps.yml)',
        '    - **License:** Released under the [Detection Rule License 1.1](https://github.com/SigmaHQ/Detection-Rule-License).',
        '',
      ].join('\n'),
    );
    const catalogPage = readTree(path.join(root, 'out'))['built_in_rules_do_not_edit_manually.md'];
    expect(catalogPage).toContain(
      '    - **Effort:** advanced\n    - **Author:** Alice <alice@example.org>\n    - **Source:** [rules/ps.yml](https://github.com/example/rules/blob/abc123/rules/ps.yml)\n',
    );
    const plain = catalog();
    await runCli([...GENERATE, '--attribution'], plain);
    expect(readTree(path.join(plain, 'out'))[`suggested_rules_${EDR}_do_not_edit_manually.md`]).toContain(
      '    - **Author:** Alice <alice@example.org>\n    - **Source:** rules/ps.yml\n',
    );
    const off = catalog();
    await runCli(GENERATE, off);
    expect(readTree(path.join(off, 'out'))[`suggested_rules_${EDR}_do_not_edit_manually.md`]).not.toContain(
      '**Author:**',
    );
  });

  it('fails with exit 2 on an unknown technique, at its tag', async () => {
    const root = catalog({
      'rules/bad.yml':
        'title: Bad\nid: r-bad\ntags:\n  - attack.t9999\nlogsource: {product: windows}\ndetection:\n  sel: {a: 1}\n  condition: sel\n',
    });
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'rules/bad.yml:4:5: error: Unknown ATT&CK technique T9999, expected a technique ID of ATT&CK v19.1 such as T1059.001 [unknown-technique]\n',
    );
  });
});

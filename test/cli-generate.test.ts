/**
 * End to end: `rulecat generate` on small trees, through the CLI entry point.
 */
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTAKE_MANIFEST, PARSER, readTree, runCli, writeTree } from './tree.js';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

const RULE = (id: string, title: string, detection: string, extra = '', logsource = 'product: windows') =>
  `title: ${title}\nid: ${id}\ndescription: Detects ${title.toLowerCase()}.\nlevel: high\ntags:\n  - attack.execution\n  - attack.t1059.001\nlogsource:\n  ${logsource}\n${extra}detection:\n${detection}`;

function catalog(extra: Record<string, string> = {}) {
  return writeTree({
    'rules/a.yml': RULE(
      'r-a',
      'Zeta Process',
      '  sel:\n    process.executable|endswith: x.exe\n  condition: sel\n',
      'effort: master\n',
    ),
    'rules/b.yml': RULE(
      'r-b',
      'Alpha Network',
      '  sel:\n    destination.port: 4444\n  condition: sel\n',
      '',
      'category: firewall',
    ),
    'rules/sub/c.yml': RULE(
      'r-c',
      'BITS Thing',
      '  sel:\n    process.command_line|contains: bits\n    process.executable: b.exe\n  condition: sel\n',
    ),
    'intakes/Vendor/_meta/manifest.yml': INTAKE_MANIFEST('33333333-3333-4333-8333-333333333333', 'Vendor'),
    'intakes/Vendor/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
    'intakes/Vendor/edr/ingest/parser.yml': PARSER({
      'process.executable': '{{parsed.message.image}}',
      'process.command_line': '{{parsed.message.cmd}}',
    }),
    'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST(U2, 'Vendor Firewall'),
    'intakes/Vendor/fw/_meta/fields.yml':
      'destination.port:\n  name: destination.port\n  type: long\n  description: port\n',
    ...extra,
  });
}

/** Where the layers go: given, so that no run warns about the default. */
const BASE_URL = 'https://docs.example.org/layers/';

const page = (uuid: string) => `out/suggested_rules_${uuid}_do_not_edit_manually.md`;
const layer = (uuid: string) => `out/attack_${uuid}_do_not_edit_manually.json`;

describe('rulecat generate', () => {
  it('writes one page per intake and one layer per intake with rules', async () => {
    const root = catalog();
    const r = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
      root,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const tree = readTree(path.join(root, 'out'));
    expect(Object.keys(tree)).toEqual([
      '.rulecat-manifest.json',
      `attack_${U1}_do_not_edit_manually.json`,
      `attack_${U2}_do_not_edit_manually.json`,
      'attack_catalog_do_not_edit_manually.json',
      'navigator_links_do_not_edit_manually.json',
      'navigator_links_do_not_edit_manually.md',
      'rules_index.json',
      `suggested_rules_${U1}_do_not_edit_manually.md`,
      `suggested_rules_${U2}_do_not_edit_manually.md`,
    ]);
    const edr = readFileSync(path.join(root, page(U1)), 'utf8');
    expect(edr.indexOf('??? abstract "BITS Thing"')).toBeLessThan(edr.indexOf('??? abstract "Zeta Process"'));
    expect(edr).not.toContain('Alpha Network');
    expect(edr).toContain('    - **Effort:** master\n');
    expect(edr).toContain('    - **Effort:** intermediate\n'); // from level: high
    expect(readFileSync(path.join(root, layer(U1)), 'utf8')).toBe(
      '{"name": "SEKOIA.IO x Vendor EDR", "versions": {"attack": "13", "layer": "4.4", "navigator": "4.8.2"}, "domain": "enterprise-attack", "techniques": [' +
        '{"techniqueID": "T1059", "score": 100, "comment": "Rules: BITS Thing, Zeta Process"}, ' +
        '{"techniqueID": "T1059.001", "score": 100, "comment": "Rules: BITS Thing, Zeta Process"}]}',
    );
  });

  it('writes the zero-rule page and no layer for an intake without rules', async () => {
    const root = catalog({
      'intakes/Other/dns/_meta/manifest.yml': INTAKE_MANIFEST('44444444-4444-4444-8444-444444444444', 'DNS'),
    });
    expect(
      (
        await runCli(
          ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
          root,
        )
      ).code,
    ).toBe(0);
    expect(readFileSync(path.join(root, page('44444444-4444-4444-8444-444444444444')), 'utf8')).toBe(
      'No related built-in rules was found. This message is automatically generated.\n',
    );
    expect(existsSync(path.join(root, layer('44444444-4444-4444-8444-444444444444')))).toBe(false);
  });

  it('rewrites only changed files and removes only files it owns', async () => {
    const root = catalog();
    const args = ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--json'];
    await runCli(args, root);
    writeFileSync(path.join(root, 'out/notes.md'), 'mine');
    writeFileSync(
      path.join(root, 'out/suggested_rules_99999999-9999-4999-8999-999999999999_do_not_edit_manually.md'),
      'looks generated, is not',
    );
    const again = JSON.parse((await runCli(args, root)).stdout);
    expect(again.files).toMatchObject({ written: [], removed: [], unchanged: 8 });
    // The firewall intake disappears: its page and layer go, nothing else does.
    writeFileSync(
      path.join(root, 'intakes/Vendor/fw/_meta/manifest.yml'),
      INTAKE_MANIFEST(U2, 'Vendor Firewall').replace('name: Vendor Firewall', 'name: Vendor Firewall v2'),
    );
    const renamed = JSON.parse((await runCli(args, root)).stdout);
    expect(renamed.files.written).toEqual([
      `attack_${U2}_do_not_edit_manually.json`,
      // the links pages and the rules index name the intake too
      'navigator_links_do_not_edit_manually.json',
      'navigator_links_do_not_edit_manually.md',
      'rules_index.json',
      `suggested_rules_${U2}_do_not_edit_manually.md`,
    ]);
    const rmRoot = path.join(root, 'intakes/Vendor/fw');
    writeFileSync(path.join(rmRoot, '_meta/manifest.yml'), '');
    const broken = await runCli(args, root);
    expect(broken.code).toBe(2);
    const { rmSync } = await import('node:fs');
    rmSync(rmRoot, { recursive: true });
    const removed = JSON.parse((await runCli(args, root)).stdout);
    expect(removed.files.removed).toEqual([
      `attack_${U2}_do_not_edit_manually.json`,
      `suggested_rules_${U2}_do_not_edit_manually.md`,
    ]);
    expect(readFileSync(path.join(root, 'out/notes.md'), 'utf8')).toBe('mine');
    expect(
      existsSync(path.join(root, 'out/suggested_rules_99999999-9999-4999-8999-999999999999_do_not_edit_manually.md')),
    ).toBe(true);
  });

  it('--check writes nothing, lists differences and exits 1', async () => {
    const root = catalog();
    const first = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL, '--check'],
      root,
    );
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`added    out/suggested_rules_${U1}_do_not_edit_manually.md`);
    expect(existsSync(path.join(root, 'out'))).toBe(false);
    await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
      root,
    );
    const clean = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL, '--check'],
      root,
    );
    expect(clean.code).toBe(0);
    writeFileSync(path.join(root, page(U1)), 'edited');
    const stale = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL, '--check'],
      root,
    );
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`changed  out/suggested_rules_${U1}_do_not_edit_manually.md`);
    expect(readFileSync(path.join(root, page(U1)), 'utf8')).toBe('edited');
  });

  it('reports every invalid input with file:line:col, exits 2 and leaves the output untouched', async () => {
    const root = catalog();
    await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
      root,
    );
    const before = readTree(path.join(root, 'out'));
    writeTree(
      {
        'rules/bad-yaml.yml': 'title: x\nid: [unclosed\n',
        'rules/no-title.yml': 'id: r-x\ndetection:\n  sel:\n    a: 1\n  condition: sel\n',
        'rules/dup.yml': RULE('r-a', 'Dup', '  sel:\n    a: 1\n  condition: sel\n'),
        'rules/effort.yml': RULE('r-e', 'Effort', '  sel:\n    a: 1\n  condition: sel\n', 'effort: huge\n'),
        'rules/cond.yml': RULE('r-f', 'Cond', '  sel:\n    a: 1\n  condition: sel and missing\n'),
        'rules/paren.yml': RULE('r-g', 'Paren', '  sel:\n    a: 1\n  condition: (sel\n'),
        'intakes/Bad/p/_meta/manifest.yml': INTAKE_MANIFEST('55555555-5555-4555-8555-555555555555', 'P'),
        'intakes/Bad/p/ingest/parser.yml': 'name: p\npipeline: []\nstages: [1, 2]\n',
        'intakes/Bad/u/_meta/manifest.yml': INTAKE_MANIFEST('../../x', 'U'),
      },
      root,
    );
    const r = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
      root,
    );
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      'intakes/Bad/p/ingest/parser.yml:3:9: error: Unexpected list for "stages", expected a map of stage name: {actions} [parser-stages]',
      'intakes/Bad/u/_meta/manifest.yml:1:7: error: Unexpected uuid "../../x", expected a UUID such as 0b5c0d2a-6c7e-4d1a-9f0e-2b8f6d3c4a51 [manifest-uuid]',
      'rules/bad-yaml.yml:3:1: error: Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml-syntax]',
      'rules/cond.yml:13:14: error: Unknown search identifier "missing" in condition, expected one of: sel [condition-identifier]',
      'rules/dup.yml:2:5: error: Duplicate rule id r-a: also used by rules/a.yml:2:5, expected ids to be unique [duplicate-rule-id]',
      'rules/effort.yml:10:9: error: Unknown effort "huge", expected one of: elementary, intermediate, advanced, master [unknown-effort]',
      'rules/no-title.yml:1:1: error: Missing "title", expected a non-empty string [rule-missing-title]',
      'rules/paren.yml:13:18: error: Unexpected end of condition, expected ")" [condition-syntax]',
      'rulecat: 8 errors; out left unchanged',
    ]);
    expect(readTree(path.join(root, 'out'))).toEqual(before);
  });

  it('gives byte-identical output whatever the order folders are given or files were created in', async () => {
    const a = catalog();
    const files = readTree(a);
    // Same files created in reverse order, so directory listings may differ.
    const b = writeTree(Object.fromEntries(Object.entries(files).reverse()));
    const run = (root: string, rules: string[]) =>
      runCli(['generate', '--rules', ...rules, '--intakes', 'intakes', '--out', 'out'], root);
    writeTree({ 'more/d.yml': RULE('r-d', 'Delta', '  sel:\n    process.executable: d.exe\n  condition: sel\n') }, a);
    writeTree({ 'more/d.yml': RULE('r-d', 'Delta', '  sel:\n    process.executable: d.exe\n  condition: sel\n') }, b);
    expect((await run(a, ['rules', 'more'])).code).toBe(0);
    expect((await run(b, ['more', 'rules'])).code).toBe(0);
    expect(readTree(path.join(a, 'out'))).toEqual(readTree(path.join(b, 'out')));
    const twice = readTree(path.join(a, 'out'));
    await run(a, ['rules', 'more']);
    expect(readTree(path.join(a, 'out'))).toEqual(twice);
  });

  it('refuses an output path that is a file, and reports an unwritable output folder', async () => {
    const root = catalog({ 'out-file': 'x' });
    const r = await runCli(['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out-file'], root);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('out-file: error: Output path is a file, expected a folder [out-not-folder]');
    if (process.getuid?.() !== 0) {
      const ro = path.join(root, 'ro');
      (await import('node:fs')).mkdirSync(ro);
      chmodSync(ro, 0o500);
      const w = await runCli(['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'ro'], root);
      expect(w.code).toBe(2);
      expect(w.stderr).toContain('Cannot write output: EACCES');
    }
  });

  it('does not follow a symbolic link out of an input folder', async () => {
    const root = catalog();
    const outside = writeTree({ 'evil.yml': RULE('r-z', 'Outside', '  sel:\n    a: 1\n  condition: sel\n') });
    symlinkSync(outside, path.join(root, 'rules/link'));
    const r = await runCli(
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--base-url', BASE_URL],
      root,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules/link: error: Symbolic link points outside the input folder (rules)');
  });
});

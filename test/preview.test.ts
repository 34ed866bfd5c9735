/**
 * `rulecat preview`: one intake's page, byte for byte what `generate` writes,
 * reading only that intake's folder in full.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { generate } from '../generator/generate.js';
import { resolveConfig, type Config } from '../generator/config.js';
import { previewIntake } from '../generator/preview.js';
import { haveShared, REPO, SHARED_DATA } from './shared.js';
import { INTAKE_MANIFEST, PARSER, runCli, tempDir, writeTree } from './tree.js';

const exampleConfig = (overrides: Partial<Config> = {}): Config => ({
  ...resolveConfig(REPO, undefined, {}).config,
  cache: false,
  ...overrides,
});

describe('preview on the example catalog', () => {
  let out: string;
  let config: Config;
  beforeAll(async () => {
    out = tempDir('rulecat-preview-');
    config = exampleConfig({ out });
    const result = await generate(config, { check: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('prints, for every intake, exactly the page generate writes', async () => {
    const { catalog } = await build(config);
    expect(catalog!.intakes.length).toBeGreaterThan(5);
    for (const intake of catalog!.intakes) {
      const preview = await previewIntake(config, intake.uuid);
      expect(
        preview.diagnostics.filter((d) => d.severity === 'error'),
        intake.name,
      ).toEqual([]);
      const written = readFileSync(path.join(out, `suggested_rules_${intake.uuid}_do_not_edit_manually.md`), 'utf8');
      expect(preview.markdown, intake.name).toBe(written);
      expect(preview.path).toBe(`suggested_rules_${intake.uuid}_do_not_edit_manually.md`);
    }
  });

  it('equals generate with the near-miss section and with attribution too', async () => {
    for (const variant of [
      { nearMiss: true },
      { attribution: { notice: 'Under <b>a</b> licence.', sourceUrl: 'https://example.org/src/', sourceRoot: REPO } },
    ]) {
      const withVariant = { ...config, ...variant };
      const full = await build(withVariant);
      expect(full.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const pages = new Map(full.files.map((f) => [f.path, f.content]));
      for (const intake of full.catalog!.intakes) {
        const preview = await previewIntake(withVariant, intake.uuid);
        expect(preview.markdown, `${intake.name} ${JSON.stringify(variant)}`).toBe(
          pages.get(`suggested_rules_${intake.uuid}_do_not_edit_manually.md`),
        );
      }
    }
  });

  it('finds the intake by uuid, name or slug (case-insensitive when unique)', async () => {
    const byUuid = await previewIntake(config, '8acc0041-dfa4-4ed4-acda-13c9f4ada1a4');
    const byName = await previewIntake(config, 'Okta System Log [BETA]');
    const byFolded = await previewIntake(config, 'okta system log [beta]');
    expect(byUuid.intake?.name).toBe('Okta System Log [BETA]');
    expect(byName.markdown).toBe(byUuid.markdown);
    expect(byFolded.markdown).toBe(byUuid.markdown);
  });

  it('offers close matches for an unknown intake', async () => {
    const r = await previewIntake(config, 'Okta');
    expect(r.markdown).toBeUndefined();
    expect(r.unresolved).toEqual({
      close: ['Okta System Log [BETA] (8acc0041-dfa4-4ed4-acda-13c9f4ada1a4)'],
      ambiguous: false,
    });
  });

  it('prints the page on stdout from the command line, and exits 2 with close matches', async () => {
    const uuid = '8acc0041-dfa4-4ed4-acda-13c9f4ada1a4';
    const ok = await runCli(['preview', '--intake', uuid, '--no-cache'], REPO);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(readFileSync(path.join(out, `suggested_rules_${uuid}_do_not_edit_manually.md`), 'utf8'));
    const bad = await runCli(['preview', '--intake', 'Okta', '--no-cache'], REPO);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('Unknown intake "Okta"; close matches:\n  Okta System Log [BETA]');
    const usage = await runCli(['preview'], REPO);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("rulecat preview: required option '--intake <uuid-name-or-slug>' not specified\n");
  });

  it('prints a standalone HTML document with --html: the page, the matrix, no script', async () => {
    const r = await runCli(['preview', '--intake', 'Okta System Log [BETA]', '--html', '--no-cache'], REPO);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^<!doctype html>/);
    expect(r.stdout).toContain(
      '<details class="admonition abstract"><summary>Okta Brute Force From a Single Source</summary>',
    );
    expect(r.stdout).toContain('class="md-button"');
    expect(r.stdout).toContain('data-testid="matrix"');
    expect(r.stdout).toContain('<h3 title="TA0006">Credential Access');
    expect(r.stdout).not.toContain('<script');
    expect(r.stdout).not.toContain('{ .md-button }');
  });
});

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const RULE = (id: string, title: string, body: string, logsource = 'product: windows') =>
  `title: ${title}\nid: ${id}\ndescription: ${title}.\nlevel: high\ntags: [attack.t1059.001]\nlogsource:\n  ${logsource}\n${body}`;

function smallCatalog(extra: Record<string, string> = {}) {
  return writeTree({
    'rules/edr.yml': RULE(
      'r-edr',
      'EDR Rule',
      'detection:\n  sel:\n    process.executable|endswith: x.exe\n  condition: sel\n',
    ),
    'rules/member.yml': RULE(
      'r-member',
      'Member Rule',
      'intakes: [Vendor Firewall]\ndetection:\n  sel:\n    nothing.here: 1\n  condition: sel\n',
    ),
    'rules/corr.yml':
      'title: Correlated EDR\nid: r-corr\ndescription: c\nlevel: high\ntags: [attack.t1059]\ncorrelation:\n  type: event_count\n  rules: [r-edr]\n  group-by: [process.executable]\n  timespan: 5m\n  condition: {gte: 3}\n',
    'rules/corr-missing.yml':
      'title: Correlated Without Group Field\nid: r-corr2\ndescription: c\nlevel: high\ntags: [attack.t1059]\ncorrelation:\n  type: event_count\n  rules: [r-edr]\n  group-by: [host.nothing]\n  timespan: 5m\n  condition: {gte: 3}\n',
    'intakes/Vendor/_meta/manifest.yml': INTAKE_MANIFEST('33333333-3333-4333-8333-333333333333', 'Vendor'),
    'intakes/Vendor/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
    'intakes/Vendor/edr/ingest/parser.yml': PARSER({ 'process.executable': '{{parsed.message.image}}' }),
    'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST(U2, 'Vendor Firewall'),
    'intakes/Vendor/fw/_meta/fields.yml':
      'destination.port:\n  name: destination.port\n  type: long\n  description: port\n',
    ...extra,
  });
}

const smallConfig = (root: string): Config => ({
  ...resolveConfig(root, undefined, {
    rules: [path.join(root, 'rules')],
    intakes: [path.join(root, 'intakes')],
    out: path.join(root, 'out'),
  }).config,
  cache: false,
});

async function generated(root: string, uuid: string): Promise<string | undefined> {
  const result = await build(smallConfig(root));
  return result.files.find((f) => f.path === `suggested_rules_${uuid}_do_not_edit_manually.md`)?.content;
}

describe('preview matches one intake only, as generate would', () => {
  it('honours explicit intakes: lists and correlations', async () => {
    const root = smallCatalog();
    const edr = await previewIntake(smallConfig(root), U1);
    expect(edr.rules?.map((r) => r.id)).toEqual(['r-corr', 'r-edr']); // catalog (path) order
    expect(edr.markdown).toBe(await generated(root, U1));
    const fw = await previewIntake(smallConfig(root), 'vendor-firewall');
    expect(fw.rules?.map((r) => r.id)).toEqual(['r-member']);
    expect(fw.markdown).toBe(await generated(root, U2));
  });

  it('reads only the chosen intake in full: a broken parser elsewhere does not stop it', async () => {
    const root = smallCatalog({ 'intakes/Vendor/fw/ingest/parser.yml': 'name: [unclosed\n' });
    const edr = await previewIntake(smallConfig(root), U1);
    expect(edr.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(edr.markdown).toContain('??? abstract "EDR Rule"');
    const fw = await previewIntake(smallConfig(root), U2);
    expect(fw.markdown).toBeUndefined();
    expect(
      fw.diagnostics.some((d) => d.severity === 'error' && d.file.endsWith(path.join('fw', 'ingest', 'parser.yml'))),
    ).toBe(true);
  });

  it('reports a duplicate uuid found in another manifest', async () => {
    const root = smallCatalog({ 'intakes/Other/dup/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Copy') });
    const r = await previewIntake(smallConfig(root), 'Vendor EDR');
    expect(r.diagnostics.map((d) => d.code)).toContain('duplicate-intake-uuid');
    expect(r.markdown).toBeUndefined();
  });

  it('shows rule errors with their place, and the page without the broken rule (exit 3)', async () => {
    const args = ['preview', '--rules', 'rules', '--intakes', 'intakes', '--intake', U1, '--no-cache'];
    const without = await runCli(args, smallCatalog());
    const root = smallCatalog({
      'rules/bad.yml':
        'title: Bad\nid: r-bad\nlogsource: {product: windows}\ndetection:\n  sel:\n    a: 1\n  condition: nope\n',
    });
    const r = await runCli(args, root);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(without.stdout);
    expect(r.stderr).toMatch(/rules\/bad\.yml:7:\d+: error: .*\[condition-identifier\]/);
  });

  it('previews a page of an imported rules index (membership by intake name)', async () => {
    const root = smallCatalog({
      'rules_index.json': JSON.stringify([
        {
          uuid: 'x-1',
          name: 'Indexed Rule',
          effort: null,
          data_sources: [],
          description: 'From the index.',
          attack: ['execution - PowerShell (T1059.001)'],
          'intake-formats': ['Vendor EDR', 'Nowhere'],
        },
        {
          uuid: 'x-2',
          name: 'Other Rule',
          effort: 'master',
          data_sources: [],
          description: 'Elsewhere.',
          attack: [],
          'intake-formats': ['Vendor Firewall'],
        },
      ]),
    });
    const config = { ...smallConfig(root), rulesIndex: path.join(root, 'rules_index.json') };
    const full = await build(config);
    const r = await previewIntake(config, U1);
    expect(r.rules?.map((x) => x.title)).toEqual(['Indexed Rule']);
    expect(r.markdown).toBe(
      full.files.find((f) => f.path === `suggested_rules_${U1}_do_not_edit_manually.md`)!.content,
    );
  });

  it('writes nothing', async () => {
    const root = smallCatalog();
    writeFileSync(path.join(root, 'marker'), '');
    await runCli(
      ['preview', '--rules', 'rules', '--intakes', 'intakes', '--intake', U1, '--out', 'out', '--no-cache'],
      root,
    ).catch(() => undefined);
    expect(() => readFileSync(path.join(root, 'out', `suggested_rules_${U1}_do_not_edit_manually.md`))).toThrow();
  });
});

describe.skipIf(!haveShared('data', 'intake-formats') || !haveShared('data', 'sigmahq', 'rules'))(
  'preview on the reference corpora',
  () => {
    it('equals the pages of a full build for the intakes with the most rules and a few others', async () => {
      const config: Config = {
        ...resolveConfig(REPO, undefined, {
          rules: [path.join(SHARED_DATA, 'sigmahq', 'rules')],
          intakes: [path.join(SHARED_DATA, 'intake-formats')],
          fieldMapping: path.join(SHARED_DATA, 'sigma-ecs-mapping.yaml'),
        }).config,
        layerStyle: 'compat',
      };
      const full = await build(config);
      expect(full.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const pages = new Map(full.files.map((f) => [f.path, f.content]));
      const intakes = [...full.catalog!.intakes].sort(
        (a, b) =>
          (full.match!.rulesByIntake.get(b.uuid)?.length ?? 0) - (full.match!.rulesByIntake.get(a.uuid)?.length ?? 0),
      );
      const sample = [...intakes.slice(0, 6), ...intakes.filter((_, i) => i % 40 === 7)];
      for (const intake of sample) {
        const preview = await previewIntake(config, intake.uuid);
        expect(preview.markdown, intake.name).toBe(pages.get(`suggested_rules_${intake.uuid}_do_not_edit_manually.md`));
      }
    });
  },
);

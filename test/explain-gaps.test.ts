/**
 * explain and gaps on a small catalog designed to exercise every rule of
 * matching: AND/OR/NOT, 1 of / all of, keywords, mappings, constants and
 * log sources. Expected answers are written out in full.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type PipelineState } from '../generator/pipeline.js';
import { resolveConfig } from '../generator/config.js';
import { explainPair } from '../generator/match/explain.js';
import { catalogGaps, intakeGaps } from '../generator/match/gaps.js';
import { matchCatalog, type CatalogMatch } from '../generator/match/match-catalog.js';
import { runCli, writeTree, INTAKE_MANIFEST, PARSER } from './tree.js';

const EDR = 'aaaaaaaa-0000-4000-8000-000000000001';
const CLOUD = 'aaaaaaaa-0000-4000-8000-000000000002';
const PROXY = 'aaaaaaaa-0000-4000-8000-000000000003';
const EDR_PARSER = 'intakes/Acme/edr/ingest/parser.yml';

const rule = (id: string, title: string, logsource: string, detection: string, tags = 'attack.t1059') =>
  `title: ${title}\nid: ${id}\ntags: [${tags}]\nlogsource: {${logsource}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;

const FILES: Record<string, string> = {
  'mapping.yml':
    'mappings:\n  - pipeline: win\n    logsource: {product: windows}\n    fields: {Image: process.executable, CommandLine: process.command_line, ParentImage: process.parent.executable}\n',
  'rules/and.yml': rule(
    'r-and',
    'And Rule',
    'product: windows',
    'sel:\n  Image|endswith: a.exe\n  CommandLine|contains: x\ncondition: sel',
  ),
  'rules/or.yml': rule(
    'r-or',
    'Or Rule',
    'product: windows',
    'sel:\n  - Image: a.exe\n  - user.name: bob\ncondition: sel',
  ),
  'rules/not.yml': rule(
    'r-not',
    'Not Rule',
    'product: windows',
    'sel:\n  Image: a.exe\nfilter:\n  host.name: h\ncondition: sel and not filter',
  ),
  'rules/oneof.yml': rule(
    'r-one',
    'One Of Rule',
    'product: windows',
    'sel_a:\n  ParentImage: p.exe\nsel_b:\n  Image: b.exe\ncondition: 1 of sel_*',
  ),
  'rules/allof.yml': rule(
    'r-all',
    'All Of Rule',
    'product: windows',
    'sel_a:\n  ParentImage: p.exe\nsel_b:\n  Image: b.exe\ncondition: all of sel_*',
    'attack.t1059.001',
  ),
  'rules/kw.yml': rule(
    'r-kw',
    'Keyword Rule',
    'product: windows',
    'kw:\n  - mimikatz\nsel:\n  registry.path: x\ncondition: kw and sel',
    'attack.t1112',
  ),
  'rules/const.yml': rule(
    'r-const',
    'Constant Rule',
    'product: acme',
    'sel:\n  cloud.provider: gcp\n  event.action: x\ncondition: sel',
  ),
  'rules/ls.yml': rule('r-ls', 'Proxy Rule', 'category: proxy', 'sel:\n  url.original|contains: x\ncondition: sel'),
  'intakes/Acme/_meta/manifest.yml': INTAKE_MANIFEST('aaaaaaaa-0000-4000-8000-000000000000', 'Acme'),
  'intakes/Acme/edr/_meta/manifest.yml': INTAKE_MANIFEST(EDR, 'Acme Windows EDR'),
  'intakes/Acme/edr/ingest/parser.yml': PARSER({
    'process.executable': '{{parsed.message.image}}',
    'process.command_line': '{{parsed.message.cmd}}',
  }),
  'intakes/Acme/cloud/_meta/manifest.yml': INTAKE_MANIFEST(CLOUD, 'Acme Cloud').replace(
    'slug: acme-cloud',
    'slug: acme-cloud',
  ),
  'intakes/Acme/cloud/ingest/parser.yml': PARSER({
    'event.action': '{{parsed.message.op}}',
    'cloud.provider': 'aws',
    'url.original': '{{parsed.message.url}}',
  }),
  'intakes/Acme/proxy/_meta/manifest.yml': INTAKE_MANIFEST(PROXY, 'Acme Web Proxy'),
  'intakes/Acme/proxy/ingest/parser.yml': PARSER({ 'url.original': '{{parsed.message.url}}' }),
};

let loaded: PipelineState;
let match: CatalogMatch;
let root: string;
const options = () => ({ mode: 'default' as const, ...loaded.matchInputs });
const ruleById = (id: string) => loaded.catalog.rules.find((r) => r.id === id)!;
const intake = (uuid: string) => loaded.catalog.intakes.find((i) => i.uuid === uuid)!;

beforeAll(async () => {
  root = writeTree(FILES);
  const { config } = resolveConfig(root, undefined, {
    rules: [path.join(root, 'rules')],
    intakes: [path.join(root, 'intakes')],
    fieldMapping: ['none', path.join(root, 'mapping.yml')],
  });
  loaded = await runPipeline(config, { noMatch: true });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  match = matchCatalog(loaded.catalog, options());
});

describe('explain', () => {
  it('agrees with the catalog matcher on every pair', () => {
    for (const r of loaded.catalog.rules) {
      for (const i of loaded.catalog.intakes) {
        const applies = match.intakesByRule.get(r)!.includes(i);
        expect(explainPair(r, i, loaded.catalog, options()).applies, `${r.title} × ${i.name}`).toBe(applies);
      }
    }
  });

  it('details an AND selection with mapped fields', () => {
    const e = explainPair(ruleById('r-and'), intake(EDR), loaded.catalog, options());
    expect(e).toMatchObject({ applies: true, reading: 'win', missingFields: [], missingSets: [] });
    expect(e.identifiers).toEqual([
      {
        name: 'sel',
        kind: 'fields',
        fields: ['CommandLine', 'Image'],
        canMatch: true,
        alternatives: [
          {
            canMatch: true,
            tests: [
              {
                test: 'Image|endswith',
                values: ['a.exe'],
                contradicts: [],
                canMatch: true,
                fields: [
                  {
                    field: 'Image',
                    names: ['process.executable'],
                    via: 'pipeline win (mapping.yml:4)',
                    mapping: { pipeline: 'win', place: { file: 'mapping.yml', line: 4, col: 14 } },
                    present: true,
                    carriers: ['process.executable'],
                    // The parser line writing the carrier, and where its template copies the raw field.
                    producers: [
                      {
                        field: 'process.executable',
                        origin: 'parser',
                        place: { file: EDR_PARSER, line: 11, col: 11 },
                        copies: [{ raw: 'parsed.message.image', place: { file: EDR_PARSER, line: 11, col: 34 } }],
                      },
                    ],
                    derived: [],
                  },
                ],
              },
              {
                test: 'CommandLine|contains',
                values: ['x'],
                contradicts: [],
                canMatch: true,
                fields: [
                  {
                    field: 'CommandLine',
                    names: ['process.command_line'],
                    via: 'pipeline win (mapping.yml:4)',
                    mapping: { pipeline: 'win', place: { file: 'mapping.yml', line: 4, col: 41 } },
                    present: true,
                    carriers: ['process.command_line'],
                    // The parser line writing the carrier, and where its template copies the raw field.
                    producers: [
                      {
                        field: 'process.command_line',
                        origin: 'parser',
                        place: { file: EDR_PARSER, line: 12, col: 11 },
                        copies: [{ raw: 'parsed.message.cmd', place: { file: EDR_PARSER, line: 12, col: 36 } }],
                      },
                    ],
                    derived: [],
                  },
                ],
              },
            ],
          },
        ],
      },
    ]);
  });

  it('explains OR, NOT, 1 of, all of and keywords', () => {
    const or = explainPair(ruleById('r-or'), intake(EDR), loaded.catalog, options());
    expect(or.identifiers[0].alternatives.map((a) => a.canMatch)).toEqual([true, false]);
    expect(or.applies).toBe(true);
    const not = explainPair(ruleById('r-not'), intake(EDR), loaded.catalog, options());
    expect(not).toMatchObject({
      applies: true,
      missingFields: ['host.name'],
      condition: { text: 'sel and not filter', canBeTrue: true },
    });
    expect(explainPair(ruleById('r-one'), intake(EDR), loaded.catalog, options()).applies).toBe(true);
    const all = explainPair(ruleById('r-all'), intake(EDR), loaded.catalog, options());
    expect(all).toMatchObject({
      applies: false,
      missingFields: ['process.parent.executable'],
      missingSets: [['process.parent.executable']],
      condition: { text: 'all of sel_*', canBeTrue: false },
    });
    const kw = explainPair(ruleById('r-kw'), intake(EDR), loaded.catalog, options());
    expect(kw.identifiers.map((i) => [i.name, i.kind, i.canMatch])).toEqual([
      ['kw', 'keywords', true],
      ['sel', 'fields', false],
    ]);
    expect(kw.missingSets).toEqual([['registry.path']]);
  });

  it('names the constant that contradicts a value and the log-source evidence', () => {
    const c = explainPair(ruleById('r-const'), intake(CLOUD), loaded.catalog, {
      ...options(),
      features: { derived: true, values: true, logsource: false },
    });
    expect(c.applies).toBe(false);
    expect(c.identifiers[0].alternatives[0].tests[0].contradicts).toEqual([
      { field: 'cloud.provider', constants: ['aws'] },
    ]);
    expect(c.missingSets).toEqual([]);
    const ls = explainPair(ruleById('r-ls'), intake(CLOUD), loaded.catalog, options());
    expect(ls).toMatchObject({
      applies: false,
      logsource: { fits: false, evidence: ['category proxy: no evidence in the intake'] },
      missingSets: [],
    });
    expect(explainPair(ruleById('r-ls'), intake(PROXY), loaded.catalog, options()).logsource.evidence).toEqual([
      'category proxy: web-requests (field url.original) and forward-proxy (intake name matches /(?<!ha|reverse[ _-])proxy|web gateway|\\bswg\\b/)',
    ]);
  });
});

describe('gaps', () => {
  it('ranks the smallest missing field sets by rules then techniques unlocked', () => {
    expect(intakeGaps(intake(EDR), loaded.catalog, match, options())).toEqual([
      {
        fields: ['process.parent.executable'],
        fixes: [{ name: 'process.parent.executable', sigma: ['ParentImage'], readings: ['win'], alternatives: [] }],
        rules: ['All Of Rule'],
        techniques: ['T1059'],
      },
      {
        fields: ['registry.path'],
        fixes: [{ name: 'registry.path', sigma: ['registry.path'], readings: ['win'], alternatives: [] }],
        rules: ['Keyword Rule'],
        techniques: ['T1112'],
      },
      // product "acme" is not in the table: it fits the intakes of the Acme module by name.
      {
        fields: ['cloud.provider', 'event.action'],
        fixes: [
          { name: 'cloud.provider', sigma: ['cloud.provider'], readings: [null], alternatives: [] },
          { name: 'event.action', sigma: ['event.action'], readings: [null], alternatives: [] },
        ],
        rules: ['Constant Rule'],
        techniques: ['T1059'],
      },
    ]);
  });

  it('summarises the catalog', () => {
    const all = catalogGaps(loaded.catalog, match, options());
    expect(all.intakes.map((i) => [i.name, i.applying, i.withinOneSet])).toEqual([
      ['Acme Windows EDR', 4, 3],
      ['Acme Web Proxy', 1, 1],
      ['Acme Cloud', 0, 0], // its constants contradict the only rule whose log source fits it
    ]);
    expect(all.fields).toEqual([
      { field: 'process.parent.executable', rules: 1, intakes: 1 },
      { field: 'registry.path', rules: 1, intakes: 1 },
    ]);
  });
});

describe('near-miss section', () => {
  it('lists, only when asked, the rules one field away on the intake page', async () => {
    const args = ['generate', '--rules', 'rules', '--intakes', 'intakes', '--field-mapping', 'none', 'mapping.yml'];
    expect((await runCli([...args, '--out', 'plain'], root)).code).toBe(0);
    expect((await runCli([...args, '--out', 'near', '--near-miss'], root)).code).toBe(0);
    const page = `suggested_rules_${EDR}_do_not_edit_manually.md`;
    const plain = readFileSync(path.join(root, 'plain', page), 'utf8');
    const near = readFileSync(path.join(root, 'near', page), 'utf8');
    expect(plain).not.toContain('one field away');
    expect(near.startsWith(plain)).toBe(true);
    expect(near.slice(plain.length)).toBe(
      '\n#### Rules one field away\n\nThese rules do not apply to the intake yet: each would if its parser produced one of the fields listed.\n\n' +
        '- All Of Rule: `process.parent.executable`\n- Keyword Rule: `registry.path`\n',
    );
  });
});

describe('explain and gaps on the command line', () => {
  it('prints JSON with applies, missingFields and identifiers', async () => {
    const r = await runCli(
      [
        'explain',
        '--rules',
        'rules',
        '--intakes',
        'intakes',
        '--field-mapping',
        'none',
        'mapping.yml',
        '--rule',
        'All Of Rule',
        '--intake',
        'acme-windows-edr',
        '--json',
      ],
      root,
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout).explanation;
    expect(json.applies).toBe(false);
    expect(json.missingFields).toEqual(['process.parent.executable']);
    expect(
      json.identifiers.map((i: { name: string; fields: string[]; canMatch: boolean }) => [
        i.name,
        i.fields,
        i.canMatch,
      ]),
    ).toEqual([
      ['sel_a', ['ParentImage'], false],
      ['sel_b', ['Image'], true],
    ]);
  });

  it('exits 2 with close matches for unknown or ambiguous names', async () => {
    const r = await runCli(
      ['explain', '--rules', 'rules', '--intakes', 'intakes', '--rule', 'Al Of Rule', '--intake', 'Acme'],
      root,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'rulecat explain: Unknown rule "Al Of Rule"; close matches:\n  All Of Rule (r-all)\n' +
        'rulecat explain: Unknown intake "Acme"; close matches:\n  Acme Cloud (aaaaaaaa-0000-4000-8000-000000000002)\n  Acme Web Proxy (aaaaaaaa-0000-4000-8000-000000000003)\n  Acme Windows EDR (aaaaaaaa-0000-4000-8000-000000000001)\n',
    );
  });

  it('prints gaps as JSON in ranked order', async () => {
    const r = await runCli(
      [
        'gaps',
        '--rules',
        'rules',
        '--intakes',
        'intakes',
        '--field-mapping',
        'none',
        'mapping.yml',
        '--intake',
        EDR,
        '--json',
        '--limit',
        '1',
      ],
      root,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).gaps).toEqual([
      {
        fields: ['process.parent.executable'],
        fixes: [{ name: 'process.parent.executable', sigma: ['ParentImage'], readings: ['win'], alternatives: [] }],
        rules: ['All Of Rule'],
        techniques: ['T1059'],
      },
    ]);
  });
});

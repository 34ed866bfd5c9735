/**
 * gaps and near misses propose one fix per missing Sigma field whatever the
 * naming scheme (two pipelines, names as written), named as the intake names
 * its fields, and say what the parser already does with the raw source;
 * explain names the mapping entry and the parser line behind each field; a
 * copied `X.value` stands for `X` when `X` only wraps that value.
 * Made-up intakes of a made-up vendor, end to end from files.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { explainPair } from '../generator/match/explain.js';
import { intakeGaps, type Gap } from '../generator/match/gaps.js';
import { matchCatalog, type CatalogMatch } from '../generator/match/match-catalog.js';
import { nearMisses } from '../generator/match/near-miss.js';
import { runPipeline, type PipelineState } from '../generator/pipeline.js';
import { INTAKE_MANIFEST, runCli, writeTree } from './tree.js';

const AGENT = 'bbbbbbbb-0000-4000-8000-000000000001';
const STORE = 'bbbbbbbb-0000-4000-8000-000000000002';
const AUDIT = 'bbbbbbbb-0000-4000-8000-000000000003';
const RECORDS = 'bbbbbbbb-0000-4000-8000-000000000004';

const rule = (id: string, title: string, logsource: string, detection: string) =>
  `title: ${title}\nid: ${id}\ntags: [attack.t1059]\nlogsource: {${logsource}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`;

/** A parser with one JSON stage `parsed` and the given `set` actions (YAML lines below `- set:`), with an optional stage filter. */
const parser = (set: string, filter?: string) =>
  `name: test\npipeline:\n  - name: parsed\n    external:\n      name: json.parse-json\n  - name: main\n${filter ? `    filter: "${filter}"\n` : ''}stages:\n  main:\n    actions:\n      - set:\n${set}`;

const FILES: Record<string, string> = {
  // Two readings of Windows rules: ECS names, and every Sigma field below action.properties.
  'mapping.yml': [
    'mappings:',
    '  - pipeline: ecs',
    '    logsource: {product: windows}',
    '    fields: {Image: process.executable, ParentImage: process.parent.executable, Initiated: network.direction}',
    '  - pipeline: props',
    '    logsource: {product: windows}',
    '    unmapped_prefix: action.properties.',
    '    fields: {}',
    '',
  ].join('\n'),
  'rules/parent.yml': rule(
    'r-parent',
    'Parent Rule',
    'product: windows, category: process_creation',
    'sel:\n  ParentImage|endswith: p.exe\n  Image|endswith: c.exe\ncondition: sel',
  ),
  'rules/kind.yml': rule('r-kind', 'Kind Rule', 'product: northwind', 'sel:\n  kind: audit\ncondition: sel'),
  'rules/zone.yml': rule('r-zone', 'Zone Rule', 'product: northwind', 'sel:\n  zone: eu-west\ncondition: sel'),
  'rules/zonevalue.yml': rule(
    'r-zonevalue',
    'Zone Value Rule',
    'product: northwind',
    'sel:\n  ZoneValue: eu-west\ncondition: sel',
  ),
  'rules/data.yml': rule('r-data', 'Data Rule', 'product: northwind', 'sel:\n  data: x\ncondition: sel'),
  'intakes/Northwind/_meta/manifest.yml': INTAKE_MANIFEST('bbbbbbbb-0000-4000-8000-000000000000', 'Northwind'),
  'intakes/Eastwind/_meta/manifest.yml': INTAKE_MANIFEST('bbbbbbbb-0000-4000-8000-00000000000e', 'Eastwind'),
  // ECS naming: process.* fields.
  'intakes/Eastwind/agent/_meta/manifest.yml': INTAKE_MANIFEST(AGENT, 'Eastwind Windows Agent'),
  'intakes/Eastwind/agent/ingest/parser.yml': parser(
    [
      '          process.executable: "{{parsed.message.image}}"',
      '          process.name: "{{parsed.message.name}}"',
      '          process.pid: "{{parsed.message.pid}}"',
      '',
    ].join('\n'),
  ),
  // Event data kept whole below action.properties (and one field declared there).
  // Its name alone says nothing: a data source says these are Windows events.
  'intakes/Eastwind/store/_meta/manifest.yml':
    INTAKE_MANIFEST(STORE, 'Eastwind Windows Store') + 'data_sources:\n  Windows event logs: Event data kept whole\n',
  'intakes/Eastwind/store/ingest/parser.yml': parser('          action.properties: "{{parsed.message}}"\n'),
  'intakes/Eastwind/store/_meta/fields.yml':
    'action.properties.Image:\n  name: action.properties.Image\n  type: keyword\n  description: ""\n',
  'intakes/Eastwind/store/tests/one.json': JSON.stringify(
    { input: { message: '{}' }, expected: { action: { properties: { Image: 'c.exe', User: 'u' } } } },
    null,
    2,
  ),
  // Reads `kind.value` in a filter without copying it; copies `zone.value` (a value wrapper).
  'intakes/Northwind/audit/_meta/manifest.yml': INTAKE_MANIFEST(AUDIT, 'Northwind Audit'),
  'intakes/Northwind/audit/ingest/parser.yml': parser(
    '          cloud.region: "{{parsed.message.zone.value}}"\n          event.reason: "{{parsed.message.zone.localizedValue}}"\n',
    "{{parsed.message.kind.value != 'none'}}",
  ),
  // Copies `data.value`, but also reads `data.path`: `data` is a record, not a value wrapper.
  'intakes/Northwind/records/_meta/manifest.yml': INTAKE_MANIFEST(RECORDS, 'Northwind Records'),
  'intakes/Northwind/records/ingest/parser.yml': parser(
    '          file.path: "{{parsed.message.data.path or parsed.message.data.value}}"\n',
  ),
};

let root: string;
let loaded: PipelineState;
let match: CatalogMatch;
const options = () => ({ mode: 'default' as const, ...loaded.matchInputs });
const ruleById = (id: string) => loaded.catalog.rules.find((r) => r.id === id)!;
const intake = (uuid: string) => loaded.catalog.intakes.find((i) => i.uuid === uuid)!;
const applies = (ruleId: string, uuid: string) => match.intakesByRule.get(ruleById(ruleId))!.includes(intake(uuid));
const gapsOf = (uuid: string): Gap[] => intakeGaps(intake(uuid), loaded.catalog, match, options());
const PARSER_OF = (folder: string) =>
  `intakes/${folder === 'agent' || folder === 'store' ? 'Eastwind' : 'Northwind'}/${folder}/ingest/parser.yml`;

beforeAll(async () => {
  root = writeTree(FILES);
  const { config } = resolveConfig(root, undefined, {
    rules: [path.join(root, 'rules')],
    intakes: [path.join(root, 'intakes')],
    fieldMapping: ['none', path.join(root, 'mapping.yml')],
    cache: false,
  });
  loaded = await runPipeline(config, { noMatch: true });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  match = matchCatalog(loaded.catalog, options());
});

describe('gaps: one suggestion per fix', () => {
  it('names a Sigma field missing under two readings once, in ECS on an intake with ECS process fields', () => {
    // Before: +process.parent.executable and +action.properties.ParentImage, one suggestion each.
    expect(gapsOf(AGENT)).toEqual([
      {
        fields: ['process.parent.executable'],
        fixes: [
          {
            name: 'process.parent.executable',
            sigma: ['ParentImage'],
            readings: ['ecs'],
            alternatives: [{ name: 'action.properties.ParentImage', readings: ['props'] }],
          },
        ],
        rules: ['Parent Rule'],
        techniques: ['T1059'],
      },
    ]);
  });

  it('names it below action.properties on an intake keeping event data there, and says the parser copies it', () => {
    expect(gapsOf(STORE)).toEqual([
      {
        fields: ['action.properties.ParentImage'],
        fixes: [
          {
            name: 'action.properties.ParentImage',
            sigma: ['ParentImage'],
            readings: ['props'],
            alternatives: [{ name: 'process.parent.executable', readings: ['ecs'] }],
            parser: {
              kind: 'copies-object',
              raw: 'parsed.message',
              field: 'action.properties',
              place: { file: PARSER_OF('store'), line: 11, col: 33 },
            },
          },
        ],
        rules: ['Parent Rule'],
        techniques: ['T1059'],
      },
    ]);
  });

  it('never proposes adding a field whose raw source the parser reads: it proposes copying what it reads', () => {
    const gaps = gapsOf(AUDIT);
    expect(gaps.map((g) => [g.fields, g.fixes.map((f) => f.parser), g.rules])).toEqual([
      [
        ['ZoneValue'],
        [
          {
            kind: 'copies',
            raw: 'parsed.message.zone.value',
            field: 'cloud.region',
            place: { file: PARSER_OF('audit'), line: 12, col: 28 },
          },
        ],
        ['Zone Value Rule'],
      ],
      [['data'], [undefined], ['Data Rule']],
      [
        ['kind'],
        [{ kind: 'reads', raw: 'parsed.message.kind.value', place: { file: PARSER_OF('audit'), line: 7, col: 16 } }],
        ['Kind Rule'],
      ],
    ]);
  });

  it('does not take a key of a record for the value of the record', () => {
    // `data.value` is copied, but `data.path` is read too: `data` is a record, so nothing is said about `data`.
    expect(gapsOf(RECORDS).map((g) => [g.fields, g.fixes.map((f) => f.parser)])).toEqual([
      [['ZoneValue'], [undefined]],
      [['data'], [undefined]],
      [['kind'], [undefined]],
      [['zone'], [undefined]],
    ]);
  });

  it('prints the fix: what to copy or declare, the Sigma field and the reading, the other names', async () => {
    const args = ['gaps', '--rules', 'rules', '--intakes', 'intakes', '--field-mapping', 'none', 'mapping.yml'];
    const store = await runCli([...args, '--intake', STORE, '--no-cache'], root);
    expect(store.code).toBe(0);
    expect(store.stdout).toBe(
      `Eastwind Windows Store (${STORE}): 0 rules apply. Missing fields that would unlock more:\n` +
        '  1. declare action.properties.ParentImage: 1 rule, 1 technique (Parent Rule)\n' +
        `       action.properties.ParentImage: Sigma ParentImage (pipeline props); also named process.parent.executable; the parser copies parsed.message whole into action.properties (${PARSER_OF('store')}:11:33): events carrying parsed.message.ParentImage have it, declare it in _meta/fields.yml\n`,
    );
    const audit = await runCli([...args, '--intake', AUDIT, '--no-cache'], root);
    expect(audit.stdout.split('\n').slice(1, 3)).toEqual([
      '  1. copy parsed.message.zone.value → ZoneValue: 1 rule, 1 technique (Zone Value Rule)',
      `       ZoneValue: Sigma ZoneValue (as written); the parser copies parsed.message.zone.value to cloud.region (${PARSER_OF('audit')}:12:28): copy it to ZoneValue too, or map ZoneValue to cloud.region`,
    ]);
    expect(audit.stdout).toContain(
      `  3. copy parsed.message.kind.value → kind: 1 rule, 1 technique (Kind Rule)\n       kind: Sigma kind (as written); the parser reads parsed.message.kind.value (${PARSER_OF('audit')}:7:16) but copies it nowhere\n`,
    );
    expect(audit.stdout).not.toMatch(/\+kind\b/);
    const json = await runCli([...args, '--intake', AGENT, '--json', '--no-cache'], root);
    expect(JSON.parse(json.stdout).gaps[0].fixes[0].alternatives).toEqual([
      { name: 'action.properties.ParentImage', readings: ['props'] },
    ]);
  });

  it('lists each near miss once, in the intake naming', () => {
    const near = (uuid: string) =>
      nearMisses(intake(uuid), loaded.catalog, match, options()).map((m) => [m.rule.title, m.fields]);
    expect(near(AGENT)).toEqual([['Parent Rule', ['process.parent.executable']]]);
    expect(near(STORE)).toEqual([['Parent Rule', ['action.properties.ParentImage']]]);
  });
});

describe('a copied X.value stands for X', () => {
  it('applies a rule naming a value wrapper whose value the parser copies', () => {
    expect(applies('r-zone', AUDIT)).toBe(true);
    const e = explainPair(ruleById('r-zone'), intake(AUDIT), loaded.catalog, options());
    expect(e.identifiers[0].alternatives[0].tests[0].fields[0]).toMatchObject({
      field: 'zone',
      present: true,
      carriers: ['cloud.region'],
      derived: [{ raw: 'parsed.message.zone.value', target: 'cloud.region', how: 'value' }],
    });
  });

  it('does not when the parser reads other keys of X than its value', () => {
    expect(applies('r-data', RECORDS)).toBe(false);
    expect(applies('r-data', AUDIT)).toBe(false);
  });
});

describe('explain names the mapping entry and the parser line', () => {
  it('gives the place of the mapping entry and of the parser key writing the carrier, and of the template copying', () => {
    const e = explainPair(ruleById('r-parent'), intake(AGENT), loaded.catalog, options());
    const image = e.identifiers[0].alternatives[0].tests.find((t) => t.test === 'Image|endswith')!.fields[0];
    expect(image).toMatchObject({
      via: 'pipeline ecs (mapping.yml:4)',
      mapping: { pipeline: 'ecs', place: { file: 'mapping.yml', line: 4, col: 14 } },
      producers: [
        {
          field: 'process.executable',
          origin: 'parser',
          place: { file: PARSER_OF('agent'), line: 11, col: 11 },
          copies: [{ raw: 'parsed.message.image', place: { file: PARSER_OF('agent'), line: 11, col: 34 } }],
        },
      ],
    });
  });

  it('gives the fields.yml entry or the test event when that is where the field comes from', () => {
    const e = explainPair(ruleById('r-parent'), intake(STORE), loaded.catalog, options());
    const image = e.identifiers[0].alternatives[0].tests.find((t) => t.test === 'Image|endswith')!.fields[0];
    expect(image.producers).toEqual([
      {
        field: 'action.properties.Image',
        origin: 'fields.yml',
        place: { file: 'intakes/Eastwind/store/_meta/fields.yml', line: 1, col: 1 },
        copies: [{ raw: 'parsed.message.Image', place: { file: PARSER_OF('store'), line: 11, col: 33 } }],
      },
    ]);
    const store = intake(STORE);
    expect(store.fieldPlaces?.get('action.properties.User')).toEqual({
      file: 'intakes/Eastwind/store/tests/one.json',
      line: 9,
      col: 9,
    });
  });

  it('prints them under each present field, and the value rule', async () => {
    const args = ['explain', '--rules', 'rules', '--intakes', 'intakes', '--field-mapping', 'none', 'mapping.yml'];
    const parent = await runCli([...args, '--rule', 'Parent Rule', '--intake', AGENT, '--no-cache'], root);
    expect(parent.stdout).toContain(
      '    yes Image|endswith → process.executable (pipeline ecs (mapping.yml:4)): present as process.executable\n' +
        `          process.executable: written by the parser at ${PARSER_OF('agent')}:11:11, copying parsed.message.image (${PARSER_OF('agent')}:11:34)\n`,
    );
    const zone = await runCli([...args, '--rule', 'Zone Rule', '--intake', AUDIT, '--no-cache'], root);
    expect(zone.stdout).toContain(
      '    yes zone: present as cloud.region [from the parser: parsed.message.zone.value → cloud.region (the value of zone)]\n' +
        `          cloud.region: written by the parser at ${PARSER_OF('audit')}:12:11, copying parsed.message.zone.value (${PARSER_OF('audit')}:12:28)\n`,
    );
  });
});

describe('gaps on the command line', () => {
  it('escapes control characters of titles and names', async () => {
    const dir = writeTree({
      'rules/bell.yml': rule(
        'r-bell',
        '"Bell \\u0007 Rule"',
        'product: southwind',
        'sel:\n  "odd\\u001bname": x\ncondition: sel',
      ),
      'intakes/Southwind/_meta/manifest.yml': INTAKE_MANIFEST('cccccccc-0000-4000-8000-000000000000', 'Southwind'),
      'intakes/Southwind/one/_meta/manifest.yml': INTAKE_MANIFEST(
        'cccccccc-0000-4000-8000-000000000001',
        'Southwind One',
      ),
      'intakes/Southwind/one/ingest/parser.yml': parser('          event.kind: "{{parsed.message.kind}}"\n'),
    });
    const r = await runCli(
      [
        'gaps',
        '--rules',
        'rules',
        '--intakes',
        'intakes',
        '--field-mapping',
        'none',
        '--intake',
        'Southwind One',
        '--no-cache',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  1. +odd\\x1bname: 1 rule, 1 technique (Bell \\x07 Rule)\n');
    expect(r.stdout).not.toMatch(/[\u0007\u001b]/);
  });
});

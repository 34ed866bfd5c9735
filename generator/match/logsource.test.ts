/**
 * Does a rule's log source fit an intake? Every kind of evidence (module,
 * intake name, description, data sources, constants, test-event values,
 * produced fields, kinds, `unless`), alone and combined, with small
 * hand-written tables and with the shipped table (made-up intakes whose names
 * say nothing, and look-alikes); the evidence lines explain prints; case
 * handling; names not in the table.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { readYamlDocs } from '../load/read-yaml.js';
import { readYamlFile } from '../load/read-yaml-file.js';
import type { Scalar } from '../model/detection.js';
import { buildIntake, type Intake } from '../model/intake.js';
import { logsourceTableProblems, mergeLogsourceTables, readLogsourceTable } from '../model/logsource-table.js';
import type { LogSource } from '../model/rule.js';
import { SHIPPED_LOGSOURCES } from '../package-paths.js';
import { logsourceFit, logsourceParts, namingPlaces, words, type LogsourceTable } from './logsource.js';

interface Spec {
  name: string;
  slug?: string;
  /** Module folder. */
  module?: string;
  /** Module manifest name. */
  moduleName?: string;
  description?: string;
  dataSources?: string[];
  fields?: string[];
  constants?: Record<string, Scalar[]>;
  /** Values seen in test events (a constant the tests contradict is no constant). */
  observed?: Record<string, Scalar[]>;
}

let n = 0;
function intake(spec: Spec): Intake {
  const i = n++;
  const constants = spec.constants ?? {};
  return buildIntake({
    manifest: {
      uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: spec.name,
      slug: spec.slug ?? `slug-${i}`,
      description: spec.description ?? '',
      dataSources: spec.dataSources ?? [],
    },
    manifestFile: `intakes/m/${i}/_meta/manifest.yml`,
    place: { file: `intakes/m/${i}/_meta/manifest.yml`, line: 1, col: 1 },
    folder: `intakes/m/${i}`,
    module: { folder: spec.module ?? 'Neutral', ...(spec.moduleName === undefined ? {} : { name: spec.moduleName }) },
    parser: {
      fields: new Set([...(spec.fields ?? []), ...Object.keys(constants)]),
      literals: new Map(Object.entries(constants)),
      sources: new Map(),
      externals: new Map(),
      reads: new Set(),
    },
    declaredFields: [],
    observed: new Map(Object.entries(spec.observed ?? {})),
    testEvents: 0,
    platformFields: [],
  });
}

/** A table from YAML text; fails on any diagnostic. */
function table(yaml: string): LogsourceTable {
  const diagnostics: Diagnostic[] = [];
  const { docs, diagnostics: problems } = readYamlDocs('table.yml', yaml);
  expect(problems).toEqual([]);
  const t = readLogsourceTable(docs[0], diagnostics);
  expect(diagnostics).toEqual([]);
  return t;
}

const fit = (ls: LogSource, i: Intake, t: LogsourceTable) => logsourceFit(ls, i, t);
const EMPTY: LogsourceTable = { products: {}, services: {}, categories: {} };

describe('words and naming places', () => {
  it('turns a name into lower-case words separated by single spaces', () => {
    expect(words('Palo Alto Networks')).toBe('palo alto networks');
    expect(words('  Cisco_Duo--Admin.Logs  ')).toBe('cisco duo admin logs');
    expect(words('AWS CloudTrail (S3)')).toBe('aws cloudtrail s3');
    expect(words('___')).toBe('');
  });

  it('lists the module folder, module name, intake name and slug, in that order', () => {
    const i = intake({ name: 'Gadget Audit', slug: 'gadget-audit', module: 'GadgetCo', moduleName: 'Gadget Company' });
    expect(namingPlaces(i)).toEqual([
      { text: 'GadgetCo', spaced: ' gadgetco ' },
      { text: 'Gadget Company', spaced: ' gadget company ' },
      { text: 'Gadget Audit', spaced: ' gadget audit ' },
      { text: 'gadget-audit', spaced: ' gadget audit ' },
    ]);
  });
});

describe('evidence items of a hand-written table', () => {
  it('an empty log source fits every intake, with no evidence', () => {
    expect(fit({}, intake({ name: 'Anything' }), EMPTY)).toEqual({ fits: true, evidence: [] });
  });

  it('module: the module folder or the module name, in any case; the evidence names the table spelling', () => {
    const t = table('products:\n  gadget:\n    - module: [GadgetCo, Gadget Company]\n');
    expect(fit({ product: 'gadget' }, intake({ name: 'X', module: 'gadgetco' }), t)).toEqual({
      fits: true,
      evidence: ['product gadget: module GadgetCo'],
    });
    expect(fit({ product: 'gadget' }, intake({ name: 'X', module: 'other', moduleName: 'GADGET COMPANY' }), t)).toEqual(
      {
        fits: true,
        evidence: ['product gadget: module Gadget Company'],
      },
    );
    // The module must be named exactly (not a word of it), and the intake name is no module.
    expect(fit({ product: 'gadget' }, intake({ name: 'GadgetCo', module: 'GadgetCo Extra' }), t)).toEqual({
      fits: false,
      evidence: ['product gadget: no evidence in the intake'],
    });
  });

  it('intake: a case-insensitive regular expression tried on the intake name and on its slug', () => {
    const t = table("products:\n  gadget:\n    - intake: '\\bgadget\\b'\n");
    expect(fit({ product: 'gadget' }, intake({ name: 'The GADGET Audit' }), t)).toEqual({
      fits: true,
      evidence: ['product gadget: intake name matches /\\bgadget\\b/'],
    });
    expect(fit({ product: 'gadget' }, intake({ name: 'Audit', slug: 'gadget-audit' }), t).fits).toBe(true);
    expect(fit({ product: 'gadget' }, intake({ name: 'Gadgets', slug: 'gadgets' }), t).fits).toBe(false);
    // Not the module.
    expect(fit({ product: 'gadget' }, intake({ name: 'Audit', module: 'Gadget' }), t).fits).toBe(false);
  });

  it('dataSource: one of the manifest data sources, in any case; the evidence quotes the table spelling', () => {
    const t = table('categories:\n  webproxy:\n    - dataSource: [Web proxy, Web logs]\n');
    expect(
      fit({ category: 'webproxy' }, intake({ name: 'X', dataSources: ['Network traffic', 'WEB LOGS'] }), t),
    ).toEqual({
      fits: true,
      evidence: ['category webproxy: data source "Web logs"'],
    });
    expect(fit({ category: 'webproxy' }, intake({ name: 'X', dataSources: ['Web proxy logs'] }), t)).toEqual({
      fits: false,
      evidence: ['category webproxy: no evidence in the intake'],
    });
  });

  it('constant: a value the parser always writes, compared as text in any case; one of several values; every field given', () => {
    const t = table(
      [
        'products:',
        '  gadget:',
        '    - constant: {vendor.name: Gadget}',
        '  multi:',
        '    - constant: {vendor.name: [alpha, beta]}',
        '  both:',
        '    - constant: {vendor.name: gadget, vendor.kind: cloud}',
        '  numeric:',
        '    - constant: {event.code: 42, flag: true}',
        '',
      ].join('\n'),
    );
    const gadget = intake({ name: 'X', constants: { 'vendor.name': ['GADGET'] } });
    expect(fit({ product: 'gadget' }, gadget, t)).toEqual({
      fits: true,
      evidence: ['product gadget: constant vendor.name = Gadget'],
    });
    expect(fit({ product: 'multi' }, intake({ name: 'X', constants: { 'vendor.name': ['x', 'beta'] } }), t)).toEqual({
      fits: true,
      evidence: ['product multi: constant vendor.name = beta'],
    });
    expect(fit({ product: 'both' }, gadget, t).fits).toBe(false);
    expect(
      fit(
        { product: 'both' },
        intake({ name: 'X', constants: { 'vendor.name': ['gadget'], 'vendor.kind': ['cloud'] } }),
        t,
      ),
    ).toEqual({
      fits: true,
      evidence: ['product both: constant vendor.name = gadget and constant vendor.kind = cloud'],
    });
    expect(
      fit({ product: 'numeric' }, intake({ name: 'X', constants: { 'event.code': ['42'], flag: [true] } }), t),
    ).toEqual({
      fits: true,
      evidence: ['product numeric: constant event.code = 42 and constant flag = true'],
    });
  });

  it('constant: a field filled from the event, or one whose test events show another value, is no evidence', () => {
    const t = table('products:\n  gadget:\n    - constant: {vendor.name: gadget}\n');
    expect(fit({ product: 'gadget' }, intake({ name: 'X', fields: ['vendor.name'] }), t).fits).toBe(false);
    const contradicted = intake({
      name: 'X',
      constants: { 'vendor.name': ['gadget'] },
      observed: { 'vendor.name': ['gadget', 'other'] },
    });
    expect(fit({ product: 'gadget' }, contradicted, t).fits).toBe(false);
    const confirmed = intake({
      name: 'X',
      constants: { 'vendor.name': ['gadget'] },
      observed: { 'vendor.name': ['gadget'] },
    });
    expect(fit({ product: 'gadget' }, confirmed, t).fits).toBe(true);
  });

  it('anyField: one produced field; `x.*` is any field below x (not x itself, not a sibling prefix); fields compare exactly', () => {
    const t = table('categories:\n  thing:\n    - anyField: [gadget.*, other.field]\n');
    const f = (fields: string[]) => fit({ category: 'thing' }, intake({ name: 'X', fields }), t);
    expect(f(['gadget.a'])).toEqual({ fits: true, evidence: ['category thing: field gadget.*'] });
    expect(f(['gadget.a.b.c'])).toEqual({ fits: true, evidence: ['category thing: field gadget.*'] });
    expect(f(['gadget'])).toEqual({ fits: false, evidence: ['category thing: no evidence in the intake'] });
    expect(f(['gadgetry.a'])).toEqual({ fits: false, evidence: ['category thing: no evidence in the intake'] });
    expect(f(['other.field'])).toEqual({ fits: true, evidence: ['category thing: field other.field'] });
    expect(f(['Other.Field']).fits).toBe(false);
    // The first pattern of the list that holds is named.
    expect(f(['other.field', 'gadget.z'])).toEqual({ fits: true, evidence: ['category thing: field gadget.*'] });
  });

  it('a wildcard is a wildcard only at the end after a dot', () => {
    const t = table("categories:\n  thing:\n    - anyField: ['ga*']\n");
    expect(fit({ category: 'thing' }, intake({ name: 'X', fields: ['gadget'] }), t).fits).toBe(false);
    expect(fit({ category: 'thing' }, intake({ name: 'X', fields: ['ga*'] }), t).fits).toBe(true);
  });

  it('allFields: every field produced; the evidence lists them', () => {
    const t = table('categories:\n  thing:\n    - allFields: [a.b, c.*]\n');
    expect(fit({ category: 'thing' }, intake({ name: 'X', fields: ['a.b', 'c.d'] }), t)).toEqual({
      fits: true,
      evidence: ['category thing: fields a.b, c.*'],
    });
    expect(fit({ category: 'thing' }, intake({ name: 'X', fields: ['a.b'] }), t).fits).toBe(false);
  });

  it('an item holds when all its keys hold; its evidence joins them with "and" in a fixed order', () => {
    // Keys written in another order than the evidence lists them.
    const t = table(
      "products:\n  gadget:\n    - anyField: [g.*]\n      constant: {k: v}\n      dataSource: [DS]\n      intake: 'gad'\n      module: [M]\n",
    );
    const all = intake({ name: 'Gadget', module: 'M', dataSources: ['DS'], fields: ['g.x'], constants: { k: ['v'] } });
    expect(fit({ product: 'gadget' }, all, t)).toEqual({
      fits: true,
      evidence: [
        'product gadget: module M and intake name matches /gad/ and data source "DS" and constant k = v and field g.*',
      ],
    });
    const missingOne = intake({
      name: 'Gadget',
      module: 'M',
      dataSources: ['DS'],
      fields: ['h.x'],
      constants: { k: ['v'] },
    });
    expect(fit({ product: 'gadget' }, missingOne, t).fits).toBe(false);
  });

  it('an entry fits when any of its items holds; the first holding item gives the evidence', () => {
    const t = table(
      "products:\n  gadget:\n    - module: [Gadget]\n    - intake: 'gadget'\n    - dataSource: [Gadget logs]\n",
    );
    const both = intake({ name: 'Gadget Audit', module: 'Gadget', dataSources: ['Gadget logs'] });
    expect(fit({ product: 'gadget' }, both, t).evidence).toEqual(['product gadget: module Gadget']);
    const byName = intake({ name: 'Gadget Audit', dataSources: ['Gadget logs'] });
    expect(fit({ product: 'gadget' }, byName, t).evidence).toEqual(['product gadget: intake name matches /gadget/']);
    expect(fit({ product: 'gadget' }, intake({ name: 'X', dataSources: ['gadget LOGS'] }), t).evidence).toEqual([
      'product gadget: data source "Gadget logs"',
    ]);
  });

  it('unless: the item does not hold when the other item holds', () => {
    const t = table("products:\n  gadget:\n    - module: [Gadget]\n      unless: {intake: 'widget|sprocket'}\n");
    expect(fit({ product: 'gadget' }, intake({ name: 'Gadget Firewall', module: 'Gadget' }), t)).toEqual({
      fits: true,
      evidence: ['product gadget: module Gadget'],
    });
    expect(fit({ product: 'gadget' }, intake({ name: 'Gadget Widget', module: 'Gadget' }), t)).toEqual({
      fits: false,
      evidence: ['product gadget: no evidence in the intake'],
    });
    // A later item still counts.
    const t2 = table(
      'products:\n  gadget:\n    - module: [Gadget]\n      unless: {intake: widget}\n    - dataSource: [Widgets]\n',
    );
    expect(
      fit({ product: 'gadget' }, intake({ name: 'Gadget Widget', module: 'Gadget', dataSources: ['Widgets'] }), t2)
        .evidence,
    ).toEqual(['product gadget: data source "Widgets"']);
  });

  it('an item with no condition, or only an unless that does not hold, always holds', () => {
    const t = table('products:\n  gadget:\n    - {}\n  sprocket:\n    - unless: {module: [Other]}\n');
    expect(fit({ product: 'gadget' }, intake({ name: 'X' }), t)).toEqual({
      fits: true,
      evidence: ['product gadget: always'],
    });
    expect(fit({ product: 'sprocket' }, intake({ name: 'X' }), t)).toEqual({
      fits: true,
      evidence: ['product sprocket: always'],
    });
    expect(fit({ product: 'sprocket' }, intake({ name: 'X', module: 'other' }), t).fits).toBe(false);
  });

  it('an entry with no items fits nothing', () => {
    const t = table('products:\n  gadget: []\n');
    expect(fit({ product: 'gadget' }, intake({ name: 'Gadget' }), t)).toEqual({
      fits: false,
      evidence: ['product gadget: no evidence in the intake'],
    });
  });
});

describe('evidence from descriptions, values and kinds', () => {
  it('description: a case-insensitive regular expression tried on the manifest description', () => {
    const t = table("categories:\n  thing:\n    - description: 'caching (proxy|gateway)'\n");
    expect(fit({ category: 'thing' }, intake({ name: 'X', description: 'A Caching Proxy for the web.' }), t)).toEqual({
      fits: true,
      evidence: ['category thing: description matches /caching (proxy|gateway)/'],
    });
    expect(fit({ category: 'thing' }, intake({ name: 'Caching proxy' }), t).fits).toBe(false);
  });

  it('value: a parser constant or a value of the test events of one of the fields matches; the evidence shows it', () => {
    const t = table("products:\n  gadget:\n    - value: {fields: [os.type, host.os.*], match: '^gad'}\n");
    expect(fit({ product: 'gadget' }, intake({ name: 'X', constants: { 'os.type': ['Gadget OS'] } }), t)).toEqual({
      fits: true,
      evidence: ['product gadget: os.type = "Gadget OS" (parser constant)'],
    });
    expect(
      fit({ product: 'gadget' }, intake({ name: 'X', observed: { 'host.os.name': ['other', 'gadgetry'] } }), t),
    ).toEqual({
      fits: true,
      evidence: ['product gadget: host.os.name = "gadgetry"'],
    });
    // Another field, or no matching value, is no evidence.
    expect(fit({ product: 'gadget' }, intake({ name: 'X', observed: { 'os.name': ['gadget'] } }), t).fits).toBe(false);
    expect(fit({ product: 'gadget' }, intake({ name: 'X', observed: { 'os.type': ['widget'] } }), t).fits).toBe(false);
  });

  it('value atLeast: that many distinct values (compared without case) must match; the evidence counts and shows three', () => {
    const t = table("products:\n  gadget:\n    - value: {fields: [a, b], match: '^/', atLeast: 2}\n");
    const f = (observed: Record<string, Scalar[]>) => fit({ product: 'gadget' }, intake({ name: 'X', observed }), t);
    expect(f({ a: ['/x', 'y'] }).fits).toBe(false);
    expect(f({ a: ['/x', '/X'] }).fits).toBe(false);
    expect(f({ a: ['/x'], b: ['/x', '/y'] })).toEqual({
      fits: true,
      evidence: ['product gadget: 2 values: a = "/x", b = "/y"'],
    });
    expect(f({ a: ['/1', '/2', '/3', '/4'] }).evidence).toEqual([
      'product gadget: 4 values: a = "/1", a = "/2", a = "/3", ...',
    ]);
  });

  it('value only: one of the fields is a parser constant whose every value matches (test values do not count)', () => {
    const t = table("products:\n  gadget:\n    - value: {fields: [os.type], match: '^gad', only: true}\n");
    const f = (spec: Partial<Spec>) => fit({ product: 'gadget' }, intake({ name: 'X', ...spec }), t);
    expect(f({ constants: { 'os.type': ['gadget', 'Gadget 2'] } })).toEqual({
      fits: true,
      evidence: ['product gadget: os.type is always "gadget" or "Gadget 2" (parser constant)'],
    });
    expect(f({ constants: { 'os.type': ['gadget', 'widget'] } }).fits).toBe(false);
    expect(f({ observed: { 'os.type': ['gadget'] } }).fits).toBe(false);
  });

  it('kind: the intake is of each kind named; the evidence names the kind and what made it so', () => {
    const t = table(
      [
        'kinds:',
        '  web:',
        '    - anyField: [url.original]',
        '  outbound:',
        '    - dataSource: [Outbound]',
        '    - kind: [web]',
        "      description: 'forward'",
        'categories:',
        '  relay:',
        '    - kind: [web, outbound]',
        '',
      ].join('\n'),
    );
    const f = (spec: Partial<Spec>) => fit({ category: 'relay' }, intake({ name: 'X', ...spec }), t);
    expect(f({ fields: ['url.original'], dataSources: ['Outbound'] })).toEqual({
      fits: true,
      evidence: ['category relay: web (field url.original) and outbound (data source "Outbound")'],
    });
    expect(f({ fields: ['url.original'], description: 'A forward relay' }).evidence).toEqual([
      'category relay: web (field url.original) and outbound (description matches /forward/ and web (field url.original))',
    ]);
    expect(f({ fields: ['url.original'] }).fits).toBe(false);
    expect(f({ dataSources: ['Outbound'] }).fits).toBe(false);
  });

  it('kind: a kind defined nowhere, or only through itself, holds for no intake (and the table check says why)', () => {
    const t = table(
      [
        'kinds:',
        '  loop:',
        '    - kind: [loop]',
        '  a:',
        '    - kind: [b]',
        '  b:',
        '    - kind: [a]',
        '    - anyField: [x]',
        'products:',
        '  p1:',
        '    - kind: [missing]',
        '  p2:',
        '    - kind: [loop]',
        '  p3:',
        '    - kind: [a]',
        '',
      ].join('\n'),
    );
    const i = intake({ name: 'X' });
    expect(fit({ product: 'p1' }, i, t).fits).toBe(false);
    expect(fit({ product: 'p2' }, i, t).fits).toBe(false);
    expect(fit({ product: 'p3' }, i, t).fits).toBe(false);
    // The cycle a → b → a is cut, and b's second item still counts.
    expect(fit({ product: 'p3' }, intake({ name: 'X', fields: ['x'] }), t)).toEqual({
      fits: true,
      evidence: ['product p3: a (b (field x))'],
    });
    expect(logsourceTableProblems(t)).toEqual([
      'products.p1 uses kind "missing", which is not defined',
      'kind "loop" is defined through itself (loop → loop)',
      'kind "a" is defined through itself (a → b → a)',
    ]);
    expect(logsourceTableProblems(table('kinds:\n  a:\n    - kind: [b]\n  b:\n    - anyField: [x]\n'))).toEqual([]);
  });

  it('unless: a list excludes the item when any of its items holds', () => {
    const t = table("categories:\n  thing:\n    - anyField: [x]\n      unless: [{dataSource: [A]}, {intake: 'b'}]\n");
    const f = (spec: Partial<Spec>) =>
      fit({ category: 'thing' }, intake({ name: 'X', fields: ['x'], ...spec }), t).fits;
    expect(f({})).toBe(true);
    expect(f({ dataSources: ['A'] })).toBe(false);
    expect(f({ name: 'Bee' })).toBe(false);
  });
});

describe('product, service and category together', () => {
  const t = table(
    [
      'products:',
      '  gadget:',
      '    - module: [Gadget]',
      'services:',
      '  gadget/audit:',
      "    - intake: 'audit'",
      '  gadget/*:',
      "    - intake: 'gadget'",
      '  standalone:',
      "    - intake: 'standalone'",
      '  /orphan:',
      "    - intake: 'orphan'",
      'categories:',
      '  widget_events:',
      '    - anyField: [widget.*]',
      '',
    ].join('\n'),
  );
  const audit = intake({ name: 'Gadget Audit', module: 'Gadget', fields: ['widget.id'] });
  const plain = intake({ name: 'Plain Logs', module: 'Gadget' });

  it('gives one evidence line per key, product then service then category, and fits when every key fits', () => {
    expect(fit({ category: 'widget_events', service: 'audit', product: 'gadget' }, audit, t)).toEqual({
      fits: true,
      evidence: [
        'product gadget: module Gadget',
        'service audit: intake name matches /audit/',
        'category widget_events: field widget.*',
      ],
    });
    expect(fit({ product: 'gadget', service: 'audit', category: 'widget_events' }, plain, t)).toEqual({
      fits: false,
      evidence: [
        'product gadget: module Gadget',
        'service audit: no evidence in the intake',
        'category widget_events: no evidence in the intake',
      ],
    });
  });

  it('looks a service up as product/service, then product/*, then the service alone', () => {
    // gadget/audit wins over gadget/*: "Gadget Audit" has "gadget" in its name, but the specific entry asks for "audit".
    expect(
      fit({ product: 'gadget', service: 'audit' }, intake({ name: 'Gadget Other', module: 'Gadget' }), t).evidence,
    ).toEqual(['product gadget: module Gadget', 'service audit: no evidence in the intake']);
    expect(
      fit({ product: 'gadget', service: 'anything' }, intake({ name: 'Gadget Other', module: 'Gadget' }), t).evidence,
    ).toEqual(['product gadget: module Gadget', 'service anything: intake name matches /gadget/']);
    expect(fit({ product: 'other', service: 'standalone' }, intake({ name: 'Standalone Other' }), t).evidence).toEqual([
      'product other: "Standalone Other" names other',
      'service standalone: intake name matches /standalone/',
    ]);
    // A service without a product is looked up as "/service" first, then by itself.
    expect(fit({ service: 'orphan' }, intake({ name: 'Orphan Feed' }), t)).toEqual({
      fits: true,
      evidence: ['service orphan: intake name matches /orphan/'],
    });
    expect(fit({ service: 'standalone' }, intake({ name: 'Standalone Feed' }), t)).toEqual({
      fits: true,
      evidence: ['service standalone: intake name matches /standalone/'],
    });
  });

  it('a service of a known product missing from the table does not restrict; neither does a category missing from the table', () => {
    const t2 = table('products:\n  gadget:\n    - module: [Gadget]\n');
    expect(fit({ product: 'gadget', service: 'unknown', category: 'unknown_category' }, plain, t2)).toEqual({
      fits: true,
      evidence: [
        'product gadget: module Gadget',
        'service unknown: not in the table, not decided by log source',
        'category unknown_category: not in the table, not decided by log source',
      ],
    });
  });
});

describe('names missing from the table', () => {
  it('a product fits an intake whose module folder, module name, intake name or slug holds it as whole words', () => {
    const p = { product: 'gizmo' };
    expect(fit(p, intake({ name: 'Audit', module: 'Gizmo' }), EMPTY)).toEqual({
      fits: true,
      evidence: ['product gizmo: "Gizmo" names gizmo'],
    });
    expect(fit(p, intake({ name: 'Audit', moduleName: 'The Gizmo Co' }), EMPTY).evidence).toEqual([
      'product gizmo: "The Gizmo Co" names gizmo',
    ]);
    expect(fit(p, intake({ name: 'GIZMO audit logs' }), EMPTY).evidence).toEqual([
      'product gizmo: "GIZMO audit logs" names gizmo',
    ]);
    expect(fit(p, intake({ name: 'Audit', slug: 'gizmo-audit' }), EMPTY).evidence).toEqual([
      'product gizmo: "gizmo-audit" names gizmo',
    ]);
    // A word, not a part of one.
    expect(fit(p, intake({ name: 'Gizmos Audit', slug: 'gizmos' }), EMPTY)).toEqual({
      fits: false,
      evidence: ['product gizmo: not in the table and not named by the intake'],
    });
  });

  it('a product of several words (written with _ or -) fits when the words follow each other', () => {
    expect(fit({ product: 'gizmo_works' }, intake({ name: 'Gizmo Works Cloud' }), EMPTY).evidence).toEqual([
      'product gizmo_works: "Gizmo Works Cloud" names gizmo_works',
    ]);
    expect(fit({ product: 'gizmo-works' }, intake({ name: 'gizmo_works' }), EMPTY).fits).toBe(true);
    expect(fit({ product: 'gizmo_works' }, intake({ name: 'Works Gizmo' }), EMPTY).fits).toBe(false);
    expect(fit({ product: 'gizmo_works' }, intake({ name: 'Gizmo Extra Works' }), EMPTY).fits).toBe(false);
  });

  it('a service without a product is a name too', () => {
    expect(fit({ service: 'gizmod' }, intake({ name: 'Gizmod Server' }), EMPTY)).toEqual({
      fits: true,
      evidence: ['service gizmod: "Gizmod Server" names gizmod'],
    });
    expect(fit({ service: 'gizmod' }, intake({ name: 'Server' }), EMPTY)).toEqual({
      fits: false,
      evidence: ['service gizmod: not in the table and not named by the intake'],
    });
  });

  it('says which parts are decided by name alone', () => {
    const t = table('products:\n  gadget:\n    - module: [Gadget]\n');
    const byName = (ls: LogSource) => logsourceParts(ls, t).map((p) => p.byName);
    expect(byName({ product: 'gizmo', service: 's', category: 'c' })).toEqual(['gizmo', undefined, undefined]);
    expect(byName({ product: 'gadget', service: 's' })).toEqual([undefined, undefined]);
    expect(byName({ service: 'gizmod' })).toEqual(['gizmod']);
    expect(byName({ category: 'c' })).toEqual([undefined]);
    // Each part decides like logsourceFit.
    const i = intake({ name: 'Gizmo', module: 'Gadget' });
    expect(logsourceParts({ product: 'gizmo', service: 's' }, t).map((p) => p.fit(i))).toEqual([
      { fits: true, evidence: 'product gizmo: "Gizmo" names gizmo' },
      { fits: true, evidence: 'service s: not in the table, not decided by log source' },
    ]);
  });
});

describe('case of the log-source names', () => {
  const t = table(
    'products:\n  gadget:\n    - anyField: [gadget.*]\nservices:\n  gadget/Audit:\n    - dataSource: [Audit]\ncategories:\n  Widget:\n    - dataSource: [Widgets]\n',
  );
  const i = intake({ name: 'Collector', fields: ['gadget.id'] });

  it('compares names without case, as the lower-case identifiers Sigma writes: rule and table spellings alike', () => {
    expect(fit({ product: 'gadget' }, i, t)).toEqual({ fits: true, evidence: ['product gadget: field gadget.*'] });
    // The evidence names the log source in lower case: what was looked up.
    expect(fit({ product: 'Gadget' }, i, t)).toEqual({ fits: true, evidence: ['product gadget: field gadget.*'] });
    expect(fit({ product: 'GADGET', service: 'audit' }, i, t)).toEqual({
      fits: false,
      evidence: ['product gadget: field gadget.*', 'service audit: no evidence in the intake'],
    });
    // A capitalised category is the table entry: it restricts as the lower-case one does.
    expect(fit({ category: 'Widget' }, i, t)).toEqual({
      fits: false,
      evidence: ['category widget: no evidence in the intake'],
    });
    expect(fit({ category: 'widget' }, intake({ name: 'X', dataSources: ['widgets'] }), t).fits).toBe(true);
    // A table written with capitals is read in lower case.
    expect(Object.keys(t.categories)).toEqual(['widget']);
    expect(Object.keys(t.services)).toEqual(['gadget/audit']);
  });

  it('matches a name missing from the table in any case', () => {
    expect(fit({ product: 'COLLECTOR' }, i, t).evidence).toEqual(['product collector: "Collector" names collector']);
  });

  it('a name is words of letters and digits of any script; a name with none names no intake', () => {
    expect(words('Café_Logs é')).toBe('café logs é');
    const plain = intake({ name: 'Alpha' });
    const accented = intake({ name: 'Café é' });
    expect(fit({ product: 'é' }, plain, EMPTY)).toEqual({
      fits: false,
      evidence: ['product é: not in the table and not named by the intake'],
    });
    expect(fit({ product: 'é' }, accented, EMPTY)).toEqual({ fits: true, evidence: ['product é: "Café é" names é'] });
    expect(fit({ product: 'CAFÉ' }, accented, EMPTY).fits).toBe(true);
    // No letter or digit: no words, so no intake names it (not even one without a module name).
    for (const name of ['-', '__', '!?']) {
      expect(fit({ product: name }, plain, EMPTY).fits, name).toBe(false);
      expect(fit({ service: name }, accented, EMPTY).fits, name).toBe(false);
    }
  });
});

describe('reading a hand-written table', () => {
  const read = (yaml: string) => {
    const diagnostics: Diagnostic[] = [];
    const t = readLogsourceTable(readYamlDocs('ls.yml', yaml).docs[0], diagnostics);
    return { table: t, messages: diagnostics.map(formatDiagnostic) };
  };

  it('reads single names as one-element lists and nested unless items', () => {
    expect(
      read(
        "products:\n  gadget:\n    - module: Gadget\n      anyField: g.*\n      unless: {intake: 'x', dataSource: D}\n",
      ),
    ).toEqual({
      table: {
        kinds: {},
        products: { gadget: [{ module: ['Gadget'], anyField: ['g.*'], unless: [{ intake: 'x', dataSource: ['D'] }] }] },
        services: {},
        categories: {},
      },
      messages: [],
    });
    expect(read('products:\n').table).toEqual({ kinds: {}, ...EMPTY });
  });

  it('reads descriptions, values (one or a list), kinds and lists of unless items; other top-level keys are left alone', () => {
    const { table: t, messages } = read(
      [
        'shared: &f [a.b, c.*]',
        'kinds:',
        '  Thing:',
        '    - description: thing',
        'products:',
        '  gadget:',
        '    - value: {fields: *f, match: ^x, atLeast: 2}',
        '      kind: Thing',
        '      unless: [{module: M}, {value: [{fields: a, match: y, only: true}]}]',
        '',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
    expect(t).toEqual({
      // Kind names keep their case: they are the table's own names, not Sigma's.
      kinds: { Thing: [{ description: 'thing' }] },
      products: {
        gadget: [
          {
            value: [{ fields: ['a.b', 'c.*'], match: '^x', atLeast: 2 }],
            kind: ['Thing'],
            unless: [{ module: ['M'] }, { value: [{ fields: ['a'], match: 'y', only: true }] }],
          },
        ],
      },
      services: {},
      categories: {},
    });
  });

  it('reports each wrong part at its place and drops only the entry holding it', () => {
    const { table: t, messages } = read(
      [
        'products:',
        '  good:',
        '    - module: [G]',
        '  badkey:',
        '    - modules: [G]',
        '  badregex:',
        "    - intake: '(unclosed'",
        '  notalist:',
        '    module: [G]',
        '  badlist:',
        '    - anyField: [a, {b: c}]',
        '  badconstant:',
        '    - constant: [a]',
        '  badunless:',
        '    - unless: [x]',
        '  notanitem:',
        '    - just text',
        '  baddescription:',
        "    - description: '[a'",
        '  badvalue:',
        '    - value: {fields: [a], match: x, atLeast: 0}',
        '  badvaluekey:',
        '    - value: [{fields: [a], match: x, all: true}]',
        '  novaluefields:',
        '    - value: {match: x}',
        '  badvalueregex:',
        "    - value: {fields: a, match: '('}",
        '  badonly:',
        '    - value: {fields: a, match: x, only: yes}',
        '  badkind:',
        '    - kind: [{a: b}]',
        'services: [a]',
        '',
      ].join('\n'),
    );
    expect(t).toEqual({ kinds: {}, products: { good: [{ module: ['G'] }] }, services: {}, categories: {} });
    const item =
      'an evidence item (a map of module, intake, description, dataSource, constant, value, anyField, allFields, kind, unless)';
    const value = 'a map of fields (names), match (a regular expression), atLeast (a count) and only (true)';
    expect(messages).toEqual([
      'ls.yml:5:16: error: Unexpected value, expected one of: module, intake, description, dataSource, constant, value, anyField, allFields, kind, unless [logsource-table]',
      'ls.yml:7:15: error: Unexpected value, expected a valid regular expression [logsource-table]',
      'ls.yml:9:5: error: Unexpected value for "products.notalist", expected a list of evidence items [logsource-table]',
      'ls.yml:11:17: error: Unexpected value, expected a list of names [logsource-table]',
      'ls.yml:13:17: error: Unexpected value, expected a map of field: value [logsource-table]',
      `ls.yml:15:16: error: Unexpected value, expected ${item} [logsource-table]`,
      `ls.yml:17:7: error: Unexpected value, expected ${item} [logsource-table]`,
      'ls.yml:19:20: error: Unexpected value, expected a valid regular expression [logsource-table]',
      'ls.yml:21:47: error: Unexpected value, expected a whole number of at least 1 [logsource-table]',
      `ls.yml:23:15: error: Unexpected value, expected ${value} [logsource-table]`,
      'ls.yml:25:14: error: Unexpected value, expected a list of field names [logsource-table]',
      'ls.yml:27:33: error: Unexpected value, expected a valid regular expression [logsource-table]',
      'ls.yml:29:42: error: Unexpected value, expected true or false [logsource-table]',
      'ls.yml:31:13: error: Unexpected value, expected a list of names [logsource-table]',
      'ls.yml:32:11: error: Unexpected value for "services", expected a map of name: [evidence items] [logsource-table]',
    ]);
    expect(read('[1]').messages).toEqual([
      'ls.yml:1:1: error: Unexpected value at top level, expected kinds, products, services and categories [logsource-table]',
    ]);
  });

  it('an override replaces whole entries of the same name and keeps the others', () => {
    const base = table(
      'products:\n  gadget:\n    - module: [Gadget]\n  sprocket:\n    - module: [Sprocket]\ncategories:\n  c:\n    - anyField: [c.*]\n',
    );
    const override = table("products:\n  gadget:\n    - intake: 'gadget'\n  widget:\n    - module: [Widget]\n");
    const merged = mergeLogsourceTables(base, override);
    expect(merged).toEqual({
      kinds: {},
      products: {
        gadget: [{ intake: 'gadget' }],
        sprocket: [{ module: ['Sprocket'] }],
        widget: [{ module: ['Widget'] }],
      },
      services: {},
      categories: { c: [{ anyField: ['c.*'] }] },
    });
    // The replaced entry's evidence no longer counts.
    expect(fit({ product: 'gadget' }, intake({ name: 'Audit', module: 'Gadget' }), merged).fits).toBe(false);
  });
});

describe('the shipped table', () => {
  const diagnostics: Diagnostic[] = [];
  const doc = readYamlFile(SHIPPED_LOGSOURCES, 'logsources.yaml', diagnostics);
  const shipped = readLogsourceTable(doc!, diagnostics);
  const ev = (ls: LogSource, i: Intake) => fit(ls, i, shipped);

  it('reads without problems', () => {
    expect(diagnostics).toEqual([]);
    expect(Object.keys(shipped.products).length).toBeGreaterThan(10);
  });

  it('cloud products: the provider constant or the vendor module', () => {
    expect(ev({ product: 'aws' }, intake({ name: 'Bucket Events', constants: { 'cloud.provider': ['aws'] } }))).toEqual(
      {
        fits: true,
        evidence: ['product aws: constant cloud.provider = aws'],
      },
    );
    expect(ev({ product: 'aws' }, intake({ name: 'Bucket Events', module: 'AWS' })).evidence).toEqual([
      'product aws: module AWS',
    ]);
    expect(
      ev({ product: 'aws' }, intake({ name: 'Bucket Events', constants: { 'cloud.provider': ['gcp'] } })).fits,
    ).toBe(false);
    expect(
      ev({ product: 'aws', service: 'cloudtrail' }, intake({ name: 'Mirror of CloudTrail', module: 'AWS' })).evidence,
    ).toEqual(['product aws: module AWS', 'service cloudtrail: intake name matches /cloudtrail/']);
    expect(ev({ product: 'aws', service: 'cloudtrail' }, intake({ name: 'Bucket Events', module: 'AWS' })).fits).toBe(
      false,
    );
  });

  it('windows: event-log data sources and fields, a Windows-only constant, or host activity with Windows named or in paths', () => {
    expect(
      ev({ product: 'windows' }, intake({ name: 'Collector', dataSources: ['Windows event logs'] })).evidence,
    ).toEqual(['product windows: data source "Windows event logs"']);
    expect(ev({ product: 'windows' }, intake({ name: 'Collector', fields: ['winlog.event_id'] })).evidence).toEqual([
      'product windows: field winlog.*',
    ]);
    expect(
      ev({ product: 'windows' }, intake({ name: 'Collector', constants: { 'os.family': ['windows'] } })).evidence,
    ).toEqual(['product windows: os.family is always "windows" (parser constant)']);
    const paths = intake({
      name: 'Collector',
      fields: ['process.executable'],
      observed: { 'process.executable': ['C:\\Windows\\System32\\cmd.exe', 'c:\\tools\\x.exe'] },
    });
    expect(ev({ product: 'windows' }, paths).evidence).toEqual([
      'product windows: host-activity (field process.executable) and windows-paths (2 values: process.executable = "C:\\\\Windows\\\\System32\\\\cmd.exe", process.executable = "c:\\\\tools\\\\x.exe")',
    ]);
    // Process fields with no word of Windows, or one Windows path only, are no evidence.
    expect(ev({ product: 'windows' }, intake({ name: 'Collector', fields: ['process.command_line'] })).fits).toBe(
      false,
    );
    const one = intake({
      name: 'Collector',
      fields: ['process.executable'],
      observed: { 'process.executable': ['C:\\Windows\\System32\\cmd.exe'] },
    });
    expect(ev({ product: 'windows' }, one).fits).toBe(false);
  });

  it('an endpoint product whose events name no operating system fits every one (the fields decide); with evidence, only its own', () => {
    const edr = intake({ name: 'Contoso Endpoint Agent', fields: ['file.path'] });
    for (const product of ['windows', 'linux', 'macos'])
      expect(ev({ product }, edr).evidence, product).toEqual([
        `product ${product}: endpoint-any-os (endpoint-said (intake name matches /\\bedr\\b|\\bxdr\\b|\\bepp\\b|endpoint|anti-?virus|\\bhids\\b/) and host-activity (field file.path and endpoint-said (intake name matches /\\bedr\\b|\\bxdr\\b|\\bepp\\b|endpoint|anti-?virus|\\bhids\\b/)))`,
      ]);
    const windowsOnly = intake({
      name: 'Contoso EDR',
      fields: ['process.command_line'],
      observed: { 'host.os.type': ['windows'] },
    });
    expect(['windows', 'linux', 'macos'].map((product) => ev({ product }, windowsOnly).fits)).toEqual([
      true,
      false,
      false,
    ]);
    // An endpoint name without host fields is no evidence.
    expect(ev({ product: 'windows' }, intake({ name: 'Contoso Endpoint Agent' })).fits).toBe(false);
  });

  it('windows channels: event-log intakes only, not endpoint telemetry', () => {
    const edr = intake({
      name: 'Contoso EDR',
      fields: ['process.command_line'],
      observed: { 'host.os.type': ['windows'] },
    });
    expect(ev({ product: 'windows', category: 'process_creation' }, edr).fits).toBe(true);
    expect(ev({ product: 'windows', service: 'security' }, edr)).toEqual({
      fits: false,
      evidence: [
        'product windows: host-activity (field process.command_line) and windows-named (host.os.type = "windows")',
        'service security: no evidence in the intake',
      ],
    });
    expect(
      ev({ product: 'windows', service: 'security' }, intake({ name: 'Collector', fields: ['winlog.channel'] }))
        .evidence,
    ).toEqual(['product windows: field winlog.*', 'service security: field winlog.*']);
    const constant = intake({ name: 'Collector', fields: ['event.code'], constants: { 'os.type': ['windows'] } });
    expect(ev({ product: 'windows', service: 'security' }, constant).evidence).toEqual([
      'product windows: os.type is always "windows" (parser constant)',
      'service security: os.type is always "windows" (parser constant) and field event.code',
    ]);
  });

  it('cisco: the module, unless the intake is Duo or Umbrella', () => {
    expect(ev({ product: 'cisco' }, intake({ name: 'Cisco Switches', module: 'Cisco' })).fits).toBe(true);
    expect(ev({ product: 'cisco' }, intake({ name: 'Cisco Umbrella DNS', module: 'Cisco' })).fits).toBe(false);
    expect(ev({ product: 'cisco' }, intake({ name: 'Duo Admin', module: 'Cisco' })).fits).toBe(false);
    expect(ev({ product: 'cisco_duo' }, intake({ name: 'Duo Admin', module: 'Cisco' })).evidence).toEqual([
      'product cisco_duo: intake name matches /\\bduo\\b/',
    ]);
  });

  it('categories: proxy is not HAProxy, which is a web server; dns needs the question name and a DNS service', () => {
    expect(ev({ category: 'proxy' }, intake({ name: 'Acme Proxy', fields: ['url.original'] })).fits).toBe(true);
    expect(ev({ category: 'proxy' }, intake({ name: 'Acme Proxy' })).fits).toBe(false);
    expect(ev({ category: 'proxy' }, intake({ name: 'HAProxy', fields: ['url.original'] })).fits).toBe(false);
    expect(
      ev({ category: 'webserver' }, intake({ name: 'HAProxy load balancer', fields: ['url.original'] })).fits,
    ).toBe(true);
    expect(ev({ category: 'dns' }, intake({ name: 'Resolver', dataSources: ['DNS records'] })).fits).toBe(false);
    expect(
      ev(
        { category: 'dns' },
        intake({ name: 'Collector', dataSources: ['DNS records'], fields: ['dns.question.name'] }),
      ).evidence,
    ).toEqual(['category dns: field dns.question.name and dns-service (data source "DNS records")']);
    expect(ev({ category: 'dns' }, intake({ name: 'Collector', fields: ['dns.question.name'] })).fits).toBe(false);
  });

  describe('made-up intakes whose names say nothing', () => {
    const FAMILIES: [string, LogSource][] = [
      ['windows', { product: 'windows' }],
      ['linux', { product: 'linux' }],
      ['macos', { product: 'macos' }],
      ['proxy', { category: 'proxy' }],
      ['webserver', { category: 'webserver' }],
      ['dns', { category: 'dns' }],
      ['firewall', { category: 'firewall' }],
    ];
    /** The families among FAMILIES the intake is recognised as. */
    const families = (spec: Spec) => {
      const i = intake(spec);
      return FAMILIES.filter(([, ls]) => ev(ls, i).fits).map(([name]) => name);
    };
    const HTTP = ['url.original', 'url.domain', 'http.request.method', 'user_agent.original'];

    it('a web proxy: its data source, its observer type, a CONNECT request, or users requesting named sites at remote addresses', () => {
      expect(
        families({ name: 'Gateway One', dataSources: ['Web proxy'], fields: ['url.original', 'user_agent.original'] }),
      ).toEqual(['proxy']);
      expect(families({ name: 'Gateway One b', fields: HTTP, constants: { 'observer.type': ['proxy'] } })).toEqual([
        'proxy',
      ]);
      expect(
        families({ name: 'Gateway Two', fields: HTTP, observed: { 'http.request.method': ['CONNECT', 'GET'] } }),
      ).toEqual(['proxy']);
      const users = {
        name: 'Gateway Three',
        dataSources: ['Web logs'],
        fields: [...HTTP, 'url.full', 'user.name', 'destination.ip'],
      };
      expect(families(users)).toEqual(['proxy']);
      expect(ev({ category: 'proxy' }, intake(users)).evidence).toEqual([
        'category proxy: web-requests (field url.original) and forward-proxy (field user.name and fields http.request.method and site-requests (field url.domain and remote-address (field destination.ip)))',
      ]);
    });

    it('a web server: web logs of requests by path with the response, paths seen in its tests, or a server named by its description', () => {
      const front = {
        name: 'Front 7',
        dataSources: ['Web logs'],
        fields: [
          'url.original',
          'url.path',
          'http.request.method',
          'http.response.status_code',
          'user_agent.original',
          'source.ip',
        ],
      };
      expect(families(front)).toEqual(['webserver']);
      expect(ev({ category: 'webserver' }, intake(front)).evidence).toEqual([
        'category webserver: web-requests (field url.original) and serves-http (field url.path and web-logs (data source "Web logs") and server-response (field http.response.status_code))',
      ]);
      expect(
        families({
          name: 'Front 8',
          fields: ['url.original', 'http.request.method'],
          constants: { 'event.category': ['web'] },
          observed: { 'url.original': ['/index.html', '/login?next=/'] },
        }),
      ).toEqual(['webserver']);
      // A reverse proxy says "Web proxy" too: its description makes it a server, and no forward proxy.
      expect(
        families({
          name: 'Edge 4',
          description: 'A reverse proxy in front of the applications.',
          dataSources: ['Web proxy'],
          fields: HTTP,
        }),
      ).toEqual(['webserver']);
    });

    it('Linux, macOS and Windows endpoints: host activity with the system named, or paths of its style seen twice', () => {
      const process = ['process.command_line', 'process.executable', 'process.parent.executable'];
      const sensorK = {
        name: 'Sensor K',
        fields: process,
        observed: {
          'process.executable': ['/usr/bin/curl', '/usr/sbin/sshd'],
          'process.parent.executable': ['/bin/bash'],
        },
      };
      expect(families(sensorK)).toEqual(['linux']);
      expect(ev({ product: 'linux' }, intake(sensorK)).evidence).toEqual([
        'product linux: host-activity (field process.executable) and linux-paths (unix-paths (3 values: process.executable = "/usr/bin/curl", process.executable = "/usr/sbin/sshd", process.parent.executable = "/bin/bash"))',
      ]);
      expect(families({ name: 'Sensor L', fields: process, constants: { 'host.os.type': ['linux'] } })).toEqual([
        'linux',
      ]);
      const sensorM = {
        name: 'Sensor M',
        fields: [...process, 'file.path'],
        observed: {
          'process.executable': ['/usr/bin/osascript', '/Applications/Safari.app/Contents/MacOS/Safari'],
          'file.path': ['/Users/alice/Library/LaunchAgents/com.example.plist'],
        },
      };
      // Unix paths with macOS paths among them: macOS, not Linux; one macOS path beside Unix paths is enough.
      expect(families(sensorM)).toEqual(['macos']);
      expect(
        families({
          name: 'Sensor M3',
          fields: process,
          observed: {
            'process.executable': ['/usr/bin/curl', '/Applications/Utilities/Terminal.app/Contents/MacOS/Terminal'],
            'process.parent.executable': ['/bin/zsh'],
          },
        }),
      ).toEqual(['macos']);
      // One macOS path alone, quoted by some event, is not enough.
      expect(
        families({ name: 'Sensor M4', fields: process, observed: { 'file.path': ['/Users/bob/Downloads/x.dmg'] } }),
      ).toEqual([]);
      expect(families({ name: 'Sensor M2', fields: process, observed: { 'host.os.family': ['macOS'] } })).toEqual([
        'macos',
      ]);
      expect(
        families({
          name: 'Sensor W',
          fields: process,
          observed: { 'process.executable': ['C:\\Windows\\System32\\cmd.exe', '"C:\\Program Files\\App\\app.exe"'] },
        }),
      ).toEqual(['windows']);
      // Every OS its events name, for a sensor on several.
      expect(
        families({ name: 'Sensor X', fields: process, constants: { 'host.os.type': ['windows', 'linux', 'macos'] } }),
      ).toEqual(['windows', 'linux', 'macos']);
    });

    it('a DNS server or resolver: the question name with a DNS data source, observer type or description', () => {
      expect(
        families({ name: 'Resolver 3', dataSources: ['DNS records'], fields: ['dns.question.name', 'source.ip'] }),
      ).toEqual(['dns']);
      expect(
        families({
          name: 'Box 4',
          fields: ['dns.question.name', 'dns.answers.data'],
          constants: { 'observer.type': ['dns'] },
        }),
      ).toEqual(['dns']);
      expect(families({ name: 'Box 5', description: 'A recursive resolver.', fields: ['dns.question.name'] })).toEqual([
        'dns',
      ]);
    });

    it('a firewall: connection fields with its observer type or a network-device data source', () => {
      expect(
        families({
          name: 'Wall 2',
          fields: ['source.ip', 'destination.ip', 'destination.port'],
          constants: { 'observer.type': ['firewall'] },
        }),
      ).toEqual(['firewall']);
      expect(
        families({
          name: 'Box 6',
          dataSources: ['Network device logs'],
          fields: ['source.ip', 'destination.ip', 'destination.port', 'network.transport'],
        }),
      ).toEqual(['firewall']);
    });

    it('an identity provider and cloud audit logs, on a cloud product given by its constants', () => {
      const directory = intake({
        name: 'Directory 5',
        dataSources: ['Authentication logs'],
        fields: ['user.name', 'source.ip', 'user_agent.original', 'url.original'],
        constants: { 'cloud.provider': ['azure'], 'event.category': ['authentication', 'iam'] },
      });
      expect(ev({ product: 'azure', service: 'signinlogs' }, directory)).toEqual({
        fits: true,
        evidence: [
          'product azure: constant cloud.provider = azure',
          'service signinlogs: identity-provider (data source "Authentication logs" and event.category is always "authentication" or "iam" (parser constant))',
        ],
      });
      expect(ev({ product: 'azure', service: 'auditlogs' }, directory).fits).toBe(true);
      expect(ev({ category: 'proxy' }, directory).fits).toBe(false);
      expect(ev({ category: 'webserver' }, directory).fits).toBe(false);
      // Any event of another category: no identity provider.
      const storage = intake({
        name: 'Store 6',
        dataSources: ['Authentication logs'],
        constants: { 'cloud.provider': ['azure'], 'event.category': ['authentication', 'file'] },
      });
      expect(ev({ product: 'azure', service: 'signinlogs' }, storage).fits).toBe(false);
      expect(
        ev(
          { product: 'aws', service: 'cloudtrail' },
          intake({ name: 'Trail 2', constants: { 'cloud.provider': ['aws'], 'cloud.service.name': ['cloudtrail'] } }),
        ).fits,
      ).toBe(true);
      expect(
        ev(
          { product: 'gcp', service: 'gcp.audit' },
          intake({ name: 'Plane 3', dataSources: ['GCP audit logs'], constants: { 'cloud.provider': ['gcp'] } }),
        ).fits,
      ).toBe(true);
      expect(
        ev(
          { product: 'azure', service: 'activitylogs' },
          intake({ name: 'Plane 4', dataSources: ['Azure activity logs'], constants: { 'cloud.provider': ['azure'] } }),
        ).fits,
      ).toBe(true);
    });

    it('look-alikes: an EDR with URLs, a firewall filtering URLs, an alert feed, a network device, a SaaS, web clients', () => {
      const edr = {
        name: 'Sensor Q',
        fields: ['process.command_line', 'process.executable', ...HTTP, 'user.name', 'destination.ip'],
        observed: { 'process.executable': ['C:\\Windows\\explorer.exe', 'C:\\Tools\\dl.exe'] },
      };
      expect(families(edr)).toEqual(['windows']);
      expect(families({ ...edr, dataSources: ['Web proxy'] })).toEqual(['windows']);
      const wall = {
        name: 'Wall 9',
        dataSources: ['Network device logs'],
        fields: [...HTTP, 'user.name', 'source.ip', 'destination.ip', 'destination.port'],
        constants: { 'observer.type': ['firewall'] },
        observed: { 'http.request.method': ['CONNECT', 'GET'] },
      };
      expect(families(wall)).toEqual(['firewall']);
      // Every event an alert: a quoted command line is no telemetry.
      expect(
        families({
          name: 'Alerts 6',
          fields: ['process.command_line', 'process.executable'],
          constants: { 'event.category': ['intrusion_detection'] },
          observed: { 'process.executable': ['C:\\Windows\\cmd.exe', 'C:\\Windows\\regsvr32.exe'] },
        }),
      ).toEqual([]);
      // A network device running Linux that logs the commands typed on it.
      expect(
        families({
          name: 'Box 7',
          fields: ['process.command_line', 'source.ip', 'destination.ip', 'destination.port'],
          constants: { 'os.family': ['linux'], 'observer.type': ['firewall'] },
          observed: { 'process.command_line': ['show running-config'] },
        }),
      ).toEqual(['firewall']);
      // A SaaS logging the API requests it receives, with absolute URLs and no remote address.
      expect(
        families({
          name: 'Portal 8',
          dataSources: ['Application logs', 'Web logs'],
          fields: [...HTTP, 'url.full', 'http.response.status_code', 'user.name'],
          observed: { 'url.original': ['https://portal.example/api/v1/users', 'https://portal.example/login'] },
        }),
      ).toEqual([]);
      // The operating systems of web clients are no endpoint.
      expect(
        families({
          name: 'Gateway One',
          dataSources: ['Web proxy'],
          fields: ['url.original', 'user_agent.original', 'file.path'],
          observed: { 'host.os.type': ['macos', 'windows'] },
        }),
      ).toEqual(['proxy']);
    });
  });

  it('products the table does not know are decided by name; categories it does not know do not restrict', () => {
    expect(ev({ product: 'github' }, intake({ name: 'Github Audit logs' })).evidence).toEqual([
      'product github: "Github Audit logs" names github',
    ]);
    expect(ev({ product: 'github' }, intake({ name: 'Git Hub Audit' })).fits).toBe(false);
    expect(ev({ category: 'process_creation' }, intake({ name: 'Anything' })).evidence).toEqual([
      'category process_creation: not in the table, not decided by log source',
    ]);
    expect(
      ev(
        { product: 'linux', service: 'sshd' },
        intake({ name: 'Bastion', fields: ['auditd.x', 'process.name'], constants: { 'process.name': ['sshd'] } }),
      ).evidence,
    ).toEqual(['product linux: field auditd.*', 'service sshd: process.name is always "sshd" (parser constant)']);
  });
});

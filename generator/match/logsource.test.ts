/**
 * Does a rule's log source fit an intake? Every kind of evidence (module,
 * intake name, data sources, constants, produced fields, `unless`), alone and
 * combined, with small hand-written tables and with the shipped table; the
 * evidence lines explain prints; case handling; names not in the table.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { readYamlDocs } from '../load/read-yaml.js';
import { readYamlFile } from '../load/read-yaml-file.js';
import type { Scalar } from '../model/detection.js';
import { buildIntake, type Intake } from '../model/intake.js';
import { mergeLogsourceTables, readLogsourceTable } from '../model/logsource-table.js';
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
      description: '',
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
    'products:\n  gadget:\n    - anyField: [gadget.*]\ncategories:\n  widget:\n    - dataSource: [Widgets]\n',
  );
  const i = intake({ name: 'Collector', fields: ['gadget.id'] });

  it('looks names up in the table exactly as the rule writes them (a capitalised name is not the table entry)', () => {
    expect(fit({ product: 'gadget' }, i, t)).toEqual({ fits: true, evidence: ['product gadget: field gadget.*'] });
    expect(fit({ product: 'Gadget' }, i, t)).toEqual({
      fits: false,
      evidence: ['product Gadget: not in the table and not named by the intake'],
    });
    expect(fit({ category: 'Widget' }, i, t)).toEqual({
      fits: true,
      evidence: ['category Widget: not in the table, not decided by log source'],
    });
    expect(fit({ category: 'widget' }, i, t).fits).toBe(false);
  });

  it('matches a name missing from the table in any case', () => {
    expect(fit({ product: 'COLLECTOR' }, i, t).evidence).toEqual(['product COLLECTOR: "Collector" names COLLECTOR']);
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
        products: { gadget: [{ module: ['Gadget'], anyField: ['g.*'], unless: { intake: 'x', dataSource: ['D'] } }] },
        services: {},
        categories: {},
      },
      messages: [],
    });
    expect(read('products:\n').table).toEqual(EMPTY);
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
        'services: [a]',
        '',
      ].join('\n'),
    );
    expect(t).toEqual({ products: { good: [{ module: ['G'] }] }, services: {}, categories: {} });
    expect(messages).toEqual([
      'ls.yml:5:16: error: Unexpected value, expected one of: module, intake, dataSource, constant, anyField, allFields, unless [logsource-table]',
      'ls.yml:7:15: error: Unexpected value, expected a valid regular expression [logsource-table]',
      'ls.yml:9:5: error: Unexpected value for "products.notalist", expected a list of evidence items [logsource-table]',
      'ls.yml:11:17: error: Unexpected value, expected a list of names [logsource-table]',
      'ls.yml:13:17: error: Unexpected value, expected a map of field: value [logsource-table]',
      'ls.yml:15:15: error: Unexpected value, expected an evidence item (a map of module, intake, dataSource, constant, anyField, allFields, unless) [logsource-table]',
      'ls.yml:17:7: error: Unexpected value, expected an evidence item (a map of module, intake, dataSource, constant, anyField, allFields, unless) [logsource-table]',
      'ls.yml:18:11: error: Unexpected value for "services", expected a map of name: [evidence items] [logsource-table]',
    ]);
    expect(read('[1]').messages).toEqual([
      'ls.yml:1:1: error: Unexpected value at top level, expected products, services and categories [logsource-table]',
    ]);
  });

  it('an override replaces whole entries of the same name and keeps the others', () => {
    const base = table(
      'products:\n  gadget:\n    - module: [Gadget]\n  sprocket:\n    - module: [Sprocket]\ncategories:\n  c:\n    - anyField: [c.*]\n',
    );
    const override = table("products:\n  gadget:\n    - intake: 'gadget'\n  widget:\n    - module: [Widget]\n");
    const merged = mergeLogsourceTables(base, override);
    expect(merged).toEqual({
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

  it('windows: by name, data source, event-log fields, or an endpoint intake with process fields', () => {
    expect(ev({ product: 'windows' }, intake({ name: 'Contoso Sysmon Collector' })).evidence).toEqual([
      'product windows: intake name matches /\\bwindows\\b|winlogbeat|sysmon|defender/',
    ]);
    expect(
      ev({ product: 'windows' }, intake({ name: 'Collector', dataSources: ['Windows event logs'] })).evidence,
    ).toEqual(['product windows: data source "Windows event logs"']);
    expect(ev({ product: 'windows' }, intake({ name: 'Collector', fields: ['winlog.event_id'] })).evidence).toEqual([
      'product windows: field winlog.*',
    ]);
    expect(
      ev({ product: 'windows' }, intake({ name: 'Contoso Endpoint Agent', fields: ['file.path'] })).evidence,
    ).toEqual([
      'product windows: intake name matches /edr\\b|endpoint|falcon|telemetry|tanium|wazuh|harfang|cybereason/ and field file.path',
    ]);
    // An endpoint name without process fields, or process fields without such a name, is no evidence.
    expect(ev({ product: 'windows' }, intake({ name: 'Contoso Endpoint Agent' })).fits).toBe(false);
    expect(ev({ product: 'windows' }, intake({ name: 'Collector', fields: ['process.command_line'] })).fits).toBe(
      false,
    );
  });

  it('windows channels: event-log intakes only, not endpoint telemetry', () => {
    const edr = intake({ name: 'Contoso EDR', fields: ['process.command_line'] });
    expect(ev({ product: 'windows', category: 'process_creation' }, edr).fits).toBe(true);
    expect(ev({ product: 'windows', service: 'security' }, edr)).toEqual({
      fits: false,
      evidence: [
        'product windows: intake name matches /edr\\b|endpoint|falcon|telemetry|tanium|wazuh|harfang|cybereason/ and field process.command_line',
        'service security: no evidence in the intake',
      ],
    });
    expect(
      ev({ product: 'windows', service: 'security' }, intake({ name: 'Collector', fields: ['winlog.channel'] }))
        .evidence,
    ).toEqual(['product windows: field winlog.*', 'service security: field winlog.*']);
  });

  it('cisco: the module, unless the intake is Duo or Umbrella', () => {
    expect(ev({ product: 'cisco' }, intake({ name: 'Cisco Switches', module: 'Cisco' })).fits).toBe(true);
    expect(ev({ product: 'cisco' }, intake({ name: 'Cisco Umbrella DNS', module: 'Cisco' })).fits).toBe(false);
    expect(ev({ product: 'cisco' }, intake({ name: 'Duo Admin', module: 'Cisco' })).fits).toBe(false);
    expect(ev({ product: 'cisco_duo' }, intake({ name: 'Duo Admin', module: 'Cisco' })).evidence).toEqual([
      'product cisco_duo: intake name matches /\\bduo\\b/',
    ]);
  });

  it('categories: proxy is not HAProxy, which is a web server; dns needs the question name', () => {
    expect(ev({ category: 'proxy' }, intake({ name: 'Acme Proxy' })).fits).toBe(true);
    expect(ev({ category: 'proxy' }, intake({ name: 'HAProxy' })).fits).toBe(false);
    expect(ev({ category: 'webserver' }, intake({ name: 'HAProxy' })).fits).toBe(true);
    expect(ev({ category: 'dns' }, intake({ name: 'Resolver', dataSources: ['DNS records'] })).fits).toBe(false);
    expect(
      ev({ category: 'dns' }, intake({ name: 'Resolver', dataSources: ['DNS records'], fields: ['dns.question.name'] }))
        .evidence,
    ).toEqual(['category dns: data source "DNS records" and field dns.question.name']);
    expect(ev({ category: 'dns' }, intake({ name: 'Resolver', fields: ['dns.question.name'] })).evidence).toEqual([
      'category dns: field dns.question.name',
    ]);
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
      ev({ product: 'linux', service: 'sshd' }, intake({ name: 'Bastion', module: 'OpenSSH', fields: ['auditd.x'] }))
        .evidence,
    ).toEqual(['product linux: field auditd.*', 'service sshd: module OpenSSH']);
  });
});

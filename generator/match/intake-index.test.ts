/**
 * The intake index and the per-intake answers matching uses: which intakes
 * produce a field (bit sets), parser-derived names (raw source paths, their
 * suffixes, raw objects copied into ECS objects, the "same specific last
 * segment" rule), constants grouped across intakes, `fitSet`, and the
 * features switch. The whole-catalog form (bit sets) must answer every
 * question as the one-intake form (booleans) does.
 */
import { describe, expect, it } from 'vitest';
import { ruleFromYaml } from '../../test/builders.js';
import type { FieldTest, Scalar } from '../model/detection.js';
import { buildIntake, type Intake } from '../model/intake.js';
import type { LogSource } from '../model/rule.js';
import { members } from './bitset.js';
import { ruleCanMatch } from './evaluate.js';
import {
  ALL_FEATURES,
  bitsetLattice,
  booleanLattice,
  carriers,
  derivedNames,
  fitSet,
  globRegExp,
  indexIntakes,
  isPattern,
  normaliseName,
  rawSegments,
  valuesCanHold,
  type MatchFeatures,
} from './intake-index.js';
import { logsourceFit, type LogsourceTable } from './logsource.js';
import type { FieldNeed, NeededTest } from './needs.js';
import { ruleNeeds } from './needs.js';

interface Spec {
  name: string;
  module?: string;
  moduleName?: string;
  slug?: string;
  fields?: string[];
  constants?: Record<string, Scalar[]>;
  sources?: Record<string, string[]>;
  externals?: Record<string, string>;
}

let n = 0;
function intake(spec: Spec): Intake {
  const i = n++;
  const constants = spec.constants ?? {};
  return buildIntake({
    manifest: {
      uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: spec.name,
      slug: spec.slug ?? `s${i}`,
      description: '',
      dataSources: [],
    },
    manifestFile: `intakes/${i}/_meta/manifest.yml`,
    place: { file: `intakes/${i}/_meta/manifest.yml`, line: 1, col: 1 },
    folder: `intakes/${i}`,
    module: { folder: spec.module ?? 'Neutral', ...(spec.moduleName === undefined ? {} : { name: spec.moduleName }) },
    parser: {
      fields: new Set([...(spec.fields ?? []), ...Object.keys(constants), ...Object.keys(spec.sources ?? {})]),
      literals: new Map(Object.entries(constants)),
      sources: new Map(Object.entries(spec.sources ?? {})),
      externals: new Map(Object.entries(spec.externals ?? { json_event: 'json.parse-json' })),
      reads: new Set(),
    },
    declaredFields: [],
    observed: new Map(),
    testEvents: 0,
    platformFields: [],
  });
}

const need = (source: string, names: string[] = [source]): FieldNeed => ({ source, names });
const fieldTest = (field: string, values: Scalar[], modifiers: string[] = []): FieldTest => ({
  field,
  modifiers,
  values,
  place: { file: 'r.yml', line: 1, col: 1 },
});
const compared = (field: string, values: Scalar[], names: string[] = [field], modifiers: string[] = []): NeededTest => {
  const n = need(field, names);
  return { test: fieldTest(field, values, modifiers), needs: [n], compared: n };
};

const TABLE: LogsourceTable = {
  products: { gadget: [{ module: ['Gadget'] }], widget: [{ constant: { 'vendor.kind': 'widget' } }] },
  services: { 'gadget/audit': [{ intake: 'audit' }] },
  categories: { things: [{ anyField: ['thing.*'] }] },
};

/** A raw event parsed by stage `json_event`, copied field by field and as a whole. */
const trail = intake({
  name: 'Gadget Audit Trail',
  module: 'Gadget',
  fields: ['event.action', 'event.provider', 'action.properties.Actor.Arn', 'thing.id'],
  sources: {
    'event.action': ['json_event.message.eventName'],
    'event.provider': ['json_event.message.eventSource', 'json_event.message.provider_name'],
    'action.outcome': ['json_event.message.detail.outcome.resultCode'],
    'action.properties.Actor': ['json_event.message.actor'],
    'service.name': ['input.service', 'original.service_label', 'unknown_stage.service'],
  },
});
/** Another vendor: the same ECS fields, other raw names, a constant. */
const other = intake({
  name: 'Widget Events',
  fields: ['event.action', 'vendor.kind'],
  constants: { 'vendor.kind': ['widget'], 'event.severity': [1, 2] },
  sources: { 'event.action': ['parsed.payload.protoPayload.methodName'] },
  externals: { parsed: 'json.parse-json' },
});

describe('names', () => {
  it('compares names without case, _ or -', () => {
    expect(normaliseName('Method_Name')).toBe('methodname');
    expect(normaliseName('method-name')).toBe('methodname');
    expect(normaliseName('a.B_c')).toBe('a.bc');
  });

  it('a raw path is read below an external stage or the input/original roots, normalised', () => {
    expect(rawSegments('json_event.message.Event_Name', trail)).toEqual(['message', 'eventname']);
    expect(rawSegments('input.service', trail)).toEqual(['service']);
    expect(rawSegments('original.a.b', trail)).toEqual(['a', 'b']);
    expect(rawSegments('unknown_stage.service', trail)).toBeUndefined();
    // The stage alone names no field.
    expect(rawSegments('json_event', trail)).toBeUndefined();
    expect(rawSegments('input', trail)).toBeUndefined();
  });

  it('a pattern has a * that matches any run of characters, the rest literally, anchored', () => {
    expect(isPattern('a.*')).toBe(true);
    expect(isPattern('a.b')).toBe(false);
    const re = globRegExp('process.*.name');
    expect(re.test('process.parent.name')).toBe(true);
    expect(re.test('process.a.b.name')).toBe(true);
    expect(re.test('process..name')).toBe(true);
    expect(re.test('processXparentXname')).toBe(false);
    expect(re.test('xprocess.parent.name')).toBe(false);
    expect(re.test('process.parent.names')).toBe(false);
    expect(globRegExp('a+b(c)?').test('a+b(c)?')).toBe(true);
    expect(globRegExp('a+b(c)?').test('aab')).toBe(false);
  });
});

describe('parser-derived names', () => {
  it('path: the raw path below the stage and its container, in any case', () => {
    const action = { raw: 'json_event.message.eventName', target: 'event.action', how: 'path' };
    expect(derivedNames(trail, 'eventName')).toEqual([action]);
    expect(derivedNames(trail, 'event_name')).toEqual([action]);
    expect(derivedNames(trail, 'message.eventName')).toEqual([action]);
    // The stage name is not part of the path (the name rule below still finds it).
    expect(derivedNames(trail, 'json_event.message.eventName')).toEqual([{ ...action, how: 'name' }]);
  });

  it('suffix: a shorter segment suffix of a deeper raw path', () => {
    expect(derivedNames(trail, 'resultCode')).toEqual([
      { raw: 'json_event.message.detail.outcome.resultCode', target: 'action.outcome', how: 'suffix' },
    ]);
    expect(derivedNames(trail, 'outcome.resultCode')).toEqual([
      { raw: 'json_event.message.detail.outcome.resultCode', target: 'action.outcome', how: 'suffix' },
    ]);
    // Only the container segment left out: a path.
    expect(derivedNames(trail, 'detail.outcome.result_code')).toEqual([
      { raw: 'json_event.message.detail.outcome.resultCode', target: 'action.outcome', how: 'path' },
    ]);
    expect(derivedNames(other, 'methodName')).toEqual([
      { raw: 'parsed.payload.protoPayload.methodName', target: 'event.action', how: 'suffix' },
    ]);
    expect(derivedNames(other, 'protoPayload.methodName')).toEqual([
      { raw: 'parsed.payload.protoPayload.methodName', target: 'event.action', how: 'path' },
    ]);
  });

  it('every raw path a field is filled from counts, and the input/original roots; unknown stages do not', () => {
    expect(derivedNames(trail, 'providerName')).toEqual([
      { raw: 'json_event.message.provider_name', target: 'event.provider', how: 'path' },
    ]);
    expect(derivedNames(trail, 'eventSource')).toEqual([
      { raw: 'json_event.message.eventSource', target: 'event.provider', how: 'path' },
    ]);
    expect(derivedNames(trail, 'service')).toEqual([{ raw: 'input.service', target: 'service.name', how: 'path' }]);
    expect(derivedNames(trail, 'service-label')).toEqual([
      { raw: 'original.service_label', target: 'service.name', how: 'path' },
    ]);
  });

  it('a field below a copied raw object maps below its ECS field when the intake produces that field (spelled as produced)', () => {
    expect(derivedNames(trail, 'actor.arn')).toEqual([
      { raw: 'json_event.message.actor.arn', target: 'action.properties.Actor.Arn', how: 'path' },
    ]);
    expect(derivedNames(trail, 'actor.missing')).toEqual([]);
  });

  it('a whole raw event copied into an ECS object maps every field that exists below it', () => {
    const whole = intake({
      name: 'W',
      fields: ['action.properties.TicketOptions', 'action.properties.a.b'],
      sources: { 'action.properties': ['json.event'] },
      externals: { json: 'json.parse-json' },
    });
    expect(derivedNames(whole, 'ticketOptions')).toEqual([
      { raw: 'json.event.ticketOptions', target: 'action.properties.TicketOptions', how: 'path' },
    ]);
    expect(derivedNames(whole, 'a.b')).toEqual([
      { raw: 'json.event.a.b', target: 'action.properties.a.b', how: 'path' },
    ]);
    expect(derivedNames(whole, 'NotBelow')).toEqual([]);
    expect(derivedNames(trail, 'ticketOptions')).toEqual([]);
  });

  it('name: only when no path is found, the same specific last segment (8+ characters once normalised) under any namespace', () => {
    expect(derivedNames(other, 'vendor.audit.method_name')).toEqual([
      { raw: 'parsed.payload.protoPayload.methodName', target: 'event.action', how: 'name' },
    ]);
    expect(derivedNames(trail, 'x.y.Event-Name')).toEqual([
      { raw: 'json_event.message.eventName', target: 'event.action', how: 'name' },
    ]);
    // 7 characters once normalised ("resultcd") is 8: found; "result-c" normalises to 7: not.
    const short = intake({ name: 'S', sources: { a: ['json_event.m.result_c'], b: ['json_event.m.resultcd'] } });
    expect(derivedNames(short, 'ns.resultcd')).toEqual([{ raw: 'json_event.m.resultcd', target: 'b', how: 'name' }]);
    expect(derivedNames(short, 'ns.result-c')).toEqual([]);
    // The name level needs a namespace: a one-segment field is matched by path only.
    expect(derivedNames(trail, 'unrelatedButLong')).toEqual([]);
    // A path match hides name matches.
    const both = intake({
      name: 'B',
      sources: { a: ['json_event.m.eventName'], b: ['json_event.other.deep.x.eventName'] },
    });
    expect(derivedNames(both, 'm.eventName')).toEqual([{ raw: 'json_event.m.eventName', target: 'a', how: 'path' }]);
    expect(derivedNames(both, 'z.eventName')).toEqual([
      { raw: 'json_event.m.eventName', target: 'a', how: 'name' },
      { raw: 'json_event.other.deep.x.eventName', target: 'b', how: 'name' },
    ]);
  });

  it('an intake whose parser copies nothing has no derived names', () => {
    const plain = intake({ name: 'P', fields: ['event.action'] });
    expect(derivedNames(plain, 'eventName')).toEqual([]);
    expect(derivedNames(plain, 'x.eventName')).toEqual([]);
  });
});

describe('carriers and values on one intake', () => {
  it('carriers: the produced names, every produced field a pattern matches, then derived targets when allowed, each once', () => {
    expect(carriers(trail, need('event.action'), false)).toEqual(['event.action']);
    expect(carriers(trail, need('eventName', ['event.action', 'eventName']), false)).toEqual(['event.action']);
    expect(carriers(trail, need('eventName', ['event.action', 'eventName']), true)).toEqual(['event.action']);
    expect(carriers(trail, need('eventName'), true)).toEqual(['event.action']);
    expect(carriers(trail, need('eventName'), false)).toEqual([]);
    expect(carriers(trail, need('event.*'), false)).toEqual(['event.action', 'event.provider']);
    expect(carriers(trail, need('Event.Action'), false)).toEqual([]);
  });

  it('values: only a contradicted constant on every carrier proves a mismatch', () => {
    // Constant contradicted / matched.
    expect(valuesCanHold(other, compared('vendor.kind', ['gadget']), true)).toBe(false);
    expect(valuesCanHold(other, compared('vendor.kind', ['WIDGET']), true)).toBe(true);
    expect(valuesCanHold(other, compared('vendor.kind', ['wid'], ['vendor.kind'], ['startswith']), true)).toBe(true);
    // A field filled from the event holds anything.
    expect(valuesCanHold(other, compared('event.action', ['x']), true)).toBe(true);
    // No carrier at all: nothing is proven (presence is another question).
    expect(valuesCanHold(other, compared('absent', ['x']), true)).toBe(true);
    // Constants of a field the intake does not produce are no proof (event.severity is produced here).
    expect(valuesCanHold(other, compared('event.severity', [3]), true)).toBe(false);
    expect(valuesCanHold(other, compared('event.severity', [2]), true)).toBe(true);
    // One carrier that can hold is enough.
    expect(valuesCanHold(other, compared('k', ['gadget'], ['vendor.kind', 'event.action']), true)).toBe(true);
    // A pattern carrier is never proof.
    expect(valuesCanHold(other, compared('vendor.*', ['gadget'], ['vendor.*']), true)).toBe(true);
    // A test that compares nothing (fieldref, keywords) always holds.
    expect(
      valuesCanHold(
        other,
        {
          test: fieldTest('vendor.kind', ['event.action'], ['fieldref']),
          needs: [need('vendor.kind'), need('event.action')],
        },
        true,
      ),
    ).toBe(true);
  });

  it('values: a derived carrier filled from the event can hold when allowed', () => {
    const mixed = intake({
      name: 'M',
      fields: ['kind'],
      constants: { kind: ['a'] },
      sources: { 'event.kind': ['json_event.message.kind'] },
    });
    expect(valuesCanHold(mixed, compared('kind', ['b']), false)).toBe(false);
    expect(valuesCanHold(mixed, compared('kind', ['b']), true)).toBe(true);
  });
});

const FEATURES: MatchFeatures[] = [];
for (const derived of [true, false])
  for (const values of [true, false])
    for (const logsource of [true, false]) FEATURES.push({ derived, values, logsource });

describe('the features switch on one intake', () => {
  const rule = (logsource: string, sel: string) =>
    ruleFromYaml(
      `title: T\nid: t\nlogsource: {${logsource}}\ndetection:\n  sel:\n${sel.replace(/^/gm, '    ')}\n  condition: sel\n`,
    );
  const applies = (r: ReturnType<typeof rule>, i: Intake, features: Partial<MatchFeatures> = {}) =>
    ruleCanMatch(
      booleanLattice(i, { logsource: r.logsource, features: { ...ALL_FEATURES, ...features }, table: TABLE }),
      ruleNeeds(r),
      'default',
    );

  it('logsource: off, the rule scope is every intake', () => {
    const r = rule('product: widget', 'event.action: x');
    expect(applies(r, trail)).toBe(false);
    expect(applies(r, trail, { logsource: false })).toBe(true);
    expect(booleanLattice(trail, { logsource: r.logsource, features: ALL_FEATURES, table: TABLE }).scope).toBe(false);
    expect(
      booleanLattice(trail, { logsource: r.logsource, features: { ...ALL_FEATURES, logsource: false }, table: TABLE })
        .scope,
    ).toBe(true);
  });

  it('derived: raw names count only with the switch on and where the log source fits (or is not checked)', () => {
    const onTrail = rule('product: gadget', 'eventName: x');
    expect(applies(onTrail, trail)).toBe(true);
    expect(applies(onTrail, trail, { derived: false })).toBe(false);
    const elsewhere = rule('product: widget', 'eventName: x');
    expect(applies(elsewhere, trail, { logsource: false })).toBe(true);
    const offScope = booleanLattice(trail, { logsource: elsewhere.logsource, features: ALL_FEATURES, table: TABLE });
    expect(offScope.field(need('eventName'))).toBe(false);
    expect(offScope.field(need('event.action'))).toBe(true);
  });

  it('values: constants contradict only with the switch on, and only within where the fields are', () => {
    const r = rule('product: widget', 'vendor.kind: gadget');
    expect(applies(r, other)).toBe(false);
    expect(applies(r, other, { values: false })).toBe(true);
    const L = booleanLattice(other, { logsource: r.logsource, features: ALL_FEATURES, table: TABLE });
    expect(L.values(compared('vendor.kind', ['widget']), false)).toBe(false);
    expect(L.values(compared('vendor.kind', ['widget']), true)).toBe(true);
  });
});

describe('the intake index', () => {
  const a = intake({
    name: 'Alpha Feed',
    module: 'Acme',
    moduleName: 'Acme Corp',
    slug: 'alpha-feed',
    fields: ['x.one', 'shared'],
    constants: { kind: ['k1'] },
  });
  const b = intake({
    name: 'Beta Feed',
    module: 'Acme',
    slug: 'beta',
    fields: ['x.two', 'shared'],
    constants: { kind: ['k1'], level: [3] },
  });
  const c = intake({ name: 'Gamma', module: 'Other', slug: 'gamma', fields: ['shared'], constants: { kind: ['k2'] } });
  const index = indexIntakes([a, b, c]);

  it('lists for each produced field the intakes producing it', () => {
    expect(index.size).toBe(3);
    expect(index.intakes).toEqual([a, b, c]);
    expect(index.producers.get('shared')).toEqual([0, 1, 2]);
    expect(index.producers.get('x.one')).toEqual([0]);
    expect(index.producers.get('kind')).toEqual([0, 1, 2]);
    expect(index.producers.get('absent')).toBeUndefined();
  });

  it('groups the intakes holding the same constants for a field', () => {
    const groups = (field: string) => index.constantGroups.get(field)!.map((g) => [g.constants, g.intakes]);
    expect(groups('kind')).toEqual([
      [['k1'], [0, 1]],
      [['k2'], [2]],
    ]);
    expect(groups('level')).toEqual([[[3], [1]]]);
    expect(index.constantsBy.get('kind')).toEqual([0, 1, 2]);
  });

  it('lists the intakes using each word of their names (module folder and name, intake name, slug)', () => {
    expect(index.byWord.get('acme')).toEqual([0, 1]);
    expect(index.byWord.get('corp')).toEqual([0]);
    expect(index.byWord.get('feed')).toEqual([0, 1]);
    expect(index.byWord.get('gamma')).toEqual([2]);
    expect(index.byWord.get('delta')).toBeUndefined();
  });

  it('answers field questions as bit sets: names, patterns, derived names where the log source fits', () => {
    const all = indexIntakes([trail, other, a]);
    const L = bitsetLattice(all, { logsource: { product: 'gadget' }, features: ALL_FEATURES, table: TABLE });
    expect(members(L.scope)).toEqual([0]);
    expect(members(L.field(need('event.action')))).toEqual([0, 1]);
    expect(members(L.field(need('x.*')))).toEqual([2]);
    expect(members(L.field(need('event.action', ['nothing', 'x.one'])))).toEqual([2]);
    // Derived: on the trail only (where gadget fits), not on `other` whose parser also has a methodName.
    expect(members(L.field(need('eventName')))).toEqual([0]);
    expect(members(L.field(need('methodName')))).toEqual([]);
    const unscoped = bitsetLattice(all, {
      logsource: { product: 'gadget' },
      features: { ...ALL_FEATURES, logsource: false },
      table: TABLE,
    });
    expect(members(unscoped.scope)).toEqual([0, 1, 2]);
    expect(members(unscoped.field(need('methodName')))).toEqual([1]);
    const underived = bitsetLattice(all, {
      logsource: { product: 'gadget' },
      features: { ...ALL_FEATURES, derived: false },
      table: TABLE,
    });
    expect(members(underived.field(need('eventName')))).toEqual([]);
  });

  it('answers value questions once per group of intakes sharing constants', () => {
    const L = bitsetLattice(index, { logsource: {}, features: ALL_FEATURES, table: TABLE });
    const everywhere = L.top;
    expect(members(L.values(compared('kind', ['k2']), everywhere))).toEqual([2]);
    expect(members(L.values(compared('kind', ['k*']), everywhere))).toEqual([0, 1, 2]);
    expect(members(L.values(compared('kind', ['none']), everywhere))).toEqual([]);
    // Only within the given set; where the field is not produced nothing is proven.
    expect(members(L.values(compared('kind', ['k2']), L.field(need('x.one'))))).toEqual([]);
    expect(members(L.values(compared('level', ['9']), L.field(need('level'))))).toEqual([]);
    expect(members(L.values(compared('level', [3]), L.field(need('level'))))).toEqual([1]);
    const off = bitsetLattice(index, { logsource: {}, features: { ...ALL_FEATURES, values: false }, table: TABLE });
    expect(members(off.values(compared('kind', ['none']), everywhere))).toEqual([0, 1, 2]);
  });
});

describe('fitSet', () => {
  const intakes = [
    trail,
    other,
    intake({ name: 'Gizmo Audit', module: 'Gizmo Works', fields: ['thing.a'] }),
    intake({ name: 'Audit of things', module: 'Gadget', fields: ['thing.b'] }),
    intake({ name: 'Plain', slug: 'gizmo-works-plain', fields: [] }),
    intake({ name: 'Gizmos', moduleName: 'Works', fields: [] }),
  ];
  const index = indexIntakes(intakes);
  const LOGSOURCES: LogSource[] = [
    {},
    { product: 'gadget' },
    { product: 'gadget', service: 'audit' },
    { product: 'gadget', service: 'other' },
    { product: 'widget' },
    { category: 'things' },
    { product: 'gadget', category: 'things' },
    { product: 'gizmo' },
    { product: 'gizmo_works' },
    { product: 'works' },
    { product: 'absent' },
    { service: 'gizmo' },
    { service: 'audit' },
    { category: 'unknown' },
    { product: 'gizmo', category: 'things' },
  ];

  it('is the set of intakes the log source fits, as logsourceFit decides one by one', () => {
    for (const ls of LOGSOURCES) {
      const expected = intakes.flatMap((i, k) => (logsourceFit(ls, i, TABLE).fits ? [k] : []));
      expect(members(fitSet(index, ls, TABLE)), JSON.stringify(ls)).toEqual(expected);
    }
  });

  it('pins a few answers', () => {
    const fits = (ls: LogSource) => members(fitSet(index, ls, TABLE));
    expect(fits({})).toEqual([0, 1, 2, 3, 4, 5]);
    expect(fits({ product: 'gadget' })).toEqual([0, 3]);
    expect(fits({ product: 'gadget', service: 'audit' })).toEqual([0, 3]);
    expect(fits({ product: 'gadget', category: 'things' })).toEqual([0, 3]);
    expect(fits({ product: 'gizmo_works' })).toEqual([2, 4]);
    expect(fits({ product: 'works' })).toEqual([2, 4, 5]);
    expect(fits({ product: 'absent' })).toEqual([]);
  });

  // A name is words of letters and digits of any script: one without any
  // names no intake (explain and generate agree it fits nothing), and a
  // non-ASCII word is found like any other.
  it('agrees with logsourceFit for names without ASCII letters or digits', () => {
    const some = [intake({ name: 'Alpha' }), intake({ name: 'Beta' }), intake({ name: 'Café é' })];
    const someIndex = indexIntakes(some);
    const one = (ls: LogSource) => some.flatMap((i, k) => (logsourceFit(ls, i, TABLE).fits ? [k] : []));
    for (const ls of [{ product: 'é' }, { product: 'É' }, { product: 'café' }, { product: '-' }, { service: '__' }]) {
      expect(members(fitSet(someIndex, ls, TABLE)), JSON.stringify(ls)).toEqual(one(ls));
    }
    expect(one({ product: 'é' })).toEqual([2]);
    expect(one({ product: '-' })).toEqual([]);
  });
});

describe('the whole-catalog form agrees with the one-intake form', () => {
  const intakes = [
    trail,
    other,
    intake({
      name: 'Gadget Things',
      module: 'Gadget',
      fields: ['thing.id', 'vendor.kind', 'event.action'],
      constants: { 'vendor.kind': ['gadget'] },
    }),
    intake({
      name: 'Widget Audit',
      fields: ['vendor.kind', 'x.y'],
      constants: { 'vendor.kind': ['widget', 'other'] },
      sources: { 'x.y': ['json_event.message.resultCode'] },
    }),
    intake({ name: 'Empty', fields: [] }),
    intake({
      name: 'Gadget Whole',
      module: 'Gadget',
      fields: ['action.properties.TicketOptions'],
      sources: { 'action.properties': ['json.event'] },
      externals: { json: 'json.parse-json' },
    }),
  ];
  const index = indexIntakes(intakes);
  const RULES = [
    ['product: gadget', 'sel:\n  TicketOptions: x\ncondition: sel'],
    ['product: widget', 'sel:\n  ns.method_name: x\ncondition: sel'],
    ['product: gadget', 'sel:\n  eventName: x\ncondition: sel'],
    ['product: gadget, service: audit', 'sel:\n  event.action: x\n  vendor.kind: gadget\ncondition: sel'],
    ['product: widget', 'sel:\n  vendor.kind|startswith: wid\ncondition: sel'],
    ['category: things', 'sel:\n  thing.*: x\ncondition: sel'],
    ['product: gadget', 'sel:\n  actor.arn: x\ncondition: sel'],
    ['product: gadget', 'sel:\n  resultCode: 1\nf:\n  vendor.kind: widget\ncondition: sel and not f'],
    ['product: gizmo', 'sel:\n  event.action: x\ncondition: sel'],
    ['service: audit', 'sel:\n  x.y: 1\ncondition: sel'],
    ['product: gadget', 'sel:\n  - vendor.kind: other\n  - methodName: x\ncondition: sel'],
    ['product: gadget', 'sel:\n  ticketOptions: x\n  vendor.kind: [gadget, widget]\ncondition: 1 of sel*'],
    ['product: widget', 'sel:\n  resultCode: 1\n  vendor.kind: nope\ncondition: sel'],
  ].map(([ls, det], k) =>
    ruleFromYaml(`title: R${k}\nid: r${k}\nlogsource: {${ls}}\ndetection:\n${det.replace(/^/gm, '  ')}\n`),
  );

  it('for every rule, intake, feature combination and mode', () => {
    for (const features of FEATURES) {
      for (const rule of RULES) {
        const context = { logsource: rule.logsource, features, table: TABLE };
        const needs = ruleNeeds(rule);
        for (const mode of ['default', 'strict'] as const) {
          const bits = members(ruleCanMatch(bitsetLattice(index, context), needs, mode));
          const one = intakes.flatMap((i, k) => (ruleCanMatch(booleanLattice(i, context), needs, mode) ? [k] : []));
          expect(bits, `${rule.title} ${JSON.stringify(features)} ${mode}`).toEqual(one);
        }
      }
    }
  });

  it('the battery is not trivial: the features change answers', () => {
    const answers = new Set<string>();
    for (const features of FEATURES) {
      const row = RULES.map((rule) =>
        members(
          ruleCanMatch(
            bitsetLattice(index, { logsource: rule.logsource, features, table: TABLE }),
            ruleNeeds(rule),
            'default',
          ),
        ).join(','),
      );
      answers.add(row.join('|'));
    }
    expect(answers.size).toBe(FEATURES.length);
  });

  // A derived carrier whose target holds constants (a field below a copied raw
  // object that the parser also sets to a literal) is judged against those
  // constants in both forms, whether or not a named carrier is produced too.
  it('agrees when a derived carrier is itself a constant field, and says it cannot match', () => {
    const c = intake({
      name: 'C',
      fields: ['user.domain'],
      constants: { 'user.domain': ['corp'] },
      sources: { user: ['json_event.message.user'] },
    });
    // `actor` is filled from the raw actor object, and `actor.domain` is a literal too.
    const d = intake({
      name: 'D',
      fields: ['actor.domain'],
      constants: { 'actor.domain': ['corp'] },
      sources: { actor: ['json_event.message.actor'] },
    });
    const plain = intake({ name: 'E', fields: ['user.domain'] });
    const intakes = [c, d, plain];
    const index = indexIntakes(intakes);
    const verdicts = (detection: string) => {
      const rule = ruleFromYaml(
        `title: U\nid: u\nlogsource: {product: zz}\ndetection:\n  sel:\n${detection}  condition: sel\n`,
      );
      const context = { logsource: rule.logsource, features: { ...ALL_FEATURES, logsource: false }, table: TABLE };
      const one = intakes.flatMap((i, k) =>
        ruleCanMatch(booleanLattice(i, context), ruleNeeds(rule), 'default') ? [k] : [],
      );
      const bits = members(ruleCanMatch(bitsetLattice(index, context), ruleNeeds(rule), 'default'));
      expect(bits, detection).toEqual(one);
      return bits;
    };
    // Named and derived carrier are the same constant field: no match on C.
    expect(verdicts('    user.domain: other\n')).toEqual([2]);
    expect(verdicts('    user.domain: corp\n')).toEqual([0, 2]);
    // Only a derived carrier (the rule names the raw path): its constants decide.
    expect(verdicts('    message.actor.domain: other\n')).toEqual([]);
    expect(verdicts('    message.actor.domain: CORP\n')).toEqual([1]);
  });
});

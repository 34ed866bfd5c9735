/**
 * Raw objects copied whole into produced objects: which rule fields the
 * copied keys stand for, whatever the depth of the object in the raw event.
 */
import { describe, expect, it } from 'vitest';
import { makeIntake, ruleFromYaml } from '../../test/builders.js';
import { haveShared, shared } from '../../test/shared.js';
import { readIntakes } from '../load/read-intakes.js';
import { hasBit } from './bitset.js';
import { ruleCanMatch } from './evaluate.js';
import { ALL_FEATURES, bitsetLattice, booleanLattice, derivedNames, indexIntakes } from './intake-index.js';
import type { LogsourceTable } from './logsource.js';
import { ruleNeeds } from './needs.js';

const TABLE: LogsourceTable = { products: { acme: [{ module: ['Acme'] }] }, services: {}, categories: {} };

const deep = makeIntake({
  name: 'Acme Records',
  module: 'Acme',
  fields: [
    'action.properties.TargetThing',
    'action.properties.Nested.Inner',
    'vendor.host.name',
    'vendor.host.ip',
    'event.code',
  ],
  sources: {
    // The record sits three levels below the parsed event.
    'action.properties': ['ev.message.payload.record'],
    // An object copied to another place that is not the event's properties.
    'vendor.host': ['ev.message.host'],
    'event.code': ['ev.message.payload.code'],
  },
  externals: { ev: 'json.parse-json' },
});
const top = makeIntake({
  name: 'Acme Flat',
  module: 'Acme',
  fields: ['action.properties.TargetThing'],
  sources: { 'action.properties': ['ev.message'] },
  externals: { ev: 'json.parse-json' },
});
const none = makeIntake({
  name: 'Acme Other',
  module: 'Acme',
  fields: ['event.code'],
  externals: { ev: 'json.parse-json' },
});

describe('an object copied into action.properties from any depth', () => {
  it('carries its keys, at any depth below it, under the target', () => {
    expect(derivedNames(deep, 'TargetThing')).toEqual([
      { raw: 'ev.message.payload.record.TargetThing', target: 'action.properties.TargetThing', how: 'path' },
    ]);
    expect(derivedNames(deep, 'nested.inner')).toEqual([
      { raw: 'ev.message.payload.record.nested.inner', target: 'action.properties.Nested.Inner', how: 'path' },
    ]);
    // Only keys that exist below the target.
    expect(derivedNames(deep, 'Missing')).toEqual([]);
    // As from the parsed event itself.
    expect(derivedNames(top, 'TargetThing')).toEqual([
      { raw: 'ev.message.TargetThing', target: 'action.properties.TargetThing', how: 'path' },
    ]);
  });

  it('does not give the keys of an object copied elsewhere to rule fields named alone', () => {
    expect(derivedNames(deep, 'name')).toEqual([]);
    // Through the object's name they are reached as before.
    expect(derivedNames(deep, 'host.name')).toEqual([
      { raw: 'ev.message.host.name', target: 'vendor.host.name', how: 'path' },
    ]);
  });

  it('makes a rule apply, in the one-pair and the whole-catalog forms alike', () => {
    const rule = ruleFromYaml(
      'title: T\nid: x\nlogsource: {product: acme}\ndetection:\n  sel:\n    TargetThing: x\n  condition: sel\n',
    );
    const context = { logsource: rule.logsource, features: ALL_FEATURES, table: TABLE };
    const all = [deep, top, none];
    const bits = ruleCanMatch(bitsetLattice(indexIntakes(all), context), ruleNeeds(rule), 'default');
    for (const [i, intake] of all.entries()) {
      const one = ruleCanMatch(booleanLattice(intake, context), ruleNeeds(rule), 'default');
      expect(hasBit(bits, i)).toBe(one);
    }
    expect(all.map((_, i) => hasBit(bits, i))).toEqual([true, true, false]);
    const without = ruleCanMatch(
      booleanLattice(deep, { ...context, features: { ...ALL_FEATURES, derived: false } }),
      ruleNeeds(rule),
      'default',
    );
    expect(without).toBe(false);
  });
});

const winlogbeat = haveShared('data', 'intake-formats', 'Beats', 'winlogbeat');

describe.skipIf(!winlogbeat)('the real Winlogbeat intake', () => {
  it('carries winlog.event_data under action.properties: Sigma Windows fields stand for its keys', () => {
    const { intakes, diagnostics } = readIntakes([shared('data', 'intake-formats', 'Beats')], { platformFields: [] });
    const w = intakes.find((i) => i.name === 'Elastic Winlogbeat')!;
    expect(w.sources.get('action.properties')).toEqual(['json.event.winlog.event_data']);
    for (const field of ['TicketOptions', 'ShareName', 'TargetFilename']) {
      expect(derivedNames(w, field)).toContainEqual({
        raw: `json.event.winlog.event_data.${field}`,
        target: `action.properties.${field}`,
        how: 'path',
      });
    }
    // Its one template that is not Jinja (`json.event..winlog`) is reported, not dropped silently.
    expect(
      diagnostics
        .filter((d) => d.code === 'parser-template')
        .map((d) => `${d.file.split('/').slice(-3).join('/')}:${d.line}`),
    ).toEqual(['winlogbeat/ingest/parser.yml:1970']);
  });
});

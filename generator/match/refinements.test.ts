/**
 * The refinements of plain field overlap, each on and off: parser-derived
 * names, constant values, log-source evidence.
 */
import { describe, expect, it } from 'vitest';
import { makeIntake, ruleFromYaml } from '../../test/builders.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { ruleCanMatch } from './evaluate.js';
import {
  ALL_FEATURES,
  bitsetLattice,
  booleanLattice,
  derivedNames,
  indexIntakes,
  type MatchFeatures,
} from './intake-index.js';
import type { LogsourceTable } from './logsource.js';
import { logsourceFit } from './logsource.js';
import { ruleNeeds } from './needs.js';
import { hasBit } from './bitset.js';

const TABLE: LogsourceTable = {
  products: { aws: [{ constant: { 'cloud.provider': 'aws' } }, { module: ['AWS'] }] },
  services: { 'aws/cloudtrail': [{ intake: 'cloudtrail' }] },
  categories: { proxy: [{ dataSource: ['Web proxy'] }] },
};

const trail = makeIntake({
  name: 'AWS CloudTrail',
  module: 'AWS',
  fields: ['event.action', 'event.provider', 'cloud.provider', 'action.properties.userIdentity.arn'],
  constants: { 'cloud.provider': ['aws'] },
  sources: {
    'event.action': ['json_event.message.eventName'],
    'event.provider': ['json_event.message.eventSource'],
    'action.properties.userIdentity': ['json_event.message.userIdentity'],
  },
  externals: { json_event: 'json.parse-json' },
});
const gcp = makeIntake({
  name: 'Google Cloud Audit Logs',
  module: 'Google Cloud',
  fields: ['event.action', 'event.provider', 'cloud.provider'],
  constants: { 'cloud.provider': ['gcp'] },
  sources: { 'event.action': ['json_event.message.methodName'] },
  externals: { json_event: 'json.parse-json' },
});
const proxy = makeIntake({ name: 'Some Proxy', fields: ['url.original', 'event.action'], dataSources: ['Web proxy'] });

function applies(rule: Rule, intake: Intake, features: Partial<MatchFeatures> = {}): boolean {
  const context = { logsource: rule.logsource, features: { ...ALL_FEATURES, ...features }, table: TABLE };
  const single = ruleCanMatch(booleanLattice(intake, context), ruleNeeds(rule), 'default');
  // The whole-catalog form must agree with the one-pair form.
  const all = [trail, gcp, proxy];
  const bits = ruleCanMatch(bitsetLattice(indexIntakes(all), context), ruleNeeds(rule), 'default');
  expect(hasBit(bits, all.indexOf(intake))).toBe(single);
  return single;
}

const rule = (logsource: string, detection: string) =>
  ruleFromYaml(`title: T\nid: x\nlogsource: {${logsource}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`);

describe('parser-derived names', () => {
  const r = rule(
    'product: aws, service: cloudtrail',
    'sel:\n  eventSource: iam.amazonaws.com\n  eventName: CreateUser\ncondition: sel',
  );

  it('map a raw vendor field to the ECS field the parser fills from it (case-insensitive)', () => {
    expect(derivedNames(trail, 'eventname')).toEqual([
      { raw: 'json_event.message.eventName', target: 'event.action', how: 'path' },
    ]);
    expect(applies(r, trail)).toBe(true);
    expect(applies(r, trail, { derived: false })).toBe(false);
  });

  it('map a field below a raw object to the same path below its ECS field', () => {
    expect(derivedNames(trail, 'userIdentity.arn')).toEqual([
      { raw: 'json_event.message.userIdentity.arn', target: 'action.properties.userIdentity.arn', how: 'path' },
    ]);
    expect(derivedNames(trail, 'userIdentity.missing')).toEqual([]);
  });

  it('recognise a name below another namespace when it is specific, ignoring case, _ and -', () => {
    expect(derivedNames(gcp, 'gcp.audit.method_name')).toEqual([
      { raw: 'json_event.message.methodName', target: 'event.action', how: 'name' },
    ]);
    expect(derivedNames(gcp, 'METHOD-NAME')).toEqual([
      { raw: 'json_event.message.methodName', target: 'event.action', how: 'path' },
    ]);
    expect(derivedNames(trail, 'x.event_name')).toEqual([
      { raw: 'json_event.message.eventName', target: 'event.action', how: 'name' },
    ]);
    expect(derivedNames(trail, 'x.name')).toEqual([]); // too generic to match across namespaces
  });

  it('apply only where the rule log source fits', () => {
    const other = rule('product: aws, service: cloudtrail', 'sel:\n  methodName: x\ncondition: sel');
    expect(applies(other, gcp, { logsource: false })).toBe(true);
    expect(applies(other, gcp)).toBe(false);
  });
});

describe('constant values', () => {
  it('rule out a selection whose every value contradicts a constant', () => {
    const r = rule('product: cloud', 'sel:\n  cloud.provider: gcp\n  event.action: x\ncondition: sel');
    expect(applies(r, trail, { logsource: false })).toBe(false);
    expect(applies(r, trail, { logsource: false, values: false })).toBe(true);
    expect(applies(r, gcp, { logsource: false })).toBe(true);
  });

  it('keep a selection with one compatible alternative or a not', () => {
    expect(
      applies(rule('product: cloud', 'sel:\n  cloud.provider|contains: [gcp, aw]\ncondition: sel'), trail, {
        logsource: false,
      }),
    ).toBe(true);
    expect(
      applies(
        rule('product: cloud', 'sel:\n  event.action: x\nf:\n  cloud.provider: gcp\ncondition: sel and not f'),
        trail,
        { logsource: false },
      ),
    ).toBe(true);
  });

  it('never use a field filled from the event as proof', () => {
    expect(
      applies(rule('product: cloud', 'sel:\n  event.action: anything\ncondition: sel'), trail, { logsource: false }),
    ).toBe(true);
  });
});

describe('log-source evidence', () => {
  it('keeps a rule of one product off another product with the same fields', () => {
    const r = rule('product: aws, service: cloudtrail', 'sel:\n  event.action: CreateUser\ncondition: sel');
    expect(applies(r, trail)).toBe(true);
    expect(applies(r, gcp)).toBe(false);
    expect(applies(r, proxy)).toBe(false);
    expect(applies(r, proxy, { logsource: false })).toBe(true);
  });

  it('explains each decision', () => {
    expect(logsourceFit({ product: 'aws', service: 'cloudtrail' }, trail, TABLE).evidence).toEqual([
      'product aws: constant cloud.provider = aws',
      'service cloudtrail: intake name matches /cloudtrail/',
    ]);
    expect(logsourceFit({ category: 'proxy' }, gcp, TABLE)).toEqual({
      fits: false,
      evidence: ['category proxy: no evidence in the intake'],
    });
    expect(logsourceFit({ product: 'google cloud' }, gcp, TABLE).fits).toBe(true); // not in the table: named by the intake
    expect(logsourceFit({ product: 'opencanary' }, gcp, TABLE).evidence).toEqual([
      'product opencanary: not in the table and not named by the intake',
    ]);
    expect(logsourceFit({ category: 'process_creation' }, gcp, TABLE).evidence).toEqual([
      'category process_creation: not in the table, not decided by log source',
    ]);
  });
});

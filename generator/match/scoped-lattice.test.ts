/**
 * Matching a catalog with many intakes keeps, per log source, only the words
 * of the intake bit sets where the log source fits (intake-index.ts, `Words`).
 * The result must be the one-pair answer for every rule and intake, whatever
 * the positions of the fitting intakes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeIntake, ruleFromYaml } from '../../test/builders.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import { ruleCanMatch } from './evaluate.js';
import { ALL_FEATURES, booleanLattice, indexIntakes, scopedLattice } from './intake-index.js';
import type { LogsourceTable } from './logsource.js';
import { matchCatalog } from './match-catalog.js';
import { ruleNeeds } from './needs.js';

const TABLE: LogsourceTable = {
  products: { aws: [{ constant: { 'cloud.provider': 'aws' } }, { module: ['AWS'] }] },
  services: { 'aws/cloudtrail': [{ intake: 'cloudtrail' }] },
  categories: { proxy: [{ dataSource: ['Web proxy'] }] },
};

/** Kinds of intakes; most are "other", so that aws, gcp and proxy scopes are sparse among many intakes. */
const KINDS: Record<string, (n: number) => Intake> = {
  trail: (n) =>
    makeIntake({
      name: `AWS CloudTrail ${n}`,
      module: 'AWS',
      fields: ['event.action', 'event.provider', 'cloud.provider', 'action.properties.userIdentity.arn'],
      constants: { 'cloud.provider': ['aws'], 'event.provider': n % 2 ? ['iam.amazonaws.com'] : ['s3.amazonaws.com'] },
      sources: {
        'event.action': ['json_event.message.eventName'],
        'action.properties.userIdentity': ['json_event.message.userIdentity'],
      },
      externals: { json_event: 'json.parse-json' },
    }),
  gcp: (n) =>
    makeIntake({
      name: `Google Cloud Audit ${n}`,
      module: 'Google Cloud',
      fields: ['event.action', 'event.provider', 'cloud.provider'],
      constants: { 'cloud.provider': ['gcp'] },
      sources: { 'event.action': ['json_event.message.methodName'] },
      externals: { json_event: 'json.parse-json' },
    }),
  proxy: (n) =>
    makeIntake({ name: `Proxy ${n}`, fields: ['url.original', 'event.action'], dataSources: ['Web proxy'] }),
  other: (n) =>
    makeIntake({
      name: `Other ${n}`,
      module: 'Other',
      fields: ['event.action', 'process.executable', ...(n % 3 ? ['cloud.provider'] : [])],
      constants: n % 5 ? {} : { 'cloud.provider': ['aws'] },
    }),
};

const RULES = [
  ['product: aws, service: cloudtrail', 'sel:\n  eventName: CreateUser\ncondition: sel'],
  ['product: aws', 'sel:\n  event.provider: iam.amazonaws.com\n  event.action: x\ncondition: sel'],
  ['product: aws', 'sel:\n  userIdentity.arn|contains: root\ncondition: sel'],
  ['product: gcp', 'sel:\n  methodName: x\ncondition: sel'],
  ['category: proxy', 'sel:\n  url.original|contains: /x\ncondition: sel and not f\nf:\n  event.action: y'],
  ['product: cloud', 'sel:\n  cloud.provider: gcp\n  event.action: x\ncondition: sel'],
  ['product: other', 'sel:\n  process.executable|endswith: a.exe\ncondition: sel'],
  ['category: process_creation', 'sel:\n  - process.executable: a\n  - event.action: b\ncondition: 1 of sel'],
].map(([logsource, detection], i) =>
  ruleFromYaml(`title: R${i}\nid: r${i}\nlogsource: {${logsource}}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`),
);

describe('matching with sets kept to the words of each scope', () => {
  it('gives the one-pair answer for every rule and intake (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('trail', 'gcp', 'proxy')), { maxLength: 8 }),
        (n, specials) => {
          // Mostly "other" intakes, a few of the others at any position: sparse scopes.
          const kinds = Array.from({ length: n }, () => 'other');
          for (const [at, kind] of specials) kinds[at % n] = kind;
          const intakes = kinds.map((k, n) => KINDS[k](n));
          const catalog: Catalog = { rules: RULES, intakes, explicit: new Map(), correlated: new Map() };
          const match = matchCatalog(catalog, { mode: 'default', table: TABLE });
          for (const rule of RULES) {
            const context = { logsource: rule.logsource, features: ALL_FEATURES, table: TABLE };
            const expected = intakes.filter((intake) =>
              ruleCanMatch(booleanLattice(intake, context), ruleNeeds(rule), 'default'),
            );
            expect(match.intakesByRule.get(rule)!.map((i) => i.name)).toEqual(expected.map((i) => i.name));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps only the words where the scope has intakes, when it is sparse', () => {
    const intakes = Array.from({ length: 320 }, (_, n) => (n === 70 || n === 300 ? KINDS.trail(n) : KINDS.other(n)));
    const index = indexIntakes(intakes);
    const context = { logsource: { product: 'aws', service: 'cloudtrail' }, features: ALL_FEATURES, table: TABLE };
    const { lattice, words } = scopedLattice(index, context);
    expect([...(words.kept ?? [])]).toEqual([2, 9]);
    expect(lattice.scope.length).toBe(2);
  });
});

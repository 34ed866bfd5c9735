import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { Diagnostic } from '../diagnostics.js';
import { readMatchInputs } from '../load/read-match-inputs.js';
import { readRuleText } from '../load/read-rules.js';
import { matchCatalog, type CatalogMatch } from './match-catalog.js';
import { buildCatalog, type Catalog } from '../model/catalog.js';
import { buildIntake, type Intake } from '../model/intake.js';
import { DEFAULT_EFFORT_BY_LEVEL, type Rule } from '../model/rule.js';
import { rematch } from './rematch.js';

const diagnostics: Diagnostic[] = [];
const inputs = readMatchInputs({ cwd: '.', cache: false }, diagnostics);
const run = (c: Catalog) => matchCatalog(c, { mode: 'default', ...inputs });

const RULES = [
  'title: Exe\nid: r1\nlogsource: {product: windows}\ndetection: {sel: {process.executable: x}, condition: sel}\n',
  'title: Port\nid: r2\nlogsource: {category: firewall}\ndetection: {sel: {destination.port: 1}, condition: sel}\n',
  'title: User\nid: r3\nlogsource: {}\ndetection: {sel: {user.name: bob}, condition: sel}\n',
  'title: Member\nid: r4\nintakes: [Beta, gamma-slug]\nlogsource: {}\ndetection: {sel: {nothing.here: 1}, condition: sel}\n',
  'title: Either\nid: r5\nlogsource: {}\ndetection: {a: {user.name: x}, b: {destination.port: 2}, condition: a or b}\n',
  'title: Corr\nid: r6\ncorrelation: {type: event_count, rules: [r1, r3], group-by: [user.name], timespan: 5m, condition: {gte: 2}}\n',
  'title: Exe Again\nid: r7\nlogsource: {}\ndetection: {sel: {process.executable: y, user.name: z}, condition: sel}\n',
];

const INTAKES: { uuid: string; names: [string, string]; slug: string; fields: [string[], string[]] }[] = [
  {
    uuid: 'aaaaaaaa-0000-4000-8000-000000000001',
    names: ['Alpha', 'Alpha'],
    slug: 'alpha',
    fields: [['process.executable', 'user.name'], ['process.executable']],
  },
  {
    uuid: 'aaaaaaaa-0000-4000-8000-000000000002',
    names: ['Beta', 'Beta Renamed'],
    slug: 'beta',
    fields: [['destination.port'], ['destination.port', 'user.name']],
  },
  {
    uuid: 'aaaaaaaa-0000-4000-8000-000000000003',
    names: ['Gamma', 'Gamma'],
    slug: 'gamma-slug',
    fields: [['user.name'], []],
  },
  {
    uuid: 'aaaaaaaa-0000-4000-8000-000000000004',
    names: ['Delta', 'Beta'],
    slug: 'delta',
    fields: [[], ['process.executable', 'destination.port', 'user.name']],
  },
];

const parseRule = (i: number): Rule =>
  readRuleText(`rules/${i}.yml`, RULES[i], { effortByLevel: DEFAULT_EFFORT_BY_LEVEL }, [])[0];

function makeIntake(i: number, variant: 0 | 1): Intake {
  const d = INTAKES[i];
  return buildIntake({
    manifest: { uuid: d.uuid, name: d.names[variant], slug: d.slug, description: '', dataSources: [] },
    manifestFile: `intakes/${i}/_meta/manifest.yml`,
    place: { file: `intakes/${i}/_meta/manifest.yml`, line: 1, col: 1 },
    folder: `intakes/${i}`,
    module: { folder: 'M' },
    declaredFields: d.fields[variant],
    observed: new Map(),
    testEvents: 0,
    platformFields: [],
  });
}

const shape = (m: CatalogMatch) =>
  Object.fromEntries([...m.rulesByIntake].map(([uuid, rules]) => [uuid, rules.map((r) => r.id)]));
const byRule = (m: CatalogMatch) =>
  [...m.intakesByRule].map(([r, intakes]) => `${r.id}:${intakes.map((i) => i.name).join(',')}`);

describe('matching again after a change', () => {
  it('equals matching the whole catalog, whatever was added, changed or removed (property)', () => {
    const indices = (n: number) => fc.subarray([...Array(n).keys()]);
    const step = fc.record({
      rules: indices(RULES.length),
      changedRules: indices(RULES.length),
      intakes: indices(INTAKES.length),
      changedIntakes: indices(INTAKES.length),
      variants: fc.array(fc.constantFrom<0 | 1>(0, 1), { minLength: INTAKES.length, maxLength: INTAKES.length }),
    });
    fc.assert(
      fc.property(step, step, (first, second) => {
        const rules1 = new Map(first.rules.map((i) => [i, parseRule(i)]));
        const intakes1 = new Map(first.intakes.map((i) => [i, makeIntake(i, first.variants[i])]));
        const catalog1 = buildCatalog([...rules1.values()], [...intakes1.values()], []);
        const base = { catalog: catalog1, match: run(catalog1) };
        // Unchanged inputs keep their objects, as the workspace keeps unchanged files.
        const rules2 = second.rules.map((i) =>
          rules1.has(i) && !second.changedRules.includes(i) ? rules1.get(i)! : parseRule(i),
        );
        const intakes2 = second.intakes.map((i) =>
          intakes1.has(i) && !second.changedIntakes.includes(i) ? intakes1.get(i)! : makeIntake(i, second.variants[i]),
        );
        const catalog2 = buildCatalog(rules2, intakes2, []);
        const again = rematch(base, catalog2, run);
        const full = run(catalog2);
        expect(shape(again.match)).toEqual(shape(full));
        expect(byRule(again.match)).toEqual(byRule(full));
      }),
      { numRuns: 300 },
    );
  });

  it('matches only the changed rule when one rule changes', () => {
    const rules = [0, 1, 2, 4].map(parseRule);
    const intakes = [0, 1, 2, 3].map((i) => makeIntake(i, 0));
    const catalog1 = buildCatalog(rules, intakes, []);
    const base = { catalog: catalog1, match: run(catalog1) };
    const changed = [...rules];
    changed[1] = parseRule(1);
    const again = rematch(base, buildCatalog(changed, intakes, []), run);
    expect(again.redone).toEqual({ full: false, rules: 1, intakes: 0 });
  });

  it('matches only the changed intake against every rule when one intake changes', () => {
    const rules = [0, 1, 2, 4].map(parseRule);
    const intakes = [0, 1, 2, 3].map((i) => makeIntake(i, 0));
    const catalog1 = buildCatalog(rules, intakes, []);
    const base = { catalog: catalog1, match: run(catalog1) };
    const next = [...intakes];
    next[2] = makeIntake(2, 1);
    const again = rematch(base, buildCatalog(rules, next, []), run);
    expect(again.redone).toEqual({ full: false, rules: 0, intakes: 1 });
    expect(shape(again.match)).toEqual(shape(run(buildCatalog(rules, next, []))));
  });

  it('matches a rule again when an intake rename changes what its intakes: list names', () => {
    const rules = [3].map(parseRule);
    const intakes = [0, 1, 2, 3].map((i) => makeIntake(i, 0));
    const catalog1 = buildCatalog(rules, intakes, []);
    const base = { catalog: catalog1, match: run(catalog1) };
    expect(base.match.intakesByRule.get(rules[0])!.map((i) => i.name)).toEqual(['Beta', 'Gamma']);
    const next = [intakes[0], makeIntake(1, 1), intakes[2], makeIntake(3, 1)];
    const again = rematch(base, buildCatalog(rules, next, []), run);
    expect(again.match.intakesByRule.get(rules[0])!.map((i) => i.name)).toEqual(['Gamma', 'Beta']);
  });

  it('matches a rule again when a name now resolves to another, unchanged intake', () => {
    // Two intakes named Beta: the first one wins. Once it is removed, the unchanged second one is meant.
    const rules = [3].map(parseRule);
    const secondBeta = makeIntake(3, 1);
    const catalog1 = buildCatalog(rules, [makeIntake(1, 0), makeIntake(2, 0), secondBeta], []);
    const base = { catalog: catalog1, match: run(catalog1) };
    expect(base.match.intakesByRule.get(rules[0])!.map((i) => i.uuid)).toEqual([INTAKES[1].uuid, INTAKES[2].uuid]);
    const catalog2 = buildCatalog(rules, [catalog1.intakes[1], secondBeta], []);
    const again = rematch(base, catalog2, run);
    expect(again.redone).toEqual({ full: false, rules: 1, intakes: 0 });
    expect(again.match.intakesByRule.get(rules[0])!.map((i) => i.uuid)).toEqual([INTAKES[2].uuid, INTAKES[3].uuid]);
  });
});

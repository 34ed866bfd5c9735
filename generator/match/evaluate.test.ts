import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeIntake, ruleFromYaml } from '../../test/builders.js';
import type { Condition } from '../model/condition.js';
import type { Alternative, Detection } from '../model/detection.js';
import type { Rule } from '../model/rule.js';
import { hasBit } from './bitset.js';
import { ruleCanMatch, type MatchMode } from './evaluate.js';
import { bitsetLattice, booleanLattice, indexIntakes, type MatchContext } from './intake-index.js';
import { ruleNeeds } from './needs.js';
import type { Intake } from '../model/intake.js';

/** Plain field overlap: the refinements (values, log sources, parser-derived names) are tested elsewhere. */
const PLAIN: MatchContext = {
  logsource: {},
  features: { derived: false, values: false, logsource: false },
  table: { products: {}, services: {}, categories: {} },
};

function applies(rule: Rule, intake: Intake, mode: MatchMode = 'default'): boolean {
  return ruleCanMatch(booleanLattice(intake, PLAIN), ruleNeeds(rule), mode);
}

const rule = (detection: string) =>
  ruleFromYaml(`title: T\nid: 1\nlogsource: {product: test}\ndetection:\n${detection.replace(/^/gm, '  ')}\n`);

describe('applicability of one rule to one intake', () => {
  const proc = makeIntake({ fields: ['process.executable', 'process.command_line', 'user.name'] });
  const net = makeIntake({ fields: ['source.ip', 'destination.ip', 'destination.port'] });

  it('needs every field of a selection (AND)', () => {
    const r = rule(
      'sel:\n  process.executable|endswith: cmd.exe\n  process.command_line|contains: whoami\ncondition: sel',
    );
    expect(applies(r, proc)).toBe(true);
    expect(applies(r, net)).toBe(false);
    expect(applies(r, makeIntake({ fields: ['process.executable'] }))).toBe(false);
  });

  it('needs one map of a list of maps (OR)', () => {
    const r = rule('sel:\n  - process.executable: a\n  - source.ip: 1.2.3.4\ncondition: sel');
    expect(applies(r, proc)).toBe(true);
    expect(applies(r, net)).toBe(true);
    expect(applies(r, makeIntake({ fields: ['host.name'] }))).toBe(false);
  });

  it('lets not X be true anywhere and keywords match anywhere', () => {
    expect(
      applies(
        rule('sel:\n  process.executable: a\nfilter:\n  source.ip: 1.2.3.4\ncondition: sel and not filter'),
        proc,
      ),
    ).toBe(true);
    expect(applies(rule('kw:\n  - mimikatz\ncondition: kw'), net)).toBe(true);
    expect(applies(rule('kw:\n  - mimikatz\nsel:\n  user.name: x\ncondition: kw and sel'), net)).toBe(false);
  });

  it('combines 1 of / all of', () => {
    const one = rule('sel_a:\n  process.executable: a\nsel_b:\n  source.ip: 1.2.3.4\ncondition: 1 of sel_*');
    const all = rule('sel_a:\n  process.executable: a\nsel_b:\n  source.ip: 1.2.3.4\ncondition: all of sel_*');
    expect([applies(one, proc), applies(one, net)]).toEqual([true, true]);
    expect([applies(all, proc), applies(all, net)]).toEqual([false, false]);
    expect(applies(all, makeIntake({ fields: ['process.executable', 'source.ip'] }))).toBe(true);
  });

  it('needs fieldref targets, not fields tested against null or exists: false', () => {
    const ref = rule('sel:\n  user.name|fieldref: user.target.name\ncondition: sel');
    expect(applies(ref, proc)).toBe(false);
    expect(applies(ref, makeIntake({ fields: ['user.name', 'user.target.name'] }))).toBe(true);
    const absent = rule(
      'sel:\n  process.executable: a\n  process.parent.executable: null\n  host.name|exists: false\ncondition: sel',
    );
    expect(applies(absent, proc)).toBe(true);
    expect(applies(absent, proc, 'strict')).toBe(false);
  });

  it('in strict mode needs every referenced field, filters included', () => {
    const r = rule('sel:\n  process.executable: a\nfilter:\n  source.ip: 1.2.3.4\ncondition: sel and not filter');
    expect(applies(r, proc, 'strict')).toBe(false);
    expect(applies(r, makeIntake({ fields: ['process.executable', 'source.ip'] }), 'strict')).toBe(true);
  });

  it('is case-sensitive on field names', () => {
    expect(applies(rule('sel:\n  Process.Executable: a\ncondition: sel'), proc)).toBe(false);
  });
});

// ---- properties over random detections ------------------------------------

const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const field = fc.constantFrom(...FIELDS);
const test = fc.record({
  field,
  modifiers: fc.subarray(['contains', 'fieldref', 'exists']),
  values: fc.array(fc.oneof(fc.constant(null), fc.constantFrom(...FIELDS), fc.boolean()), {
    minLength: 1,
    maxLength: 2,
  }),
  place: fc.constant({ file: 'x', line: 1, col: 1 }),
});
const alternative: fc.Arbitrary<Alternative> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(test, { minLength: 1, maxLength: 3 }).map((tests) => ({ kind: 'fields' as const, tests })),
  },
  { weight: 1, arbitrary: fc.constant<Alternative>({ kind: 'keywords', values: ['kw'] }) },
);
const NAMES = ['s1', 's2', 's3'];
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NAMES).map((name) => ({ kind: 'ref' as const, name })),
    fc.record({ kind: fc.constant('not' as const), item: tie('c') }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('c'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('of' as const),
      quantifier: fc.constantFrom('one' as const, 'all' as const),
      pattern: fc.constant('s*'),
      names: fc.constant(NAMES),
    }),
  ),
})).c;
const detection: fc.Arbitrary<Detection> = fc.record({
  identifiers: fc.tuple(
    ...NAMES.map((name) =>
      fc
        .array(alternative, { minLength: 1, maxLength: 2 })
        .map((alternatives) => ({ name, alternatives, place: { file: 'x', line: 1, col: 1 } })),
    ),
  ),
  condition,
  conditionText: fc.constant(''),
});
const randomRule = detection.map((d): Rule => ({ ...rule('s:\n  a: 1\ncondition: s'), detection: d }));
const fieldSet = fc.subarray(FIELDS);

describe('matcher properties', () => {
  it('adding a field to an intake never removes a rule', () => {
    fc.assert(
      fc.property(
        randomRule,
        fieldSet,
        field,
        fc.constantFrom<MatchMode>('default', 'strict'),
        (r, fields, extra, mode) => {
          const before = applies(r, makeIntake({ fields }), mode);
          const after = applies(r, makeIntake({ fields: [...fields, extra] }), mode);
          return !before || after;
        },
      ),
      { numRuns: 500 },
    );
  });

  it('strict matches are a subset of default matches', () => {
    fc.assert(
      fc.property(randomRule, fieldSet, (r, fields) => {
        const intake = makeIntake({ fields });
        return !applies(r, intake, 'strict') || applies(r, intake, 'default');
      }),
      { numRuns: 500 },
    );
  });

  it('the whole-catalog bit sets agree with the one-pair predicate when constants are compared', () => {
    const VALUES = ['x', 'y', 'z'];
    const WITH_VALUES: MatchContext = { ...PLAIN, features: { derived: false, values: true, logsource: false } };
    const constants = fc.dictionary(field, fc.subarray(VALUES, { minLength: 1 }));
    const valueTest = test.map((t) => ({
      ...t,
      modifiers: t.modifiers.filter((m) => m !== 'fieldref'),
      values: t.values.map((v) => (typeof v === 'string' ? VALUES[v.charCodeAt(0) % 3] : v)),
    }));
    const valueRule = fc
      .tuple(detection, fc.array(valueTest, { minLength: 1, maxLength: 3 }))
      .map(([d, tests]): Rule => ({
        ...rule('s:\n  a: 1\ncondition: s'),
        detection: {
          ...d,
          identifiers: d.identifiers.map((id, i) =>
            i === 0 ? { ...id, alternatives: [{ kind: 'fields' as const, tests }] } : id,
          ),
        },
      }));
    fc.assert(
      fc.property(valueRule, fc.array(fc.tuple(fieldSet, constants), { minLength: 1, maxLength: 30 }), (r, specs) => {
        const intakes = specs.map(([fields, c]) =>
          makeIntake({ fields: [...fields, ...Object.keys(c)], constants: c }),
        );
        const where = ruleCanMatch(bitsetLattice(indexIntakes(intakes), WITH_VALUES), ruleNeeds(r), 'default');
        return intakes.every(
          (intake, i) =>
            hasBit(where, i) === ruleCanMatch(booleanLattice(intake, WITH_VALUES), ruleNeeds(r), 'default'),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the whole-catalog bit sets agree with the one-pair predicate', () => {
    fc.assert(
      fc.property(
        randomRule,
        fc.array(fieldSet, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<MatchMode>('default', 'strict'),
        (r, sets, mode) => {
          const intakes = sets.map((fields) => makeIntake({ fields }));
          const where = ruleCanMatch(bitsetLattice(indexIntakes(intakes), PLAIN), ruleNeeds(r), mode);
          return intakes.every((intake, i) => hasBit(where, i) === applies(r, intake, mode));
        },
      ),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { MINI_ATTACK } from '../../test/attack-fixture.js';
import { catalogPageView } from './catalog-page-view.js';
import { catalogDate, changelogView } from './changelog-view.js';
import { attackItem } from './rules-index-view.js';
import type { RuleView } from './rule-view.js';

const rule = (title: string, techniques: string[], changelog: RuleView['changelog'] = [], id = title): RuleView => ({
  id,
  title,
  description: `About ${title}`,
  effort: 'advanced',
  level: '',
  author: '',
  techniques,
  tactics: [],
  dataSources: [],
  changelog,
  file: `${id}.yml`,
});

const shape = (view: ReturnType<typeof catalogPageView>) =>
  view.tactics.map((t) => [t.name, t.groups.map((g) => [g.name, g.rules.map((r) => r.title)])]);

describe('catalog page view', () => {
  it('lists rules under every tactic of their techniques, sub-techniques under the parent, revoked under the replacement', () => {
    const view = catalogPageView(
      [
        rule('Zed', ['T1078.004']),
        rule('Ps', ['T1086', 'T1059']),
        rule('Old', ['T1064']),
        rule('Tool', ['T1562.001']),
        rule('None', ['T9999']),
      ],
      MINI_ATTACK,
      '2026-01-01',
    );
    expect(shape(view)).toEqual([
      ['Initial Access', [['Valid Accounts', ['Zed']]]],
      [
        'Execution',
        [
          ['Command and Scripting Interpreter', ['Ps']],
          ['Scripting', ['Old']],
        ],
      ],
      ['Persistence', [['Valid Accounts', ['Zed']]]],
      ['Stealth', [['Valid Accounts', ['Zed']]]],
      ['Defense Impairment', [['Disable or Modify Tools', ['Tool']]]],
    ]);
    expect(view.unmapped.map((r) => r.title)).toEqual(['None']);
    expect(view.ruleCount).toBe(5);
  });

  it('counts a title once and lists its changelog oldest first', () => {
    const a = rule(
      'A',
      ['T1059'],
      [
        { date: '2026-02-01', type: 'minor', description: 'second' },
        { date: '2025-01-01', type: 'major', description: 'first' },
      ],
      'a1',
    );
    const view = catalogPageView([a, rule('A', ['T1059.001'], [], 'a2')], MINI_ATTACK, '2026-01-01');
    expect(view.ruleCount).toBe(1);
    expect(view.tactics[0].groups[0].rules.map((r) => r.changelog.map((c) => c.description))).toEqual([
      ['first', 'second'],
    ]);
  });
});

describe('changelog view', () => {
  it('orders rules by their newest entry, then by title, entries newest first', () => {
    const view = changelogView(
      [
        rule('B', [], [{ date: '2026-01-01', type: 'minor', description: 'b' }]),
        rule(
          'A',
          [],
          [
            { date: '2025-01-01', type: 'minor', description: 'a-old' },
            { date: '2026-01-01', type: 'major', description: 'a-new' },
          ],
        ),
        rule('C', [], [{ date: '2026-03-01', type: 'minor', description: 'c' }]),
        rule('D', []),
      ],
      '2026-04-01',
    );
    expect(view.rules.map((r) => [r.title, r.entries.map((e) => e.description)])).toEqual([
      ['C', ['c']],
      ['A', ['a-new', 'a-old']],
      ['B', ['b']],
    ]);
  });

  it('takes the given date, else the newest changelog date, else none', () => {
    const rules = [rule('A', [], [{ date: '2025-05-05', type: 'minor', description: 'x' }]), rule('B', [])];
    expect(catalogDate('2026-01-01', rules)).toBe('2026-01-01');
    expect(catalogDate(undefined, rules)).toBe('2025-05-05');
    expect(catalogDate(undefined, [rule('B', [])])).toBeUndefined();
  });
});

describe('rules index attack items', () => {
  it('name the technique with the tactic the rule tags, else its first tactic', () => {
    expect(attackItem(MINI_ATTACK, 'T1078.004', ['persistence'])).toBe('persistence - Cloud Accounts (T1078.004)');
    expect(attackItem(MINI_ATTACK, 'T1078.004', [])).toBe('initial-access - Cloud Accounts (T1078.004)');
    expect(attackItem(MINI_ATTACK, 'T1562.001', ['defense-evasion'])).toBe(
      'stealth - Disable or Modify Tools (T1562.001)',
    );
    expect(attackItem(MINI_ATTACK, 'T9999', ['impact'])).toBe('impact - Unknown technique (T9999)');
  });
});

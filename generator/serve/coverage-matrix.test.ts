import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINI_ATTACK } from '../../test/attack-fixture.js';
import { readAttack } from '../load/read-attack.js';
import { DEFAULT_CONFIG } from '../config.js';
import { coverageMatrix } from './coverage-matrix.js';
import { matrixHtml, shadeOf, SHADES } from './matrix-html.js';

const rule = (title: string, ...techniques: string[]) => ({ title, techniques });

describe('coverage matrix', () => {
  it('has one column per tactic, in matrix order, covered or not', () => {
    const m = coverageMatrix([rule('A', 'T1059')], MINI_ATTACK);
    expect(m.columns.map((c) => c.tactic.shortname)).toEqual([
      'initial-access',
      'execution',
      'persistence',
      'stealth',
      'defense-impairment',
    ]);
    expect(m.columns.map((c) => c.techniques.length)).toEqual([0, 1, 0, 0, 0]);
  });

  it('puts a technique under every tactic it belongs to, with its name and rules', () => {
    const m = coverageMatrix([rule('B', 'T1078'), rule('A', 'T1078')], MINI_ATTACK);
    const cells = m.columns.map((c) => c.techniques.map((t) => `${t.id} ${t.name} ${t.rules.join('+')}`));
    expect(cells).toEqual([
      ['T1078 Valid Accounts A+B'],
      [],
      ['T1078 Valid Accounts A+B'],
      ['T1078 Valid Accounts A+B'],
      [],
    ]);
    expect(m.techniqueCount).toBe(1);
  });

  it('counts a sub-technique for its parent and lists it in the parent’s cell', () => {
    const m = coverageMatrix(
      [rule('A', 'T1059.001'), rule('B', 'T1059'), rule('C', 'T1059.001', 'T1059')],
      MINI_ATTACK,
    );
    const [t] = m.columns[1].techniques;
    expect(t).toEqual({
      id: 'T1059',
      name: 'Command and Scripting Interpreter',
      rules: ['A', 'B', 'C'],
      subtechniques: [{ id: 'T1059.001', name: 'PowerShell', rules: ['A', 'C'] }],
    });
    expect(m.maxRules).toBe(3);
  });

  it('counts a revoked ID for its replacement and lists unknown and deprecated IDs apart', () => {
    const m = coverageMatrix([rule('Old', 'T1086'), rule('Dead', 'T1064'), rule('Typo', 't9999')], MINI_ATTACK);
    expect(m.columns[1].techniques[0].subtechniques).toEqual([{ id: 'T1059.001', name: 'PowerShell', rules: ['Old'] }]);
    expect(m.outside).toEqual([
      { id: 'T1064', status: 'deprecated', rules: ['Dead'] },
      { id: 'T9999', status: 'unknown', rules: ['Typo'] },
    ]);
  });

  it('sorts techniques by name within a tactic (code points), counts each title once', () => {
    const m = coverageMatrix([rule('Z', 'T1685'), rule('Z', 'T1685'), rule('a', 'T1078')], MINI_ATTACK);
    expect(m.columns[3].techniques.map((t) => t.name)).toEqual(['Valid Accounts']);
    expect(m.columns[4].techniques).toEqual([
      { id: 'T1685', name: 'Disable or Modify Tools', rules: ['Z'], subtechniques: [] },
    ]);
  });

  it('uses the shipped ATT&CK table in its current order (Stealth and Defense Impairment, no Defense Evasion)', () => {
    const { attack } = readAttack(DEFAULT_CONFIG.attack);
    const m = coverageMatrix([rule('A', 'T1059.001')], attack!);
    const names = m.columns.map((c) => c.tactic.name);
    expect(names[0]).toBe('Reconnaissance');
    expect(names).toContain('Stealth');
    expect(names).toContain('Defense Impairment');
    expect(names).not.toContain('Defense Evasion');
    expect(names.indexOf('Execution')).toBeLessThan(names.indexOf('Impact'));
  });

  it('keeps every rule of every known technique in each of its tactics (property)', () => {
    const ids = ['T1059', 'T1059.001', 'T1078', 'T1078.004', 'T1685', 'T1086', 'T1064', 'T0000'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: fc.string({ maxLength: 3 }), techniques: fc.subarray(ids) }), { maxLength: 8 }),
        (rules) => {
          const m = coverageMatrix(rules, MINI_ATTACK);
          for (const r of rules) {
            for (const id of r.techniques) {
              const outside = m.outside.find((o) => o.id === id);
              if (outside) {
                expect(outside.rules).toContain(r.title);
                continue;
              }
              const current = id === 'T1086' ? 'T1059.001' : id;
              const parent = current.slice(0, 5);
              const tactics = MINI_ATTACK.technique(parent)!.tactics;
              for (const col of m.columns) {
                const cell = col.techniques.find((t) => t.id === parent);
                expect(Boolean(cell)).toBe(tactics.includes(col.tactic.shortname));
                if (cell) expect(cell.rules).toContain(r.title);
              }
            }
          }
        },
      ),
    );
  });
});

describe('matrix drawn in HTML', () => {
  it('shades from 1 to the highest count in five steps', () => {
    expect([1, 2, 3, 4, 5].map((n) => shadeOf(n, 5))).toEqual([1, 2, 3, 4, 5]);
    expect(shadeOf(1, 1)).toBe(SHADES);
    expect(shadeOf(1, 100)).toBe(1);
    expect(shadeOf(100, 100)).toBe(SHADES);
  });

  it('escapes rule titles and marks cells with their technique', () => {
    const out = matrixHtml(coverageMatrix([rule('<script>alert(1)</script>', 'T1059.001')], MINI_ATTACK)).value;
    expect(out).not.toContain('<script>');
    expect(out).toContain('title="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(out).toContain('data-technique="T1059"');
    expect(out).toContain('data-technique="T1059.001"');
    expect(out).toContain('<h3 title="TA0002">Execution <small>1</small></h3>');
  });
});

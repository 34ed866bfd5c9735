import { describe, expect, it } from 'vitest';
import { MINI_ATTACK } from '../../test/attack-fixture.js';
import { ruleFromYaml } from '../../test/builders.js';
import { currentTactics, currentTechnique } from './attack.js';
import { checkAttack } from './check-attack.js';

const rule = (tags: string[], file = 'rules/r.yml') =>
  ruleFromYaml(
    `title: R\nid: r-1\ntags:\n${tags.map((t) => `  - ${t}`).join('\n')}\nlogsource: {product: windows}\ndetection:\n  sel: {a: 1}\n  condition: sel\n`,
    file,
  );

describe('ATT&CK lookups', () => {
  it('follows a revoked technique to its replacement and drops deprecated and unknown ones', () => {
    expect(currentTechnique(MINI_ATTACK, 'T1086')?.id).toBe('T1059.001');
    expect(currentTechnique(MINI_ATTACK, 't1059')?.id).toBe('T1059');
    expect(currentTechnique(MINI_ATTACK, 'T1064')).toBeUndefined();
    expect(currentTechnique(MINI_ATTACK, 'T9999')).toBeUndefined();
  });

  it('maps the retired defense-evasion tactic to its successors', () => {
    expect(currentTactics(MINI_ATTACK, 'defense-evasion')).toEqual(['stealth', 'defense-impairment']);
    expect(currentTactics(MINI_ATTACK, 'execution')).toEqual(['execution']);
    expect(currentTactics(MINI_ATTACK, 'nonsense')).toEqual([]);
  });
});

describe('checkAttack', () => {
  it('reports an unknown technique as an error at its tag', () => {
    const [d] = checkAttack([rule(['attack.execution', 'attack.t9999'])], MINI_ATTACK, { imported: false });
    expect(d).toMatchObject({ file: 'rules/r.yml', line: 5, col: 5, severity: 'error', code: 'unknown-technique' });
    expect(d.message).toBe('Unknown ATT&CK technique T9999, expected a technique ID of ATT&CK v19.1 such as T1059.001');
  });

  it('warns about revoked and deprecated techniques, naming the replacement', () => {
    const ds = checkAttack([rule(['attack.t1086', 'attack.t1064'])], MINI_ATTACK, { imported: false });
    expect(ds.map((d) => [d.line, d.severity, d.code, d.message])).toEqual([
      [
        4,
        'warning',
        'revoked-technique',
        'ATT&CK technique T1086 (PowerShell) is revoked in ATT&CK v19.1, replaced by T1059.001 (PowerShell), expected attack.t1059.001',
      ],
      [
        5,
        'warning',
        'deprecated-technique',
        'ATT&CK technique T1064 (Scripting) is deprecated in ATT&CK v19.1 and has no replacement, expected a current technique',
      ],
    ]);
  });

  it('warns about retired and unknown tactics', () => {
    const ds = checkAttack([rule(['attack.defense_evasion', 'attack.lateral-movment', 'attack.t1685'])], MINI_ATTACK, {
      imported: false,
    });
    expect(ds.map((d) => [d.line, d.code, d.message])).toEqual([
      [
        4,
        'retired-tactic',
        'ATT&CK tactic defense-evasion no longer exists in ATT&CK v19.1, expected Stealth (attack.stealth) or Defense Impairment (attack.defense-impairment)',
      ],
      [
        5,
        'unknown-tactic',
        'Unknown ATT&CK tactic "lateral-movment", expected one of: initial-access, execution, persistence, stealth, defense-impairment',
      ],
    ]);
  });

  it('accepts current tags silently', () => {
    expect(
      checkAttack([rule(['attack.stealth', 'attack.t1078.004', 'attack.t1685'])], MINI_ATTACK, { imported: false }),
    ).toEqual([]);
  });

  it('makes unknown IDs of an imported index warnings, one per ID with its count', () => {
    const a = rule(['attack.t9999', 'attack.t1086'], 'index.json');
    const b = rule(['attack.t9999'], 'index.json');
    const ds = checkAttack([a, b], MINI_ATTACK, { imported: true });
    expect(ds.map((d) => [d.severity, d.code, d.message])).toEqual([
      [
        'warning',
        'unknown-technique',
        'Unknown ATT&CK technique T9999 (in 2 entries), expected a technique ID of ATT&CK v19.1 such as T1059.001',
      ],
      [
        'warning',
        'revoked-technique',
        'ATT&CK technique T1086 (PowerShell) (in 1 entry) is revoked in ATT&CK v19.1, replaced by T1059.001 (PowerShell), expected attack.t1059.001',
      ],
    ]);
  });
});

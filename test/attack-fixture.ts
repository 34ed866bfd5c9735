/**
 * A small ATT&CK table for unit tests: a few tactics in matrix order, active,
 * sub-, revoked and deprecated techniques.
 */
import {
  ATTACK_TABLE_FORMAT,
  indexAttack,
  type AttackIndex,
  type AttackTable,
  type AttackTechnique,
} from '../generator/model/attack.js';

const t = (id: string, name: string, tactics: string[], extra: Partial<AttackTechnique> = {}): AttackTechnique => ({
  id,
  name,
  tactics,
  parent: id.includes('.') ? id.slice(0, 5) : null,
  status: 'active',
  replacedBy: null,
  ...extra,
});

export const MINI_TABLE: AttackTable = {
  format: ATTACK_TABLE_FORMAT,
  domain: 'enterprise-attack',
  version: '19.1',
  source: 'test',
  tactics: [
    { id: 'TA0001', shortname: 'initial-access', name: 'Initial Access' },
    { id: 'TA0002', shortname: 'execution', name: 'Execution' },
    { id: 'TA0003', shortname: 'persistence', name: 'Persistence' },
    { id: 'TA0005', shortname: 'stealth', name: 'Stealth' },
    { id: 'TA0112', shortname: 'defense-impairment', name: 'Defense Impairment' },
  ],
  techniques: [
    t('T1059', 'Command and Scripting Interpreter', ['execution']),
    t('T1059.001', 'PowerShell', ['execution']),
    t('T1064', 'Scripting', ['execution'], { status: 'deprecated' }),
    t('T1078', 'Valid Accounts', ['initial-access', 'persistence', 'stealth']),
    t('T1078.004', 'Cloud Accounts', ['initial-access', 'persistence', 'stealth']),
    t('T1086', 'PowerShell', ['execution'], { status: 'revoked', replacedBy: 'T1059.001' }),
    t('T1562.001', 'Disable or Modify Tools', ['stealth'], { status: 'revoked', replacedBy: 'T1685', parent: 'T1562' }),
    t('T1685', 'Disable or Modify Tools', ['defense-impairment']),
  ],
};

export const MINI_ATTACK: AttackIndex = indexAttack(MINI_TABLE);

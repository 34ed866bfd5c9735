import { describe, expect, it } from 'vitest';
import { compatAttackVersion, techniquesOfVersion } from '../generator/load/attack-version-set.js';
import {
  countIds,
  deriveVersionSet,
  readChangelogLayer,
  readReleasePage,
  type CurrentTechnique,
} from './attack-version-set.js';

const page = `Title: Updates - October 2030
* Enterprise: 14 Tactics, 3 Techniques, 2 Sub-Techniques
## Techniques
### Enterprise
#### New Techniques
* [Brand New](/techniques/T1700) <small>(v1.0)</small>
* Old Parent: [New Child](/techniques/T1001/002)
#### Minor Version Changes
* [Old Parent](/techniques/T1001)
#### Revocations
* Old Child (revoked by Old Parent: [New Child](/techniques/T1001/002)) <small>(v1.1)</small>
* Indicator Blocking (revoked by [Brand New](/techniques/T1700))
### Mobile
#### New Techniques
* [Mobile Only](/techniques/T1800)
## Software
### Enterprise
#### New Software
* [Tool](/software/S0001)
`;

const current: CurrentTechnique[] = [
  { id: 'T1001', name: 'Old Parent', status: 'active', revokedBy: null },
  { id: 'T1001.001', name: 'Old Child', status: 'revoked', revokedBy: 'T1001.002' },
  { id: 'T1001.002', name: 'New Child', status: 'active', revokedBy: null },
  { id: 'T1054', name: 'Indicator Blocking', status: 'revoked', revokedBy: 'T1700' },
  { id: 'T1562.006', name: 'Indicator Blocking', status: 'revoked', revokedBy: 'T1700' },
  { id: 'T1099', name: 'Long Gone', status: 'deprecated', revokedBy: null },
  { id: 'T1700', name: 'Brand New', status: 'active', revokedBy: null },
];

describe('the techniques of an older ATT&CK release', () => {
  it('reads the Enterprise technique sections of a release page only', () => {
    const changes = readReleasePage(page, 'updates.md');
    expect(changes.added).toEqual(['T1700', 'T1001.002']);
    expect(changes.removedNames).toEqual([
      { name: 'Old Child', by: 'T1001.002' },
      { name: 'Indicator Blocking', by: 'T1700' },
    ]);
    expect(changes.counts).toEqual({ techniques: 3, subtechniques: 2 });
  });

  it('are the current ones less those added since, plus those removed since; a name means its newest technique', () => {
    const { techniques, problems } = deriveVersionSet(current, [readReleasePage(page, 'updates.md')]);
    expect(problems).toEqual([]);
    expect(techniques).toEqual(['T1001', 'T1001.001', 'T1562.006']);
    expect(countIds(techniques)).toEqual({ techniques: 1, subtechniques: 2 });
  });

  it('reads changelog layers', () => {
    const layer = {
      techniques: [
        { techniqueID: 'T1700', comment: 'addition' },
        { techniqueID: 'T1001', comment: 'minor_version_change' },
      ],
    };
    expect(readChangelogLayer(layer, 'l.json')).toMatchObject({ added: ['T1700'], removedIds: [] });
  });

  it('reports a removal it cannot place', () => {
    const { problems } = deriveVersionSet(current, [
      { source: 'x.md', added: [], removedIds: [], removedNames: [{ name: 'Nowhere', by: 'T1700' }] },
    ]);
    expect(problems).toEqual(['x.md: "Nowhere" (revoked by T1700) matches no revoked technique']);
  });
});

describe('the version a compat layer states', () => {
  it('ships ATT&CK 13.1: 196 techniques and 411 sub-techniques, the published counts', () => {
    const v13 = techniquesOfVersion('13')!;
    expect(countIds([...v13])).toEqual({ techniques: 196, subtechniques: 411 });
    expect(v13.has('T1652')).toBe(true);
    for (const later of ['T1653', 'T1657', 'T1564.011', 'T1685', 'T1686', 'T1689', 'T1690'])
      expect(v13.has(later)).toBe(false);
    // Revoked after v13 (v17, v19): still part of v13.
    for (const removed of ['T1574.002', 'T1562.001', 'T1070.001']) expect(v13.has(removed)).toBe(true);
    // Revoked long before v13.
    expect(v13.has('T1086')).toBe(false);
  });

  it('is 13 only when every technique exists in v13, else the table`s version', () => {
    expect(compatAttackVersion(['T1059', 'T1059.001'], '13', '19.1')).toBe('13');
    expect(compatAttackVersion(['T1059', 'T1685'], '13', '19.1')).toBe('19.1');
    expect(compatAttackVersion(['T1086'], '13', '19.1')).toBe('19.1');
    expect(compatAttackVersion(['T1685'], '19.1', '19.1')).toBe('19.1');
    // A version rulecat has no list for stays as configured; so does every version without a table.
    expect(compatAttackVersion(['T1685'], '15', '19.1')).toBe('15');
    expect(compatAttackVersion(['T1685'], '13')).toBe('13');
  });
});

import { describe, expect, it } from 'vitest';
import { makeIntake } from '../../test/builders.js';
import { matchExplicit } from '../match/explicit-match.js';
import { buildIndexCatalog } from '../model/index-catalog.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseRulesIndex } from './read-rules-index.js';

const entry = (uuid: string, name: string, attack: string[], intakes: string[], effort: string | null = 'master') => ({
  uuid,
  name,
  effort,
  data_sources: [],
  description: `About ${name}`,
  attack,
  'intake-formats': intakes,
});

describe('parseRulesIndex', () => {
  it('reads entries with the place of each entry and attack item', () => {
    const text = JSON.stringify([
      entry('u1', 'Ünïcode', ['execution - PowerShell (T1059.001)'], ['A']),
      entry('u2', 'B', [], [], null),
    ]).replace(/[^\x00-\x7f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    const { entries, diagnostics } = parseRulesIndex('index.json', text);
    expect(diagnostics).toEqual([]);
    expect(entries.map((e) => [e.uuid, e.name, e.effort, e.place.col])).toEqual([
      ['u1', 'Ünïcode', 'master', 2],
      ['u2', 'B', null, text.indexOf('{"uuid":"u2"') + 1],
    ]);
    expect(entries[0].attack).toEqual([
      {
        tactic: 'execution',
        name: 'PowerShell',
        id: 'T1059.001',
        place: { file: 'index.json', line: 1, col: text.indexOf('"execution') + 1 },
      },
    ]);
  });

  it('reports malformed entries and attack items, keeping the rest', () => {
    const text = JSON.stringify([
      { uuid: 'u1' },
      entry('u2', 'B', ['no technique here', 'impact - Data Destruction (T1485)'], []),
    ]);
    const { entries, diagnostics } = parseRulesIndex('index.json', text);
    expect(entries.map((e) => [e.uuid, e.attack.map((a) => a.id)])).toEqual([['u2', ['T1485']]]);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['index-entry', 'Unexpected entry 0: missing "name", expected a string'],
      [
        'index-attack',
        'Unexpected attack item "no technique here", expected "<tactic> - <Technique name> (T####[.###])"',
      ],
    ]);
    expect(parseRulesIndex('index.json', '{}').diagnostics[0].code).toBe('index-type');
  });
});

describe('an imported catalog', () => {
  it('keeps repeated entries apart so that each brings its techniques only to the intakes it lists', () => {
    const a = makeIntake({ name: 'Alpha', fields: [] });
    const b = makeIntake({ name: 'Beta', fields: [] });
    const text = JSON.stringify([
      entry('feed', 'Feed', ['exfiltration - Exfiltration Over C2 Channel (T1041)'], ['Alpha', 'Gamma']),
      entry('feed', 'Feed', ['initial-access - Phishing (T1566)'], ['Beta', 'Gamma', 'Alpha']),
    ]);
    const diagnostics: Diagnostic[] = [];
    const catalog = buildIndexCatalog(parseRulesIndex('i.json', text).entries, [a, b], diagnostics);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'Unknown intake "Gamma" (in 2 entries), expected the name of an intake of the intake folders; ignored',
    ]);
    const match = matchExplicit(catalog);
    expect(match.rulesByIntake.get(a.uuid)!.map((r) => r.techniques.map((t) => t.value))).toEqual([
      ['T1041'],
      ['T1566'],
    ]);
    expect(match.rulesByIntake.get(b.uuid)!.map((r) => r.techniques.map((t) => t.value))).toEqual([['T1566']]);
    expect(catalog.rules.map((r) => [r.effort, r.effortFrom])).toEqual([
      ['master', 'rule'],
      ['master', 'rule'],
    ]);
  });

  it('shows a null effort as elementary', () => {
    const catalog = buildIndexCatalog(
      parseRulesIndex('i.json', JSON.stringify([entry('u', 'N', [], [], null)])).entries,
      [],
      [],
    );
    expect(catalog.rules[0].effort).toBe('elementary');
  });
});

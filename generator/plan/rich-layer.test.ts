import { describe, expect, it } from 'vitest';
import { MINI_ATTACK } from '../../test/attack-fixture.js';
import { haveLayerSchema, richLayerProblems } from '../../test/layer-schema.js';
import { gradientColor, richLayer, type LayerRule } from './rich-layer.js';
import { ruleUrl, slugify, textFragment } from './rule-url.js';

const rule = (title: string, techniques: string[], tactics: string[] = [], effort = 'advanced'): LayerRule => ({
  id: `id-${title}`,
  title,
  effort,
  techniques,
  tactics,
});
const options = {
  name: 'SEKOIA.IO x Test',
  description: 'Test layer',
  ruleUrl: 'https://docs.example.org/rules/#:~:text={title}',
};

type Entry = {
  techniqueID: string;
  tactic?: string;
  score: number;
  comment: string;
  metadata: unknown[];
  links: { label: string; url: string }[];
};
const entries = (layer: Record<string, unknown>) => layer.techniques as Entry[];

describe('rich layer', () => {
  it('scores techniques by number of rules, adds parents, follows revoked IDs and drops unknown and deprecated ones', () => {
    const layer = richLayer(
      [rule('B', ['T1086']), rule('A', ['T1059.001', 'T9999']), rule('C', ['T1064'])],
      MINI_ATTACK,
      options,
    );
    expect(entries(layer).map((t) => [t.techniqueID, t.tactic, t.score, t.comment])).toEqual([
      ['T1059', undefined, 2, 'Rules: A, B'],
      ['T1059.001', undefined, 2, 'Rules: A, B'],
    ]);
    expect(layer.versions).toEqual({ attack: '19.1', navigator: '5.1.0', layer: '4.5' });
    expect(entries(layer)[0].metadata).toEqual([
      { name: 'A', value: 'effort advanced' },
      { name: 'B', value: 'effort advanced' },
    ]);
    expect(entries(layer)[0].links[0]).toEqual({ label: 'A', url: 'https://docs.example.org/rules/#:~:text=A' });
  });

  it('sets tactic only when the rules limit a technique to some of its tactics', () => {
    const all = richLayer([rule('A', ['T1078.004'])], MINI_ATTACK, options);
    expect(entries(all).map((t) => [t.techniqueID, t.tactic])).toEqual([
      ['T1078', undefined],
      ['T1078.004', undefined],
    ]);
    const limited = richLayer(
      [rule('A', ['T1078.004'], ['initial-access']), rule('B', ['T1078'], ['persistence', 'execution'])],
      MINI_ATTACK,
      options,
    );
    expect(entries(limited).map((t) => [t.techniqueID, t.tactic, t.score])).toEqual([
      ['T1078', 'initial-access', 1],
      ['T1078', 'persistence', 1],
      ['T1078.004', 'initial-access', 1],
    ]);
    // defense-evasion stands for its successors: the revoked T1562.001 → T1685 (defense-impairment only) is not limited.
    const retired = richLayer([rule('A', ['T1562.001'], ['defense-evasion'])], MINI_ATTACK, options);
    expect(entries(retired).map((t) => [t.techniqueID, t.tactic])).toEqual([['T1685', undefined]]);
  });

  it('has a gradient and legend that say what the score means', () => {
    const layer = richLayer(
      [rule('A', ['T1059']), rule('B', ['T1059']), rule('C', ['T1059']), rule('D', ['T1685'])],
      MINI_ATTACK,
      options,
    );
    expect(layer.gradient).toEqual({ colors: ['#c6dbef', '#08519c'], minValue: 1, maxValue: 3 });
    expect(layer.legendItems).toEqual([
      { label: '1 rule detects the technique', color: '#c6dbef' },
      { label: '2 rules detect the technique', color: gradientColor(2, 1, 3) },
      { label: '3 rules detect the technique', color: '#08519c' },
    ]);
    const one = richLayer([rule('A', ['T1059'])], MINI_ATTACK, options);
    expect(one.gradient).toEqual({ colors: ['#c6dbef', '#08519c'], minValue: 1, maxValue: 2 });
    expect(one.legendItems).toEqual([{ label: '1 rule detects the technique', color: '#c6dbef' }]);
  });

  it.skipIf(!haveLayerSchema())('validates against the layer 4.5 schema', () => {
    const layers = [
      richLayer([], MINI_ATTACK, options),
      richLayer(
        [rule('A "quoted" & <b>', ['T1078.004'], ['initial-access']), rule('B', ['T1086', 'T1685'])],
        MINI_ATTACK,
        options,
      ),
    ];
    for (const layer of layers) expect(richLayerProblems(layer, MINI_ATTACK)).toEqual([]);
  });
});

describe('rule URLs', () => {
  it('fills {id}, {slug} and {title}', () => {
    const r = { id: 'a b/c', title: 'Mimikatz - LSASS, "Dump" 100%' };
    expect(ruleUrl('https://x/{id}/#{slug}', r)).toBe('https://x/a%20b%2Fc/#mimikatz-lsass-dump-100');
    expect(ruleUrl('https://x/#:~:text={title}', r)).toBe(
      'https://x/#:~:text=Mimikatz%20%2D%20LSASS%2C%20%22Dump%22%20100%25',
    );
    expect(textFragment('a-b')).toBe('a%2Db');
    expect(slugify('  Hello,  World  ')).toBe('hello-world');
  });
});

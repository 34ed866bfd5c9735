/**
 * YAML → plain values with places. Pins the values of every YAML form the
 * inputs use and, exactly, the line and column of every place and message:
 * a rewrite of read-yaml.ts must give the same file:line:col everywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haveShared, shared } from '../../test/shared.js';
import { formatDiagnostic } from '../diagnostics.js';
import {
  defaultYamlLimits,
  fastYamlValues,
  positioned,
  readYamlDocs,
  type YamlDoc,
  type YamlLimits,
  type YamlPath,
} from './read-yaml.js';

const FILE = 'dir/f.yml';

function read(text: string, limits?: Partial<YamlLimits>) {
  const { docs, diagnostics } = readYamlDocs(FILE, text, limits ? { ...defaultYamlLimits, ...limits } : undefined);
  return { docs, values: docs.map((d) => d.value), messages: diagnostics.map(formatDiagnostic) };
}

/** The only document of a text without problems. */
function doc(text: string): YamlDoc {
  const { docs, messages } = read(text);
  expect(messages).toEqual([]);
  expect(docs).toHaveLength(1);
  return docs[0];
}

/** `line:col` of a place. */
const at = (d: YamlDoc, path: YamlPath, of?: 'key' | 'value') => {
  const p = d.place(path, of);
  expect(p.file).toBe(FILE);
  return `${p.line}:${p.col}`;
};
const textAt = (d: YamlDoc, path: YamlPath, offset: number) => {
  const p = d.textPlace(path, offset);
  expect(p.file).toBe(FILE);
  return `${p.line}:${p.col}`;
};

/** Plain values (the reader builds maps without prototype): compare through JSON. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('values', () => {
  it('block and flow maps and lists, nested', () => {
    const d = doc(
      ['a:', '  b: [1, {c: d}]', '  e:', '    - x', '    - f: 1', '      g: [ ]', 'h: {i: {}, j: [k, [l]]}', ''].join(
        '\n',
      ),
    );
    expect(plain(d.value)).toEqual({
      a: { b: [1, { c: 'd' }], e: ['x', { f: 1, g: [] }] },
      h: { i: {}, j: ['k', ['l']] },
    });
    expect(plain(doc('- a\n- - b\n  - c\n- {d: e}\n').value)).toEqual(['a', ['b', 'c'], { d: 'e' }]);
    expect(doc('just text\n').value).toBe('just text');
  });

  it('scalars follow the YAML 1.2 core schema', () => {
    const d = doc(
      [
        'yes: yes',
        'on: on',
        'No: No',
        'y: y',
        'date: 2026-05-01',
        'time: 12:30',
        'int: 12',
        'neg: -7',
        'plus: +12',
        'octal_like: 012',
        'hex: 0x1F',
        'oct: 0o17',
        'float: 1.5e3',
        'half: -.5',
        'underscored: 1_000',
        'quoted: "12"',
        "single: 'true'",
        'true: True',
        'false: FALSE',
        'tilde: ~',
        'null: null',
        'upper_null: NULL',
        'empty:',
        'str_tag: !!str 12',
        'int_tag: !!int "12"',
        'custom: !custom x',
        '',
      ].join('\n'),
    );
    expect(plain(d.value)).toEqual({
      yes: 'yes',
      on: 'on',
      No: 'No',
      y: 'y',
      date: '2026-05-01',
      time: '12:30',
      int: 12,
      neg: -7,
      plus: 12,
      octal_like: 12,
      hex: 31,
      oct: 15,
      float: 1500,
      half: -0.5,
      underscored: '1_000',
      quoted: '12',
      single: 'true',
      true: true,
      false: false,
      tilde: null,
      null: null,
      upper_null: null,
      empty: null,
      str_tag: '12',
      int_tag: 12,
      custom: 'x',
    });
    const special = doc('inf: .inf\nninf: -.Inf\nnan: .NaN\n').value as Record<string, number>;
    expect(special.inf).toBe(Infinity);
    expect(special.ninf).toBe(-Infinity);
    expect(special.nan).toBeNaN();
  });

  it('keys are text: numbers, booleans and null as written by String()', () => {
    expect(Object.keys(doc('true: b\nnull: c\n1.50: e\n').value as object)).toEqual(['true', 'null', '1.5']);
    expect(Object.keys(doc('0x10: d\n').value as object)).toEqual(['16']);
    // Keys that differ as YAML values but not as text: no problem, the last one wins.
    expect(plain(doc('1: a\n"1": b\n').value)).toEqual({ 1: 'b' });
    // Two keys with one value are duplicates, whatever their spelling.
    expect(read('null: 1\nNULL: 2\n').messages).toEqual([
      'dir/f.yml:2:1: error: Invalid YAML: Map keys must be unique [yaml-syntax]',
    ]);
  });

  it('keys keep the order of the text, except keys that are array indexes, which come first in ascending order', () => {
    expect(Object.keys(doc('b: 1\n10: x\na: 2\n2: y\n-1: z\n').value as object)).toEqual(['2', '10', 'b', 'a', '-1']);
  });

  it('maps have no prototype: __proto__ is an ordinary key', () => {
    const v = doc('__proto__: {polluted: 1}\nconstructor: 2\n').value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
    expect(plain(v.__proto__)).toEqual({ polluted: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('block scalars: literal keeps lines, folded joins them, chomping indicators', () => {
    const d = doc(
      [
        'lit: |',
        '  one',
        '    two',
        '',
        '  three',
        'strip: |-',
        '  x',
        'keep: |+',
        '  x',
        '',
        'fold: >',
        '  a',
        '  b',
        '',
        '  c',
        'foldstrip: >-',
        '  a',
        '  b',
        'last: end',
        '',
      ].join('\n'),
    );
    expect(plain(d.value)).toEqual({
      lit: 'one\n  two\n\nthree\n',
      strip: 'x',
      keep: 'x\n\n',
      fold: 'a b\nc\n',
      foldstrip: 'a b',
      last: 'end',
    });
  });

  it('multi-line plain and quoted scalars fold into one line', () => {
    expect(plain(doc('a: one\n  two\n\n  three\nb: "x\n  y"\n').value)).toEqual({ a: 'one two\nthree', b: 'x y' });
  });

  it('quoted scalars: escapes in double quotes, doubled quote in single quotes', () => {
    expect(plain(doc("a: \"t\\tu\\n\\u00e9\\\"x\"\nb: 'it''s \\n'\n").value)).toEqual({
      a: 't\tu\n\u00e9"x',
      b: "it's \\n",
    });
  });

  it('anchors and aliases: an alias is a copy of the value last anchored with its name before it', () => {
    const d = doc(
      [
        'base: &b',
        '  x: 1',
        '  y: [1, 2]',
        'use: *b',
        'list: [&s scalar, *s]',
        'again: &s other',
        'later: *s',
        '',
      ].join('\n'),
    );
    expect(plain(d.value)).toEqual({
      base: { x: 1, y: [1, 2] },
      use: { x: 1, y: [1, 2] },
      list: ['scalar', 'scalar'],
      again: 'other',
      later: 'other',
    });
    const v = d.value as Record<string, Record<string, unknown>>;
    // Copies, not shared objects.
    expect(v.use).not.toBe(v.base);
  });

  it('merge keys (<<) merge maps as PyYAML does: own keys win, then the earlier map of a list', () => {
    const d = doc(
      [
        'a: &a {x: 1, y: 2}',
        'b: &b {x: 9, w: 5}',
        'm:',
        '  <<: *a',
        '  y: 3',
        '  z: 4',
        'n:',
        '  <<: [*a, *b]',
        'o:',
        '  deep:',
        '    <<: {k: v}',
        '    l: 2',
        'q: {"<<": 1}',
        '',
      ].join('\n'),
    );
    const v = d.value as Record<string, Record<string, unknown>>;
    expect(plain(v.m)).toEqual({ x: 1, y: 3, z: 4 });
    expect(Object.keys(v.m)).toEqual(['x', 'y', 'z']);
    expect(plain(v.n)).toEqual({ x: 1, y: 2, w: 5 });
    // PyYAML merges the maps of a list last first: the later map's keys come first.
    expect(Object.keys(v.n)).toEqual(['x', 'w', 'y']);
    expect(plain(v.o)).toEqual({ deep: { k: 'v', l: 2 } });
    // A quoted "<<" is an ordinary key.
    expect(plain(v.q)).toEqual({ '<<': 1 });
    // Merged values and keys are placed where they are written.
    expect(at(d, ['m', 'x'])).toBe('1:11');
    expect(at(d, ['m', 'x'], 'key')).toBe('1:8');
    expect(at(d, ['m', 'y'])).toBe('5:6');
    expect(at(d, ['n', 'w'])).toBe('2:17');
    expect(at(d, ['o', 'deep', 'k'])).toBe('11:13');
  });

  it('a merge of what is not a map is an error at the value', () => {
    expect(read('a: 1\nm:\n  <<: 2\n').messages).toEqual([
      'dir/f.yml:3:7: error: Unexpected value for the merge key "<<", expected a map or a list of maps (aliases of maps) [yaml-merge]',
    ]);
    expect(read('s: &s [1]\nm:\n  <<: [*s]\n').messages).toEqual([
      'dir/f.yml:1:7: error: Unexpected value for the merge key "<<", expected a map or a list of maps (aliases of maps) [yaml-merge]',
    ]);
    expect(read('a: &a\n  <<: *a\n', { maxDepth: 5 }).messages).toEqual([
      'dir/f.yml:2:7: error: YAML aliases nest deeper than 5 levels (an alias refers to itself?), expected a finite document [yaml-too-large]',
    ]);
  });

  it('documents: every one of a multi-document file, empty ones as null; no document in an empty text', () => {
    expect(read('a: 1\n---\nb: 2\n').values).toEqual([{ a: 1 }, { b: 2 }].map((v) => expect.objectContaining(v)));
    expect(read('---\na: 1\n---\n---\nb: 2\n...\n').values.map(plain)).toEqual([{ a: 1 }, null, { b: 2 }]);
    expect(read('---\n').values).toEqual([null]);
    expect(read('').values).toEqual([]);
    expect(read('# only a comment\n').values).toEqual([]);
    expect(read('\n\n').values).toEqual([]);
  });

  it('a byte-order mark is skipped and CRLF line ends read as LF', () => {
    expect(plain(doc('\ufeffa: 1\n').value)).toEqual({ a: 1 });
    expect(plain(doc('a: 1\r\nb:\r\n  c: |\r\n    x\r\n    y\r\n').value)).toEqual({ a: 1, b: { c: 'x\ny\n' } });
  });
});

describe('places', () => {
  const TEXT = [
    'title: x', //                   1
    'nested:', //                    2
    '  inner:', //                   3
    '    key: value', //             4
    '    list:', //                  5
    '      - first', //              6
    '      - second: 2', //          7
    '        third: 3', //           8
    '  flow: {a: 1, b: [x, y]}', //  9
    '"quoted key": v', //            10
    'empty:', //                     11
    '',
  ].join('\n');
  const d = doc(TEXT);

  it('of a value: where it starts (for a block map, its first key)', () => {
    expect(at(d, [])).toBe('1:1');
    expect(at(d, ['title'])).toBe('1:8');
    expect(at(d, ['nested'])).toBe('3:3');
    expect(at(d, ['nested', 'inner'])).toBe('4:5');
    expect(at(d, ['nested', 'inner', 'key'])).toBe('4:10');
    expect(at(d, ['nested', 'flow'])).toBe('9:9');
    expect(at(d, ['nested', 'flow', 'b', 1])).toBe('9:23');
    expect(at(d, ['quoted key'])).toBe('10:15');
    // An empty value: right after the colon.
    expect(at(d, ['empty'])).toBe('11:7');
  });

  it('of list items: the item after its dash', () => {
    expect(at(d, ['nested', 'inner', 'list'])).toBe('6:7');
    expect(at(d, ['nested', 'inner', 'list', 0])).toBe('6:9');
    expect(at(d, ['nested', 'inner', 'list', 1])).toBe('7:9');
    expect(at(d, ['nested', 'inner', 'list', 1, 'third'])).toBe('8:16');
    // A list item has no key: asking for its key gives the item.
    expect(at(d, ['nested', 'inner', 'list', 0], 'key')).toBe('6:9');
  });

  it('of a key: where the key starts (a quoted key at its quote)', () => {
    expect(at(d, ['title'], 'key')).toBe('1:1');
    expect(at(d, ['nested'], 'key')).toBe('2:1');
    expect(at(d, ['nested', 'inner', 'key'], 'key')).toBe('4:5');
    expect(at(d, ['nested', 'inner', 'list', 1, 'third'], 'key')).toBe('8:9');
    expect(at(d, ['nested', 'flow', 'a'], 'key')).toBe('9:10');
    expect(at(d, ['quoted key'], 'key')).toBe('10:1');
    expect(at(d, ['empty'], 'key')).toBe('11:1');
  });

  it('of a path that does not exist: the nearest ancestor that does (its value, not its key)', () => {
    expect(at(d, ['nested', 'inner', 'missing'])).toBe('4:5');
    expect(at(d, ['nested', 'inner', 'missing', 'deeper', 0])).toBe('4:5');
    expect(at(d, ['nested', 'inner', 'missing'], 'key')).toBe('4:5');
    expect(at(d, ['nested', 'inner', 'list', 9])).toBe('6:7');
    expect(at(d, ['title', 'below'])).toBe('1:8');
    expect(at(d, ['nope'])).toBe('1:1');
  });

  it('in flow and block lists spread over lines', () => {
    const f = doc('a:\n- x\n- y\nb: [\n  1,\n  2 ]\n');
    expect(at(f, ['a'])).toBe('2:1');
    expect(at(f, ['a', 0])).toBe('2:3');
    expect(at(f, ['a', 1])).toBe('3:3');
    expect(at(f, ['b'])).toBe('4:4');
    expect(at(f, ['b', 1])).toBe('6:3');
  });

  it('in a later document: lines of the file, not of the document', () => {
    const { docs } = read('---\nfirst: 1\n---\nsecond:\n  x: 2\n');
    expect(at(docs[1], [])).toBe('4:1');
    expect(at(docs[1], ['second', 'x'])).toBe('5:6');
    expect(at(docs[1], ['second'], 'key')).toBe('4:1');
    expect(at(docs[1], ['missing'])).toBe('4:1');
  });

  it('of a value reached through an alias: the anchored value; of its key: the key', () => {
    const a = doc('base: &b\n  x: 1\nuse: *b\nlast: &s scalar\nagain: *s\n');
    expect(at(a, ['use'])).toBe('2:3');
    expect(at(a, ['use', 'x'])).toBe('2:6');
    expect(at(a, ['use'], 'key')).toBe('3:1');
    expect(at(a, ['again'])).toBe('4:10');
    expect(at(a, ['again'], 'key')).toBe('5:1');
  });

  it('after a byte-order mark and with CRLF line ends', () => {
    const bom = doc('\ufeffa: 1\nb: 2\n');
    expect(at(bom, ['a'], 'key')).toBe('1:2');
    expect(at(bom, ['b'])).toBe('2:4');
    const crlf = doc('a: 1\r\nb:\r\n  c: xyz\r\n');
    expect(at(crlf, ['b', 'c'])).toBe('3:6');
    expect(at(crlf, ['b', 'c'], 'key')).toBe('3:3');
  });
});

describe('places inside text', () => {
  it('a plain scalar: the column moves with the offset', () => {
    const d = doc('c: sel and oops\n');
    expect(textAt(d, ['c'], 0)).toBe('1:4');
    expect(textAt(d, ['c'], 8)).toBe('1:12');
  });

  it('a quoted scalar: after the opening quote', () => {
    expect(textAt(doc('c: "sel and oops"\n'), ['c'], 8)).toBe('1:13');
    expect(textAt(doc("c: 'sel and oops'\n"), ['c'], 8)).toBe('1:13');
    expect(textAt(doc('l:\n  - "x oops"\n'), ['l', 0], 2)).toBe('2:8');
  });

  it('a literal block: the line and column of the character', () => {
    const d = doc('c: |\n  sel and\n  oops\n');
    expect(textAt(d, ['c'], 0)).toBe('2:3');
    expect(textAt(d, ['c'], 8)).toBe('3:3');
    expect(textAt(d, ['c'], 10)).toBe('3:5');
    const deeper = doc('a:\n  c: |-\n      sel and\n      oops\n');
    expect(textAt(deeper, ['a', 'c'], 8)).toBe('4:7');
    // Lines indented more than the first keep their extra spaces in the value.
    expect(textAt(doc('c: |\n  sel\n    oops\n'), ['c'], 6)).toBe('3:5');
  });

  it('a folded block on its first line', () => {
    expect(textAt(doc('c: >\n  sel and\n  oops\n'), ['c'], 4)).toBe('2:7');
  });

  it('a value that is not text, or a path that does not exist: the place of the value', () => {
    const d = doc('n: 12\nm:\n  k: v\n');
    expect(textAt(d, ['n'], 1)).toBe('1:5');
    expect(textAt(d, ['m', 'missing'], 3)).toBe('3:3');
  });

  describe('where value and source characters differ', () => {
    it('escapes in a double-quoted scalar', () => {
      // "a\tb oops": "oops" is at column 10.
      expect(textAt(doc('c: "a\\tb oops"\n'), ['c'], 4)).toBe('1:10');
      expect(textAt(doc('c: "\\u00e9\\x41 oops"\n'), ['c'], 3)).toBe('1:16');
    });
    it('a doubled quote in a single-quoted scalar', () => {
      expect(textAt(doc("c: 'it''s oops'\n"), ['c'], 5)).toBe('1:11');
    });
    it('a plain scalar continued on the next line', () => {
      expect(textAt(doc('c: sel and\n  oops\n'), ['c'], 8)).toBe('2:3');
    });
    it('a plain scalar continued after an empty line', () => {
      expect(textAt(doc('c: one\n\n  three\n'), ['c'], 4)).toBe('3:3');
    });
    it('a quoted scalar continued on the next line', () => {
      expect(textAt(doc('c: "sel and\n   oops"\n'), ['c'], 8)).toBe('2:4');
      expect(textAt(doc('c: "sel \\\n   oops"\n'), ['c'], 4)).toBe('2:4');
    });
    it('a folded block after its first line', () => {
      expect(textAt(doc('c: >\n  sel and\n  oops\n'), ['c'], 8)).toBe('3:3');
    });
    it('a literal block starting with an empty line', () => {
      expect(textAt(doc('c: |\n\n  sel\n  oops\n'), ['c'], 5)).toBe('4:3');
    });
    it('the end of the value: right after its last character', () => {
      expect(textAt(doc('c: sel and (oops\n'), ['c'], 13)).toBe('1:17');
      expect(textAt(doc('c: "sel and (oops"\n'), ['c'], 13)).toBe('1:18');
      expect(textAt(doc('c: |\n  sel and\n  (oops\n'), ['c'], 13)).toBe('3:8');
    });
  });
});

describe('problems', () => {
  it('syntax errors: Invalid YAML with the first line of the parser message, at its place', () => {
    expect(read('a: [1, 2\nb: 3\n').messages).toEqual([
      'dir/f.yml:2:1: error: Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml-syntax]',
    ]);
    expect(read('a:\n\t- 1\n').messages).toEqual([
      'dir/f.yml:2:1: error: Invalid YAML: Tabs are not allowed as indentation [yaml-syntax]',
    ]);
    expect(read('a: "x\n').messages).toEqual([
      'dir/f.yml:2:1: error: Invalid YAML: Missing closing "quote [yaml-syntax]',
    ]);
    expect(read('a:\n  b: 1\n c: 2\n').messages).toEqual([
      'dir/f.yml:3:1: error: Invalid YAML: All mapping items must start at the same column [yaml-syntax]',
    ]);
    expect(read('title: a: b\n').messages).toEqual([
      'dir/f.yml:1:8: error: Invalid YAML: Nested mappings are not allowed in compact mappings [yaml-syntax]',
    ]);
    // Every problem of a document is reported.
    expect(read('a: "x\nb: [\n').messages).toEqual([
      'dir/f.yml:3:1: error: Invalid YAML: Missing closing "quote [yaml-syntax]',
    ]);
  });

  it('duplicate keys are a syntax error at the second key', () => {
    expect(read('a: 1\na: 2\n').messages).toEqual([
      'dir/f.yml:2:1: error: Invalid YAML: Map keys must be unique [yaml-syntax]',
    ]);
    expect(read('a:\n  b: 1\n  c: 2\n  b: 3\n').messages).toEqual([
      'dir/f.yml:4:3: error: Invalid YAML: Map keys must be unique [yaml-syntax]',
    ]);
    expect(read('{x: 1, x: 2}\n').messages).toEqual([
      'dir/f.yml:1:8: error: Invalid YAML: Map keys must be unique [yaml-syntax]',
    ]);
  });

  it('a broken document is left out; the other documents of the file are kept', () => {
    const r = read('a: 1\n---\nx: 1\nx: 2\n---\nb: 2\n');
    expect(r.values.map(plain)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(r.messages).toEqual(['dir/f.yml:4:1: error: Invalid YAML: Map keys must be unique [yaml-syntax]']);
  });

  it('aliases without an anchor before them: each reported at the alias, the document left out', () => {
    const r = read('b: *nope\nc: [*other]\nd: *x\ne: &x 1\n');
    expect(r.values).toEqual([]);
    expect(r.messages).toEqual([
      'dir/f.yml:1:4: error: Unknown alias "*nope", expected an anchor "&nope" defined before it [yaml-alias]',
      'dir/f.yml:2:5: error: Unknown alias "*other", expected an anchor "&other" defined before it [yaml-alias]',
      'dir/f.yml:3:4: error: Unknown alias "*x", expected an anchor "&x" defined before it [yaml-alias]',
    ]);
  });
});

describe('limits', () => {
  it('the defaults', () => {
    expect(defaultYamlLimits).toEqual({ maxAliasValues: 100_000, maxDepth: 200, maxTokens: 1_000_000 });
  });

  it('alias expansion: every value an alias produces counts, per document; the message is at the alias that goes over', () => {
    // Each *a produces 3 values (the list and its two items).
    const text = 'a: &a [1, 2]\nb: *a\nc: *a\n';
    expect(read(text, { maxAliasValues: 6 }).messages).toEqual([]);
    const over = read(text, { maxAliasValues: 5 });
    expect(over.values).toEqual([]);
    expect(over.messages).toEqual([
      'dir/f.yml:3:4: error: YAML aliases expand to more than 5 values (an alias bomb?), expected a document that is not inflated by aliases [yaml-too-large]',
    ]);
    expect(read('a: &a [1, 2]\nb: *a\n---\nc: &c [1, 2]\nd: *c\n', { maxAliasValues: 3 }).messages).toEqual([]);
    // b's two aliases produce 6 values; c's alias 9: the list, and each inner alias (1) with what it produces (3).
    // Reported at the outer alias.
    const nested = 'a: &a [1, 2]\nb: &b [*a, *a]\nc: *b\n';
    expect(read(nested, { maxAliasValues: 14 }).messages).toEqual([
      'dir/f.yml:3:4: error: YAML aliases expand to more than 14 values (an alias bomb?), expected a document that is not inflated by aliases [yaml-too-large]',
    ]);
    expect(read(nested, { maxAliasValues: 15 }).messages).toEqual([]);
  });

  it('an alias inside its own anchor: reported at the alias', () => {
    expect(read('a: &a\n  b: *a\n', { maxDepth: 5 }).messages).toEqual([
      'dir/f.yml:2:6: error: YAML aliases nest deeper than 5 levels (an alias refers to itself?), expected a finite document [yaml-too-large]',
    ]);
    expect(read('x: 1\na: &a [*a]\n').messages).toEqual([
      'dir/f.yml:2:8: error: YAML aliases nest deeper than 200 levels (an alias refers to itself?), expected a finite document [yaml-too-large]',
    ]);
  });

  it('depth: collections nested deeper than the limit, reported at the deepest value', () => {
    const text = 'a:\n  b:\n    c: 1\n';
    expect(read(text, { maxDepth: 3 }).messages).toEqual([]);
    expect(read(text, { maxDepth: 2 }).messages).toEqual([
      'dir/f.yml:3:8: error: YAML nests deeper than 2 levels, expected a shallower document [yaml-too-deep]',
    ]);
    expect(read('x: [[[[1]]]]\n', { maxDepth: 3 }).messages).toEqual([
      'dir/f.yml:1:8: error: YAML nests deeper than 3 levels, expected a shallower document [yaml-too-deep]',
    ]);
    // Expanding an alias counts as one more level: the same document written without the alias is within the limit.
    expect(read('b: {c: [1]}\n', { maxDepth: 3 }).messages).toEqual([]);
    expect(read('a: &a [1]\nb: {c: *a}\n', { maxDepth: 3 }).messages).toEqual([
      'dir/f.yml:2:8: error: YAML aliases nest deeper than 3 levels (an alias refers to itself?), expected a finite document [yaml-too-large]',
    ]);
    expect(read('a: &a [1]\nb: {c: *a}\n', { maxDepth: 4 }).messages).toEqual([]);
    // The whole file is refused, every document.
    expect(read('ok: 1\n---\nx: [[[[1]]]]\n', { maxDepth: 3 }).values).toEqual([]);
  });

  it('tokens: a longer text with more tokens than the limit is refused at 1:1; a text no longer than the limit never is', () => {
    expect(read('a: [1, 2, 3]\n', { maxTokens: 5 }).messages).toEqual([
      'dir/f.yml:1:1: error: YAML text has more than 5 tokens, expected a smaller file (split it) [yaml-too-large]',
    ]);
    expect(read('a: [1, 2, 3]\n', { maxTokens: 5 }).values).toEqual([]);
    expect(read('a: [1,2,3]\n', { maxTokens: 11 }).messages).toEqual([]);
    expect(read('a: [1, 2, 3]\n', { maxTokens: 100 }).messages).toEqual([]);
  });
});

/** Every problem of the positioned reading, or its values when there is none. */
function positionedValues(text: string): { values?: unknown[]; problem?: string } {
  const r = positioned(FILE, text);
  return r.diagnostics.length > 0
    ? { problem: formatDiagnostic(r.diagnostics[0]) }
    : { values: r.docs.map((d) => d.value) };
}

/** When the fast reading (js-yaml) reads a text, the positioned one (the yaml package) reads it the same, without problem. */
function agree(text: string): boolean {
  const fast = fastYamlValues(text);
  if (fast === undefined) return true;
  const slow = positionedValues(text);
  if (slow.problem !== undefined || !isDeepStrictEqual(fast, slow.values))
    throw new Error(`${JSON.stringify(text)}: fast ${JSON.stringify(fast)}, positioned ${JSON.stringify(slow)}`);
  return true;
}

describe('the fast reading and the positioned reading agree', () => {
  it('on the forms above, read without positions', () => {
    for (const text of [
      'yes: yes\non: on\ndate: 2026-05-01\nhex: 0x1F\noct: 0o17\nunderscored: 1_000\nint: 012\nf: 1.5e3\nn: ~\n',
      'a: one\n  two\n\n  three\nb: "x\n  y"\n',
      "a: \"t\\tu\\n\\u00e9\\\"x\"\nb: 'it''s \\n'\n",
      'lit: |\n  one\n    two\n\n  three\nfold: >-\n  a\n  b\n',
      '__proto__: {polluted: 1}\nconstructor: 2\n',
      '---\na: 1\n---\n---\nb: 2\n...\n',
    ]) {
      expect(fastYamlValues(text)).toBeDefined();
      expect(agree(text)).toBe(true);
    }
  });

  it('leaves to the positioned reading what js-yaml could read otherwise', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', // anchors and aliases (limits, merges)
      'a: !!str 1\n', // tags
      '[a]: 1\n', // complex keys
      '{[a]: 1}\n',
      '? a\n: b\n', // explicit keys
      '%YAML 1.1\n---\na: yes\n', // directives
      '<<: {a: 1}\n', // merge keys
      'a: 1\na: 2\n', // problems
      '# only a comment\n', // no document
      "c: 'a\n[\n  b'\n", // a line less indented than its parent
      'a: [1,# 2,\n  3]\n', // a comment without a blank before it
      'a:\t1\n', // tabs
    ]) {
      expect(fastYamlValues(text)).toBeUndefined();
    }
  });

  it('on generated texts (YAML forms, with random characters inserted)', () => {
    const words = [
      'yes',
      'on',
      '0x1F',
      '0o17',
      '1_000',
      '012',
      '+12',
      '-.5',
      '.inf',
      '.NaN',
      'null',
      '~',
      'True',
      'false',
      '2026-05-01',
      '12:30',
      '1e3',
      '1.',
      '1.50',
      'a b',
      'sel and oops',
      'C:\\Windows',
      'a#b',
      "it's",
      '<<',
      '*.exe',
      'é',
    ];
    const scalar = fc.oneof(
      fc.constantFrom(...words),
      fc.constantFrom(...words).map((w) => JSON.stringify(w)),
      fc.constantFrom(...words).map((w) => `'${w.replace(/'/g, "''")}'`),
      fc.string({ maxLength: 6 }),
    );
    const key = fc.oneof(
      fc.constantFrom('a', 'title', 'null', '1', '"1"', 'true', '1.0', '0x10', '"<<"', '~', 'x y'),
      fc.string({ minLength: 1, maxLength: 4 }),
    );
    type Tree = string | { map: [string, Tree][] } | { seq: Tree[] };
    const { node } = fc.letrec<{ node: Tree; map: Tree; seq: Tree }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, tie('map'), tie('seq')),
      map: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((e) => ({ map: e })),
      seq: fc.array(tie('node'), { maxLength: 4 }).map((e) => ({ seq: e })),
    }));
    const render = (n: Tree, indent: number, flow: boolean): string => {
      if (typeof n === 'string') return ' ' + n;
      const pad = ' '.repeat(indent);
      if ('map' in n) {
        if (flow || n.map.length === 0)
          return ' {' + n.map.map(([k, v]) => k + ':' + render(v, 0, true)).join(', ') + '}';
        return '\n' + n.map.map(([k, v]) => pad + k + ':' + render(v, indent + 2, false)).join('\n');
      }
      if (flow || n.seq.length === 0) return ' [' + n.seq.map((v) => render(v, 0, true).trim()).join(', ') + ']';
      return '\n' + n.seq.map((v) => pad + '-' + render(v, indent + 2, false)).join('\n');
    };
    const forms = fc.constantFrom(
      'c: |\n  one\n   two\n\n  three\n',
      'c: >-\n  a\n  b\n\n  c\n',
      'c: "a\n  b\\\n  c"\n',
      "c: 'a\n\n  b'\n",
      'c: a\n  b\n',
      '---\na: 1\n...\n---\nb: 2\n',
      'a: [1, 2,\n  3]\n',
      '- - a\n  - b\n- c\n',
      'a:\n- x\n- y\n',
      'a: # c\n  b\n',
    );
    const doc = fc.oneof(
      node.map((t) => render(t, 0, false).replace(/^\n/, '') + '\n'),
      node.map((t) => render(t, 0, true).trim() + '\n'),
      forms,
    );
    const noise = fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom(
          '\t',
          ':',
          '-',
          '?',
          '[',
          ']',
          '{',
          '}',
          "'",
          '"',
          '#',
          '&',
          '*',
          '!',
          '%',
          '|',
          '>',
          '\n',
          ' ',
          ',',
          '\\',
          '\r\n',
          '\n  ',
          '---',
          '...',
          '<<: ',
        ),
      ),
      { maxLength: 3 },
    );
    const text = fc.tuple(doc, noise).map(([d, inserts]) => {
      let t = d;
      for (const [p, c] of inserts) {
        const i = p % (t.length + 1);
        t = t.slice(0, i) + c + t.slice(i);
      }
      return t;
    });
    fc.assert(fc.property(text, agree), { numRuns: 3000, seed: 12 });
  });

  it('on every YAML file of the reference corpora', () => {
    if (!haveShared('data', 'intake-formats') || !haveShared('data', 'sigmahq')) return;
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    walk(shared('data', 'sigmahq'));
    walk(shared('data', 'intake-formats'));
    let positionedOnly = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (fastYamlValues(text) === undefined) positionedOnly++;
      else agree(text);
    }
    // The fast reading reads nearly all of them (23 of 4,547 when written).
    expect(positionedOnly).toBeLessThan(files.length / 50);
  }, 120_000);
});

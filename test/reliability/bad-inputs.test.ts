/**
 * Broken and hostile inputs, one fixture per case, built in the test on top
 * of a valid catalog whose output was generated first. Each case asserts the
 * exit code, the exact `file:line:col` error lines, and that the previously
 * generated output folder is unchanged to the byte (and to the mtime: nothing
 * was rewritten either).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTAKE_MANIFEST, readTree, runCli, writeTree } from '../tree.js';
import { catalog, errorLines, GENERATE, RULE, snapshot, U1, U2, generateInto } from './helpers.js';

interface Case {
  name: string;
  /** Files added to (or replacing files of) the valid catalog. */
  files?: Record<string, string | Uint8Array>;
  /** Other changes to the catalog folder (links, folders). */
  setup?: (root: string) => void;
  /** Arguments instead of GENERATE. */
  args?: string[];
  code?: number;
  /** The exact error lines, in the order printed (given the catalog folder). */
  errors: string[] | ((root: string) => string[]);
}

const SEL = '  sel:\n    process.executable: x.exe\n  condition: sel\n';

/** Nine levels of nine aliases: 9^9 (387 million) values once expanded. */
function billionLaughs(): string {
  const names = 'abcdefghi';
  let text = `title: Laughs\nid: r-lol\nlol0: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n`;
  for (let i = 1; i < names.length; i++)
    text += `lol${i}: &${names[i]} [${Array(9)
      .fill(`*${names[i - 1]}`)
      .join(', ')}]\n`;
  return text + `detection:\n${SEL}`;
}

const cases: Case[] = [
  {
    name: 'YAML syntax error: unclosed flow sequence',
    files: { 'rules/bad.yml': 'title: x\nid: [unclosed\n' },
    errors: [
      'rules/bad.yml:3:1: error: Invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] [yaml-syntax]',
    ],
  },
  {
    name: 'YAML syntax error: bad indentation',
    files: { 'rules/bad.yml': 'title: x\n  id: y\n' },
    errors: [
      'rules/bad.yml:1:8: error: Invalid YAML: Implicit keys need to be on a single line [yaml-syntax]',
      'rules/bad.yml:1:8: error: Invalid YAML: Nested mappings are not allowed in compact mappings [yaml-syntax]',
    ],
  },
  {
    name: 'YAML syntax error: duplicate key',
    files: { 'rules/bad.yml': RULE('r-x', 'X') + 'title: again\n' },
    errors: ['rules/bad.yml:14:1: error: Invalid YAML: Map keys must be unique [yaml-syntax]'],
  },
  {
    name: 'a list where the rule map is expected',
    files: { 'rules/bad.yml': '- title: x\n- id: y\n' },
    errors: ['rules/bad.yml:1:1: error: Unexpected list at top level, expected a map (a Sigma rule) [rule-type]'],
  },
  {
    name: 'a list where "detection" (a map) is expected',
    files: { 'rules/bad.yml': 'title: X\nid: r-x\ndetection:\n  - sel\n  - condition\n' },
    errors: [
      'rules/bad.yml:4:3: error: Unexpected list for "detection", expected a map of search identifiers and a condition [detection-type]',
    ],
  },
  {
    name: 'a string where "tags" (a list) is expected',
    files: {
      'rules/bad.yml': RULE('r-x', 'X').replace(
        'tags:\n  - attack.execution\n  - attack.t1059.001\n',
        'tags: attack.t1059\n',
      ),
    },
    errors: ['rules/bad.yml:5:7: error: Unexpected string for "tags", expected a list of strings [rule-type]'],
  },
  {
    name: 'a string where "logsource" (a map) is expected',
    files: { 'rules/bad.yml': RULE('r-x', 'X').replace('logsource:\n  product: windows\n', 'logsource: windows\n') },
    errors: [
      'rules/bad.yml:8:12: error: Unexpected string for "logsource", expected a map with product, category or service [rule-type]',
    ],
  },
  {
    name: 'missing title',
    files: { 'rules/bad.yml': `id: r-x\ndetection:\n${SEL}` },
    errors: ['rules/bad.yml:1:1: error: Missing "title", expected a non-empty string [rule-missing-title]'],
  },
  {
    name: 'missing id',
    files: { 'rules/bad.yml': `title: X\ndetection:\n${SEL}` },
    errors: ['rules/bad.yml:1:1: error: Missing "id", expected a non-empty string [rule-missing-id]'],
  },
  {
    name: 'duplicate rule ids, both files named',
    files: { 'rules/z-dup.yml': RULE('r-a', 'Copy') },
    errors: [
      'rules/z-dup.yml:2:5: error: Duplicate rule id r-a: also used by rules/a.yml:2:5, expected ids to be unique [duplicate-rule-id]',
    ],
  },
  {
    name: 'condition naming an undefined identifier',
    files: { 'rules/bad.yml': RULE('r-x', 'X', '  sel:\n    a: 1\n  condition: sel and not filter\n') },
    errors: [
      'rules/bad.yml:13:14: error: Unknown search identifier "filter" in condition, expected one of: sel [condition-identifier]',
    ],
  },
  {
    name: 'condition with an unclosed parenthesis',
    files: { 'rules/bad.yml': RULE('r-x', 'X', '  sel:\n    a: 1\n  condition: (sel or sel\n') },
    errors: ['rules/bad.yml:13:25: error: Unexpected end of condition, expected ")" [condition-syntax]'],
  },
  {
    name: 'condition with an extra closing parenthesis',
    files: { 'rules/bad.yml': RULE('r-x', 'X', '  sel:\n    a: 1\n  condition: sel)\n') },
    errors: [
      'rules/bad.yml:13:17: error: Unexpected ")" in condition, expected "and", "or" or end of condition [condition-syntax]',
    ],
  },
  {
    name: 'condition nested 5000 levels deep',
    files: {
      'rules/bad.yml': RULE('r-x', 'X', `  sel:\n    a: 1\n  condition: ${'('.repeat(5000)}sel${')'.repeat(5000)}\n`),
    },
    errors: [
      'rules/bad.yml:13:114: error: Unexpected "(" in condition: nesting deeper than 100 levels, expected a simpler condition [condition-syntax]',
    ],
  },
  {
    name: 'unknown modifier',
    files: {
      'rules/bad.yml': RULE('r-x', 'X', '  sel:\n    process.command_line|contians: whoami\n  condition: sel\n'),
    },
    errors: [
      'rules/bad.yml:12:5: error: Unknown modifier "contians" in "process.command_line|contians", expected one of: contains, startswith, endswith, all, exists, cased, neq, base64, base64offset, wide, utf16le, utf16be, utf16, windash, re, i, m, s, cidr, expand, fieldref, lt, lte, gt, gte, minute, hour, day, week, month, year [unknown-modifier]',
    ],
  },
  {
    name: 'non-UTF-8 bytes in a rule',
    files: {
      'rules/bad.yml': Buffer.concat([
        Buffer.from('title: Caf'),
        Buffer.from([0xe9]),
        Buffer.from(`\nid: r-x\ndetection:\n${SEL}`),
      ]),
    },
    errors: ['rules/bad.yml:1:11: error: Unexpected byte 0xe9, expected UTF-8 text [not-utf8]'],
  },
  {
    name: 'non-UTF-8 bytes in an intake manifest',
    files: {
      'intakes/Vendor/fw/_meta/manifest.yml': Buffer.concat([
        Buffer.from(`uuid: ${U2}\nname: Fire`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('\n'),
      ]),
    },
    errors: ['intakes/Vendor/fw/_meta/manifest.yml:2:11: error: Unexpected byte 0xff, expected UTF-8 text [not-utf8]'],
  },
  {
    name: 'empty rule file',
    files: { 'rules/empty.yml': '' },
    errors: ['rules/empty.yml: error: Empty file, expected a Sigma rule [empty-file]'],
  },
  {
    name: 'empty intake manifest',
    files: { 'intakes/Vendor/fw/_meta/manifest.yml': '' },
    errors: ['intakes/Vendor/fw/_meta/manifest.yml: error: Empty file, expected a YAML document [empty-file]'],
  },
  {
    name: 'YAML alias bomb (billion laughs)',
    files: { 'rules/bomb.yml': billionLaughs() },
    errors: [
      'rules/bomb.yml:8:11: error: YAML aliases expand to more than 100000 values (an alias bomb?), expected a document that is not inflated by aliases [yaml-too-large]',
    ],
  },
  {
    name: 'YAML alias referring to itself',
    files: { 'rules/bad.yml': `title: X\nid: r-x\nloop: &loop [1, *loop]\ndetection:\n${SEL}` },
    errors: [
      'rules/bad.yml:3:17: error: YAML aliases nest deeper than 200 levels (an alias refers to itself?), expected a finite document [yaml-too-large]',
    ],
  },
  {
    name: 'YAML alias without anchor',
    files: { 'rules/bad.yml': `title: X\nid: r-x\ndescription: *nowhere\ndetection:\n${SEL}` },
    errors: [
      'rules/bad.yml:3:14: error: Unknown alias "*nowhere", expected an anchor "&nowhere" defined before it [yaml-alias]',
    ],
  },
  {
    name: 'YAML nested 10000 levels deep',
    files: {
      'rules/bad.yml': `title: X\nid: r-x\ndeep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\ndetection:\n${SEL}`,
    },
    errors: [
      'rules/bad.yml:3:10006: error: YAML nests deeper than 200 levels, expected a shallower document [yaml-too-deep]',
    ],
  },
  {
    name: 'YAML with more tokens than the limit',
    files: { 'rules/bad.yml': `title: X\nid: r-x\nbig: [${Array(600_000).fill('1').join(',')}]\ndetection:\n${SEL}` },
    errors: [
      'rules/bad.yml:1:1: error: YAML text has more than 1000000 tokens, expected a smaller file (split it) [yaml-too-large]',
    ],
  },
  {
    name: 'symbolic link loop in the rules folder',
    setup: (root) => symlinkSync('.', path.join(root, 'rules/loop')),
    errors: ['rules/loop: error: Symbolic link loops back to a parent folder, expected a tree [symlink-loop]'],
  },
  {
    name: 'symbolic link to itself, named like a rule',
    setup: (root) => symlinkSync('self.yml', path.join(root, 'rules/self.yml')),
    errors: [
      'rules/self.yml: error: Symbolic link is broken or loops, expected a link to a file or folder inside the input folder [symlink-broken]',
    ],
  },
  {
    name: 'symbolic link pointing outside the input folder',
    setup: (root) => {
      writeTree({ 'elsewhere/evil.yml': RULE('r-evil', 'Evil') }, root);
      symlinkSync('../elsewhere', path.join(root, 'rules/link'));
    },
    errors: [
      'rules/link: error: Symbolic link points outside the input folder (rules), expected a target inside it [symlink-outside]',
    ],
  },
  {
    name: 'symbolic links multiplying a folder (2^20 paths)',
    setup: (root) => {
      for (let i = 0; i < 20; i++) mkdirSync(path.join(root, `rules/m/d${i}`), { recursive: true });
      for (let i = 0; i < 19; i++) {
        symlinkSync(`../d${i + 1}`, path.join(root, `rules/m/d${i}/x`));
        symlinkSync(`../d${i + 1}`, path.join(root, `rules/m/d${i}/y`));
      }
    },
    // Each of the 38 links is refused once it leads to a folder already read: via the d0/x/x/... chain, then d1..d18 directly.
    errors: () =>
      [
        ...Array.from({ length: 19 }, (_, i) => `rules/m/d0/${'x/'.repeat(18 - i)}y`),
        ...Array.from({ length: 18 }, (_, i) => i + 1)
          .sort((a, b) => (String(a) < String(b) ? -1 : 1))
          .flatMap((i) => [`rules/m/d${i}/x`, `rules/m/d${i}/y`]),
      ].map(
        (p) =>
          `${p}: error: Symbolic link leads to a folder already read, expected each folder once [symlink-duplicate]`,
      ),
  },
  {
    name: 'symbolic links named like rules, dangling and leading outside',
    setup: (root) => {
      writeTree({ 'elsewhere/evil.yml': RULE('r-evil', 'Evil') }, root);
      symlinkSync('../elsewhere/evil.yml', path.join(root, 'rules/evil.yml'));
      symlinkSync('missing.yml', path.join(root, 'rules/gone.yml'));
    },
    errors: [
      'rules/evil.yml: error: Symbolic link points outside the input folder (rules), expected a target inside it [symlink-outside]',
      'rules/gone.yml: error: Symbolic link is broken or loops, expected a link to a file or folder inside the input folder [symlink-broken]',
    ],
  },
  {
    name: 'technique tags that are not technique IDs (each would vanish from the layers)',
    files: {
      'rules/bad.yml': RULE('r-x', 'X').replace(
        '  - attack.t1059.001\n',
        [
          'attack.t1059.0001',
          'attack.t10590',
          'attack.t1059-001',
          'attack.t1059_001',
          'attack.t1059.01',
          'attack.t1059.001.002',
          'attack.t1059/001',
          'attack.t.1059',
          'attack.1059',
          '"attack.T1059 "',
          '"attack.t1059\\nrules/evil.yml:1:1: error: forged [forged]"',
        ]
          .map((t) => `  - ${t}\n`)
          .join(''),
      ),
    },
    errors: [
      'attack.t1059.0001',
      'attack.t10590',
      'attack.t1059-001',
      'attack.t1059_001',
      'attack.t1059.01',
      'attack.t1059.001.002',
      'attack.t1059/001',
      'attack.t.1059',
      'attack.1059',
      'attack.T1059 ',
      'attack.t1059\nrules/evil.yml:1:1: error: forged [forged]',
    ].map(
      (tag, i) =>
        `rules/bad.yml:${7 + i}:5: error: Unexpected ATT&CK tag ${JSON.stringify(tag)}, expected a technique as attack.tNNNN or attack.tNNNN.NNN (such as attack.t1059.001) [malformed-technique]`,
    ),
  },
  {
    name: 'a rule file over the size limit (--max-file-size 1)',
    files: { 'rules/big.yml': RULE('r-big', 'Big') + `# ${'x'.repeat(1536 * 1024)}\n` },
    args: [...GENERATE, '--max-file-size', '1'],
    errors: [
      'rules/big.yml: error: Unexpected rule file of 1.5 MiB, expected at most 1 MiB; raise it with --max-file-size (maxFileSize:) [file-too-large]',
    ],
  },
  {
    name: 'a test event over the size limit (4 MiB)',
    files: {
      'intakes/Vendor/edr/tests/big.json': JSON.stringify({
        input: { message: 'x'.repeat(5 * 1024 * 1024) },
        expected: {},
      }),
    },
    errors: [
      'intakes/Vendor/edr/tests/big.json: error: Unexpected test event of 5 MiB, expected at most 4 MiB; raise it with --max-file-size (maxFileSize:) [file-too-large]',
    ],
  },
  {
    name: 'intake uuid that is not a UUID',
    files: { 'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST('not-a-uuid', 'Vendor Firewall') },
    errors: [
      'intakes/Vendor/fw/_meta/manifest.yml:1:7: error: Unexpected uuid "not-a-uuid", expected a UUID such as 0b5c0d2a-6c7e-4d1a-9f0e-2b8f6d3c4a51 [manifest-uuid]',
    ],
  },
  {
    name: 'intake uuid trying path traversal',
    files: { 'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST('../../x', 'Vendor Firewall') },
    errors: [
      'intakes/Vendor/fw/_meta/manifest.yml:1:7: error: Unexpected uuid "../../x", expected a UUID such as 0b5c0d2a-6c7e-4d1a-9f0e-2b8f6d3c4a51 [manifest-uuid]',
    ],
  },
  {
    name: 'a list where the intake manifest map is expected',
    files: { 'intakes/Vendor/fw/_meta/manifest.yml': `- uuid: ${U2}\n- name: Vendor Firewall\n` },
    errors: [
      'intakes/Vendor/fw/_meta/manifest.yml:1:1: error: Unexpected value at top level, expected a map with uuid, name and slug [manifest-type]',
    ],
  },
  {
    name: 'a list where the map of fields.yml is expected',
    files: { 'intakes/Vendor/fw/_meta/fields.yml': '- destination.port\n' },
    errors: [
      'intakes/Vendor/fw/_meta/fields.yml:1:1: error: Unexpected value at top level, expected a map of field name: {name, type, description} [fields-type]',
    ],
  },
  {
    name: 'two intakes with one uuid',
    files: { 'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor Firewall') },
    errors: [
      'intakes/Vendor/fw/_meta/manifest.yml:1:1: error: Duplicate intake uuid 11111111-1111-4111-8111-111111111111: also used by intakes/Vendor/edr/_meta/manifest.yml, expected uuids to be unique [duplicate-intake-uuid]',
    ],
  },
  {
    name: 'parser whose stages is a list',
    files: { 'intakes/Vendor/edr/ingest/parser.yml': 'name: p\npipeline:\n  - name: s\nstages:\n  - s\n' },
    errors: [
      'intakes/Vendor/edr/ingest/parser.yml:5:3: error: Unexpected list for "stages", expected a map of stage name: {actions} [parser-stages]',
    ],
  },
  {
    name: 'parser whose stages is a string',
    files: { 'intakes/Vendor/edr/ingest/parser.yml': 'name: p\npipeline: []\nstages: none\n' },
    errors: [
      'intakes/Vendor/edr/ingest/parser.yml:3:9: error: Unexpected string for "stages", expected a map of stage name: {actions} [parser-stages]',
    ],
  },
  {
    name: 'test event that is not JSON',
    files: { 'intakes/Vendor/edr/tests/t1.json': '{"input": {"message": "x"}, "expected": {' },
    errors: [
      "intakes/Vendor/edr/tests/t1.json:1:42: error: Invalid JSON in test event: Expected property name or '}' in JSON at position 41 [test-json]",
    ],
  },
  {
    name: 'test event nested 100000 levels deep',
    files: { 'intakes/Vendor/edr/tests/t1.json': `{"expected": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}` },
    errors: [
      'intakes/Vendor/edr/tests/t1.json:1:1: error: Test event nests deeper than 200 levels, expected a flatter event [test-json-depth]',
    ],
  },
  {
    name: 'template error',
    setup: (root) =>
      writeTree(
        { 'templates/page.md.hbs': '---\neach: intake\noutput: "{{layerFile}}.md"\n---\n{{nothing.here}}\n' },
        root,
      ),
    args: [...GENERATE, '--templates', 'templates'],
    errors: () =>
      [U1, U2].map(
        (u) =>
          `templates/page.md.hbs: error: Rendering "attack_${u}_do_not_edit_manually.json.md" failed: "here" not defined in undefined - 1:2 [template-error]`,
      ),
  },
  {
    name: 'output path that is a file',
    setup: (root) => writeFileSync(path.join(root, 'out-file'), 'x'),
    args: generateInto('out-file'),
    errors: ['out-file: error: Output path is a file, expected a folder [out-not-folder]'],
  },
  {
    name: 'output folder that cannot be created (below a regular file)',
    setup: (root) => writeFileSync(path.join(root, 'out-file'), 'x'),
    args: generateInto('out-file/sub'),
    errors: [
      'out-file/sub: error: Cannot write output: ENOTDIR (a part of the path is a file, not a folder) [write-failed]',
    ],
  },
];

describe('bad inputs: exit 2, every problem at file:line:col, output unchanged', () => {
  it.each(cases)('$name', async (c) => {
    const root = catalog();
    const first = await runCli(GENERATE, root);
    expect(first.code).toBe(0);
    const out = path.join(root, 'out');
    const before = snapshot(out);
    if (c.files) writeTree(c.files, root);
    c.setup?.(root);
    const r = await runCli(c.args ?? GENERATE, root);
    if (process.env.SHOW) console.log(c.name, r.code, JSON.stringify(errorLines(r.stderr), null, 1));
    expect(r.code).toBe(c.code ?? 2);
    expect(errorLines(r.stderr)).toEqual(typeof c.errors === 'function' ? c.errors(root) : c.errors);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('harmless layouts work: the same output as the plain layout', () => {
  /** Every output file's bytes (relative path → content). */
  const outputOf = (root: string) => readTree(path.join(root, 'out'));

  it.each([
    [
      'a folder given twice and folders inside others',
      ['rules', './rules/', 'rules/sub'],
      ['intakes', 'intakes/Vendor', 'intakes/Vendor/edr/'],
    ],
    ['inner folders first', ['rules/sub', 'rules'], ['intakes/Vendor/fw', 'intakes']],
    ['a folder given through a link to it', ['rules', 'alias'], ['intakes']],
  ])('overlapping input folders (%s): each file read once', async (_, rules, intakes) => {
    const plain = catalog();
    expect((await runCli(GENERATE, plain)).code).toBe(0);
    const root = catalog();
    symlinkSync('rules', path.join(root, 'alias'));
    const base = GENERATE.slice(GENERATE.indexOf('--base-url'), GENERATE.indexOf('--base-url') + 2);
    const r = await runCli(['generate', '--rules', ...rules, '--intakes', ...intakes, '--out', 'out', ...base], root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(root)).toEqual(outputOf(plain));
  });

  it('links whose names rulecat does not read are ignored, wherever they lead', async () => {
    const plain = catalog();
    expect((await runCli(GENERATE, plain)).code).toBe(0);
    const root = catalog({ LICENSE: 'MIT\n', 'README.md': '# catalog\n' });
    symlinkSync('../LICENSE', path.join(root, 'rules/LICENSE'));
    symlinkSync('nowhere.txt', path.join(root, 'rules/notes.txt'));
    symlinkSync('loop.txt', path.join(root, 'rules/loop.txt'));
    symlinkSync('/dev/zero', path.join(root, 'rules/zero.txt'));
    symlinkSync('../../README.md', path.join(root, 'intakes/Vendor/README.md'));
    symlinkSync('/etc/passwd', path.join(root, 'intakes/Vendor/edr/passwd'));
    const r = await runCli(GENERATE, root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(outputOf(root)).toEqual(outputOf(plain));
  });
});

describe('huge inputs', () => {
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.';
  const huge = Array(Math.ceil(10_000_000 / (line.length + 1)))
    .fill(line)
    .join('\n');

  it.each([
    ['plain', huge],
    // Past 100 kB descriptions are not parsed as markdown: every tag-like `<` is escaped, code spans included.
    [
      '200 kB with raw HTML and code spans on every line',
      huge.slice(0, 200_000).replace(/ut labore\./g, '<b>ut</b> `<x>` labore.'),
    ],
  ])('a huge description (%s) is written, inside its block', async (_, description) => {
    const rule = RULE('r-huge', 'Huge').replace(
      /description: .*\n/,
      `description: |-\n${description.replace(/^/gm, '  ')}\n`,
    );
    const root = catalog({ 'rules/huge.yml': rule });
    const r = await runCli(GENERATE, root);
    expect(errorLines(r.stderr)).toEqual([]);
    expect(r.code).toBe(0);
    const page = readFileSync(path.join(root, `out/suggested_rules_${U1}_do_not_edit_manually.md`), 'utf8');
    const block = page.slice(page.indexOf('??? abstract "Huge"'), page.indexOf('??? abstract "Zeta Process"'));
    const lines = block.split('\n').slice(1, -2);
    expect(lines.length).toBe(description.split('\n').length + 3);
    expect(lines.every((l) => l.startsWith('    '))).toBe(true);
    expect(block).not.toMatch(/<b>/);
    rmSync(root, { recursive: true, force: true }); // 20 MB of temporary files
  });
});

describe('an output folder without write permission', () => {
  it.skipIf(process.getuid?.() === 0)('exits 2 with the path and leaves it as it was', async () => {
    const root = catalog();
    expect((await runCli(GENERATE, root)).code).toBe(0);
    const out = path.join(root, 'out');
    writeTree({ 'rules/new.yml': RULE('r-new', 'New') }, root);
    const before = snapshot(out);
    chmodSync(out, 0o500);
    try {
      const r = await runCli(GENERATE, root);
      expect(r.code).toBe(2);
      expect(errorLines(r.stderr)).toEqual([
        'out: error: Cannot write output: EACCES (permission denied) [write-failed]',
      ]);
    } finally {
      chmodSync(out, 0o755);
    }
    expect(snapshot(out)).toEqual(before);
  });
  if (process.getuid?.() === 0) {
    console.warn(
      '[skipped] unwritable output folder via chmod: tests run as root, for whom permissions do not prevent writing; bounded-reads.test.ts runs this case as nobody',
    );
  }
});

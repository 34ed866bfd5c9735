/**
 * Fuzzing the loaders and the condition parser: whatever the input, no
 * exception escapes, and every failure is a diagnostic with a place inside
 * the file, a code and a message. Bounded runs here; a long run with
 * `FUZZ_RUNS=100000 npx vitest run test/reliability/fuzz-loaders.test.ts`.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Diagnostic } from '../../generator/diagnostics.js';
import { readIntakes } from '../../generator/load/read-intakes.js';
import { decodeUtf8 } from '../../generator/load/read-text.js';
import { readRuleText } from '../../generator/load/read-rules.js';
import { readYamlDocs } from '../../generator/load/read-yaml.js';
import { formatCondition, parseCondition, resolveCondition } from '../../generator/model/condition.js';
import { buildCatalog } from '../../generator/model/catalog.js';
import { readFieldsFile, readManifest } from '../../generator/model/intake.js';
import { readParserFacts } from '../../generator/model/parser.js';
import { DEFAULT_EFFORT_BY_LEVEL } from '../../generator/model/rule.js';
import { INTAKE_MANIFEST, PARSER, runCli, writeTree } from '../tree.js';
import { catalogFiles, FUZZ_TIMEOUT, fuzzRuns, GENERATE, RULE } from './helpers.js';

/** A diagnostic names the file, a place within the text (or the whole file), a code and a message. */
function expectWellFormed(diagnostics: readonly Diagnostic[], file: string, text: string): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of diagnostics) {
    expect(d.file).toBe(file);
    expect(['error', 'warning']).toContain(d.severity);
    expect(d.code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(d.line) && Number.isInteger(d.col)).toBe(true);
    expect(d.line >= 0 && d.col >= 0 && d.line <= lines + 1).toBe(true);
  }
}

/** YAML-ish pieces: structure, anchors, tags, quotes, odd characters. */
const YAML_PIECES = [
  ': ',
  '- ',
  '? ',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  '#',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: *a',
  '!!binary ',
  '!!set ',
  '!!omap ',
  '!custom ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '|',
  '|-',
  '>',
  '"',
  "'",
  '\\',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '\u0000',
  '\ufeff',
  '\u2028',
  '😀',
  'é',
  'title',
  'id',
  'detection',
  'condition',
  'sel',
  'selection',
  'tags',
  'logsource',
  'correlation',
  'filter',
  'rules',
  'group-by',
  'effort',
  'changelog',
  'intakes',
  'level',
  'description',
  'field|contains',
  'field|re|i',
  'a|unknown',
  '|all',
  'not ',
  ' and ',
  ' or ',
  '1 of sel*',
  'all of them',
  '(',
  ')',
  'null',
  '~',
  'true',
  '0x1F',
  '1e309',
  '-.inf',
  '2026-13-45',
  'x'.repeat(200),
];

const yamlish = fc
  .array(
    fc.oneof(fc.constantFrom(...YAML_PIECES), fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 })),
    { maxLength: 40 },
  )
  .map((p) => p.join(''));

/** A valid text with random edits: characters inserted, deleted or replaced, pieces spliced in. */
function mutated(valid: string) {
  const edit = fc.tuple(
    fc.nat(),
    fc.nat({ max: 5 }),
    fc.oneof(fc.constantFrom(...YAML_PIECES), fc.string({ maxLength: 3 })),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let text = valid;
    for (const [at, remove, insert] of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text;
  });
}

/** Random values of any shape under the keys a rule (or an intake file) uses. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom(
      'sel',
      'sel and not filter',
      '1 of sel*',
      'x|contains',
      'attack.t1059',
      'minor',
      '2026-01-01',
      '{{a.b}}',
    ),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'title',
          'id',
          'sel',
          'condition',
          'field|contains',
          'name',
          'actions',
          'set',
          'translate',
          'mapping',
          'external',
          'stages',
          'pipeline',
          'uuid',
          'expected',
        ),
        fc.string({ maxLength: 6 }),
      ),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

const structured = (keys: string[]) =>
  fc
    .dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length })
    .map((v) => stringify(v, { lineWidth: 0 }));

const RULE_KEYS = [
  'title',
  'id',
  'description',
  'level',
  'status',
  'effort',
  'tags',
  'logsource',
  'detection',
  'correlation',
  'filter',
  'changelog',
  'intakes',
  'data_sources',
  'references',
  'author',
];
const VALID_RULE = RULE(
  'r-1',
  'Valid',
  '  sel:\n    process.command_line|contains: whoami\n  filter:\n    user.name: admin\n  condition: sel and not filter\n',
  'effort: master\nchangelog:\n  - {date: 2026-03-02, type: minor, description: x}\n',
);
const VALID_PARSER = PARSER({ 'process.executable': '{{parsed.message.image}}', 'cloud.provider': 'aws' });
const VALID_MANIFEST = INTAKE_MANIFEST('11111111-1111-4111-8111-111111111111', 'Vendor EDR');
const VALID_FIELDS = 'destination.port:\n  name: destination.port\n  type: long\n  description: port\n';

const options = { effortByLevel: DEFAULT_EFFORT_BY_LEVEL };

describe('fuzzing the rule loader', () => {
  it.each([
    ['random YAML-ish text', yamlish],
    ['mutated valid rules', mutated(VALID_RULE)],
    ['random values under rule keys', structured(RULE_KEYS)],
  ])(
    '%s: no exception, well-formed diagnostics, and rules only without errors',
    (_, arb) => {
      fc.assert(
        fc.property(arb, (text) => {
          const diagnostics: Diagnostic[] = [];
          const rules = readRuleText('r.yml', text, options, diagnostics);
          expectWellFormed(diagnostics, 'r.yml', text);
          for (const rule of rules) {
            expect(rule.title.trim()).not.toBe('');
            expect(rule.id.trim()).not.toBe('');
          }
          const catalogProblems: Diagnostic[] = [];
          buildCatalog(rules, [], catalogProblems);
          expectWellFormed(catalogProblems, 'r.yml', text);
        }),
        { numRuns: fuzzRuns(400) },
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe('fuzzing the intake loaders', () => {
  const readers = {
    manifest: (doc: Parameters<typeof readManifest>[0], d: Diagnostic[]) => readManifest(doc, d),
    parser: (doc: Parameters<typeof readParserFacts>[0], d: Diagnostic[]) => readParserFacts(doc, d),
    fields: (doc: Parameters<typeof readFieldsFile>[0], d: Diagnostic[]) => readFieldsFile(doc, d),
  };
  it.each([
    ['manifest', mutated(VALID_MANIFEST)],
    ['manifest', structured(['uuid', 'name', 'slug', 'description', 'data_sources'])],
    ['parser', mutated(VALID_PARSER)],
    ['parser', structured(['name', 'pipeline', 'stages'])],
    ['fields', mutated(VALID_FIELDS)],
    ['fields', yamlish],
  ] as const)(
    '%s files: no exception, well-formed diagnostics',
    (kind, arb) => {
      fc.assert(
        fc.property(arb, (text) => {
          const { docs, diagnostics } = readYamlDocs('f.yml', text);
          for (const doc of docs) readers[kind](doc, diagnostics);
          expectWellFormed(diagnostics, 'f.yml', text);
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'whole intake folders (manifest, parser, fields, test events) from disk: no exception',
    () => {
      const jsonish = fc.oneof(
        fc.json({ maxDepth: 4 }),
        fc.json({ maxDepth: 3 }).map((j) => `{"input": {}, "expected": ${j}}`),
        mutated(
          '{"input": {"message": "x"}, "expected": {"process": {"executable": "x.exe"}, "tags": ["a", {"b": 1}]}}',
        ),
      );
      fc.assert(
        fc.property(
          mutated(VALID_MANIFEST),
          mutated(VALID_PARSER),
          mutated(VALID_FIELDS),
          jsonish,
          (manifest, parser, fields, event) => {
            const root = writeTree({
              'V/_meta/manifest.yml': 'name: Vendor\n',
              'V/i/_meta/manifest.yml': manifest,
              'V/i/ingest/parser.yml': parser,
              'V/i/_meta/fields.yml': fields,
              'V/i/tests/t.json': event,
            });
            const { diagnostics } = readIntakes([root], { platformFields: ['message'] }, root);
            for (const d of diagnostics) {
              expect(d.file.startsWith(path.basename(root)) || d.file.startsWith('V/') || d.file === '.').toBe(true);
              expect(d.line >= 0 && d.col >= 0).toBe(true);
              expect(d.message.length).toBeGreaterThan(0);
            }
          },
        ),
        { numRuns: fuzzRuns(60) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'decoding random bytes: text, or an error at the first invalid byte',
    () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          const r = decodeUtf8('b.yml', bytes);
          if (r.text === undefined) {
            expect(r.diagnostics).toHaveLength(1);
            expect(r.diagnostics[0].code).toBe('not-utf8');
            expect(r.diagnostics[0].line).toBeGreaterThanOrEqual(1);
          } else
            expect(
              Buffer.from(r.text, 'utf8').equals(
                Buffer.from(bytes).subarray(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0),
              ),
            ).toBe(true);
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT,
  );
});

describe('fuzzing the condition parser', () => {
  const TOKENS = [
    'sel',
    'filter',
    'sel_1',
    'sel*',
    '*',
    'a.b',
    'x-y',
    'and',
    'or',
    'not',
    'AND',
    'Not',
    '(',
    ')',
    '1',
    'all',
    'any',
    'of',
    'them',
    '|',
    '&&',
    '😀',
    '"q"',
    '\t',
    '\n',
  ];
  const condition = fc
    .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 3 })), { maxLength: 30 })
    .map((t) => t.join(' '));
  const identifiers = fc.uniqueArray(fc.constantFrom('sel', 'filter', 'sel_1', 'sel_2', 'a.b', 'x-y', '_hidden'), {
    maxLength: 5,
  });

  it(
    'parses or reports a problem inside the text; never throws',
    () => {
      fc.assert(
        fc.property(condition, identifiers, (text, ids) => {
          const { condition: parsed, problem } = parseCondition(text);
          expect(parsed === undefined).toBe(problem !== undefined);
          if (problem) {
            expect(problem.offset).toBeGreaterThanOrEqual(0);
            expect(problem.offset).toBeLessThanOrEqual(text.length);
            expect(problem.message).toMatch(/^Unexpected .*, expected /);
            return;
          }
          const resolved = resolveCondition(parsed!, ids);
          for (const p of resolved.problems) expect(p).toMatch(/expected/);
        }),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it(
    'formats a parsed condition to text that parses to the same condition',
    () => {
      fc.assert(
        fc.property(condition, (text) => {
          const { condition: parsed } = parseCondition(text);
          if (!parsed) return;
          expect(parseCondition(formatCondition(parsed)).condition).toEqual(parsed);
        }),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it('deep nesting and wildcard patterns are refused or matched without blowing up', () => {
    for (const depth of [100, 101, 10_000]) {
      for (const text of [
        `${'('.repeat(depth)}sel${')'.repeat(depth)}`,
        `${'not '.repeat(depth)}sel`,
        `${'not ('.repeat(depth / 2)}sel${')'.repeat(depth / 2)}`,
      ]) {
        const { problem } = parseCondition(text);
        if (depth > 100 && !text.startsWith('not ('))
          expect(problem?.message).toMatch(/nesting deeper than 100 levels/);
        if (depth === 100) expect(problem).toBeUndefined();
      }
    }
    expect(parseCondition(`${'not ('.repeat(5000)}sel${')'.repeat(5000)}`).problem?.message).toMatch(
      /nesting deeper than 100 levels/,
    );
    const { condition: pattern } = parseCondition(`1 of ${'a*'.repeat(40)}c`);
    // With a backtracking regular expression this takes hours; the matcher is linear.
    expect(resolveCondition(pattern!, ['a'.repeat(5000)]).problems).toHaveLength(1);
  });
});

describe('fuzzing the whole command', () => {
  it(
    'random rule and intake files: exit 0 or 2, never an internal error',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(mutated(VALID_RULE), structured(RULE_KEYS)),
          mutated(VALID_MANIFEST),
          mutated(VALID_PARSER),
          async (rule, manifest, parser) => {
            const root = writeTree({
              ...catalogFiles(),
              'rules/fuzz.yml': rule,
              'intakes/Vendor/edr/_meta/manifest.yml': manifest,
              'intakes/Vendor/edr/ingest/parser.yml': parser,
            });
            const r = await runCli(GENERATE, root);
            expect([0, 2]).toContain(r.code);
            expect(r.stderr).not.toMatch(/internal error/);
          },
        ),
        { numRuns: fuzzRuns(40) },
      );
    },
    FUZZ_TIMEOUT,
  );
});

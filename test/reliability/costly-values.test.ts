/**
 * Rule values that a backtracking engine takes exponential time on, compared
 * with the constants a parser writes: `|re: '^(a+)+$'` against 41 `a` and a
 * `!` (about 2^41 steps for JavaScript's engine), and a value with 16 `*`
 * against a 200-character constant. Each run is a child process (`node
 * dist/generator/bin.js`) so that a hang fails the test at the guard instead
 * of stalling the suite; the assertions are on exit codes, diagnostics and
 * pages, and the step counts are asserted in `generator/match/values.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../shared.js';
import { INTAKE_MANIFEST, PARSER, tempDir, writeTree } from '../tree.js';
import { GENERATE, RULE, U1 } from './helpers.js';

const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
/** Hang guard only: a run takes about a second. */
const GUARD_MS = 240_000;

const LONG_DATASET = 'a'.repeat(41) + '!';
const LONG_CODE = 'a'.repeat(200);
const STARS = '*a'.repeat(15) + '*b'; // 16 `*`, and no `b` in the constant

const sel = (key: string, value: string) => `  sel:\n    ${key}: '${value}'\n  condition: sel\n`;

function scenario(): string {
  return writeTree({
    'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
    'intakes/V/edr/ingest/parser.yml': PARSER({
      'process.executable': '{{parsed.message.image}}',
      'event.dataset': LONG_DATASET,
      'event.code': LONG_CODE,
    }),
    'rules/redos.yml': RULE('r-redos', 'Nested Quantifiers', sel('event.dataset|re', '^(a+)+$')),
    'rules/stars.yml': RULE('r-stars', 'Many Stars', sel('event.code', STARS)),
    'rules/stars-contains.yml': RULE(
      'r-stars-contains',
      'Many Stars Contained',
      sel('event.code|windash|contains', 'a*'.repeat(16) + 'b'),
    ),
    'rules/lookbehind.yml': RULE('r-lookbehind', 'Look Behind', sel('event.code|re', '(?<!x)aaa')),
    'rules/fits.yml': RULE('r-fits', 'Fitting Pattern', sel('event.code|re|i', '^A{200}$')),
    'rules/fits-stars.yml': RULE('r-fits-stars', 'Fitting Stars', sel('event.code', '*a'.repeat(16))),
  });
}

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: GUARD_MS });
  expect(r.error, `rulecat ${args.join(' ')} did not finish within the guard`).toBeUndefined();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Titles of the rules an intake page lists. */
const titles = (page: string) => [...page.matchAll(/^\?\?\? abstract "(.*)"$/gm)].map((m) => m[1]).sort();

/** `file:line:col` of a quoted value in a rule file. */
function placeOf(root: string, file: string, quoted: string): string {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(quoted));
  return `${file}:${line + 1}:${lines[line].indexOf(quoted) + 1}`;
}

describe('values that backtracking engines take exponential time on', () => {
  it('generate, --check and preview finish; mismatches are proven; a refused pattern warns once and keeps the pair', () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" (npm ci does) before the tests`);
    const root = scenario();
    const first = run(GENERATE, root);
    expect(first.stderr.split('\n').filter((l) => l.includes(': error: '))).toEqual([]);
    expect(first.code).toBe(0);
    const warnings = first.stderr.split('\n').filter((l) => l.includes(': warning: '));
    expect(warnings).toEqual([
      `${placeOf(root, 'rules/lookbehind.yml', "'(?<!x)aaa'")}: warning: Unexpected look-behind "(?<!" in regular expression, expected RE2 syntax (no look-around, backreferences, atomic groups, possessive quantifiers or repeat counts over 1000); the value counts as able to match [regex-unsupported]`,
    ]);
    const page = readFileSync(path.join(root, 'out', `suggested_rules_${U1}_do_not_edit_manually.md`), 'utf8');
    // Proven mismatches are left out; the refused pattern is kept (undecidable means "can match").
    expect(titles(page)).toEqual(['Fitting Pattern', 'Fitting Stars', 'Look Behind']);

    const check = run([...GENERATE, '--check'], root);
    expect(check.code).toBe(0);
    const preview = run(['preview', '--rules', 'rules', '--intakes', 'intakes', '--intake', U1], root);
    expect(preview.code).toBe(0);
    expect(titles(preview.stdout)).toEqual(titles(page));
  });

  it('a test past the step budget counts as able to match, with one warning naming the rule', () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" (npm ci does) before the tests`);
    // 199,000 positions × 1,001 steps: about 2 × 10^8, past the budget of 10^8.
    const root = writeTree({
      'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
      'intakes/V/edr/ingest/parser.yml': PARSER({
        'process.executable': '{{parsed.message.image}}',
        'event.code': 'a'.repeat(200_000),
      }),
      'rules/costly.yml': RULE(
        'r-costly',
        'Costly Contains',
        `  sel:\n    event.code|contains: '${'a'.repeat(1_000)}b'\n  condition: sel\n`,
      ),
      'rules/cheap.yml': RULE('r-cheap', 'Cheap Mismatch', sel('event.code', 'b*')),
    });
    const cached = [...GENERATE, '--cache', tempDir()];
    const r = run(cached, root);
    expect(r.code).toBe(0);
    const warned = [
      'rules/costly.yml:12:5: warning: Unexpected values of "event.code|contains" too costly to compare with the constant values of intake fields (over 100,000,000 steps), expected shorter values or patterns; the test counts as able to match [match-budget]',
    ];
    expect(r.stderr.split('\n').filter((l) => l.includes(': warning: '))).toEqual(warned);
    const page = readFileSync(path.join(root, 'out', `suggested_rules_${U1}_do_not_edit_manually.md`), 'utf8');
    expect(titles(page)).toEqual(['Costly Contains']);
    // Another rule edited: the costly one's match comes from the cache's stored match, with its warning.
    const cheap = path.join(root, 'rules', 'cheap.yml');
    writeFileSync(cheap, readFileSync(cheap, 'utf8').replace('Cheap Mismatch', 'Cheap Mismatch Again'));
    const again = run(cached, root);
    expect(again.code).toBe(0);
    expect(again.stderr.split('\n').filter((l) => l.includes(': warning: '))).toEqual(warned);
  });
});

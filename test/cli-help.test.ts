/**
 * The command line's habits: per-command help with examples, --version,
 * suggestions for mistyped commands and options, unexpected arguments refused
 * with exit 2, list options given either way.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { INTAKE_MANIFEST, PARSER, runCli, writeTree } from './tree.js';

const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('rulecat help and usage', () => {
  it('prints the version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runCli([flag], REPO);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('lists every command in the tool help', async () => {
    const r = await runCli(['--help'], REPO);
    expect(r.code).toBe(0);
    for (const command of ['generate', 'explain', 'gaps', 'preview', 'serve', 'audit'])
      expect(r.stdout).toMatch(new RegExp(`^  ${command} \\[options\\]`, 'm'));
    expect(r.stdout).toContain('Without a command, rulecat runs generate.');
  });

  it('gives each command its own help: its options and examples, not the others', async () => {
    const serve = await runCli(['serve', '--help'], REPO);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/^Usage: rulecat serve \[options\]/);
    expect(serve.stdout).toContain('--port <n>');
    expect(serve.stdout).toContain('Examples:\n  $ npx rulecat serve\n  $ npx rulecat serve --port 0 --open\n');
    expect(serve.stdout).not.toContain('--out <dir>');
    expect(serve.stdout).not.toContain('--check');
    const explain = await runCli(['help', 'explain'], REPO);
    expect(explain.stdout).toMatch(/^Usage: rulecat explain \[options\]/);
    expect(explain.stdout).toContain('--rule <id-or-title>');
    expect(explain.stdout).toContain(
      'Exit codes: 0 answered; 3 answered, but other rule files or intake folders have errors',
    );
    const generate = await runCli(['generate', '-h'], REPO);
    expect(generate.stdout).toContain('--check');
    expect(generate.stdout).toContain('$ npx rulecat generate --check');
  });

  it('suggests the command or option meant, and exits 2', async () => {
    expect(await runCli(['genrate'], REPO)).toEqual({
      code: 2,
      stdout: '',
      stderr: "rulecat: unknown command 'genrate'\n(Did you mean generate?)\n",
    });
    expect(await runCli(['generate', '--chek'], REPO)).toEqual({
      code: 2,
      stdout: '',
      stderr: "rulecat generate: unknown option '--chek'\n(Did you mean --check?)\n",
    });
    expect(await runCli(['--chek'], REPO)).toMatchObject({
      code: 2,
      stderr: "rulecat generate: unknown option '--chek'\n(Did you mean --check?)\n",
    });
  });

  it('refuses an unexpected argument instead of ignoring it', async () => {
    const r = await runCli(['generate', 'out2'], REPO);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rulecat generate: too many arguments for 'generate'. Expected 0 arguments but got 1.\n");
  });

  it('refuses a value outside the choices and a missing required option', async () => {
    expect((await runCli(['generate', '--match', 'loose'], REPO)).stderr).toBe(
      "rulecat generate: option '--match <mode>' argument 'loose' is invalid. Allowed choices are default, strict.\n",
    );
    expect(await runCli(['explain', '--rule', 'x'], REPO)).toEqual({
      code: 2,
      stdout: '',
      stderr: "rulecat explain: required option '--intake <uuid-name-or-slug>' not specified\n",
    });
    expect((await runCli(['gaps', '--all', '--limit', '0'], REPO)).stderr).toBe(
      'rulecat gaps: Unexpected --limit 0, expected a positive integer\n',
    );
  });

  it('takes list options as several values or repeated', async () => {
    const rule = (id: string) =>
      `title: Rule ${id}\nid: ${id}\nlogsource: {product: acme}\ndetection: {sel: {user.name: x}, condition: sel}\n`;
    const root = writeTree({
      'a/one.yml': rule('r1'),
      'b/two.yml': rule('r2'),
      'c/three.yml': rule('r3'),
      'intakes/Acme/_meta/manifest.yml': INTAKE_MANIFEST('aaaaaaaa-0000-4000-8000-00000000000a', 'Acme'),
      'intakes/Acme/x/_meta/manifest.yml': INTAKE_MANIFEST('aaaaaaaa-0000-4000-8000-00000000000b', 'Acme X'),
      'intakes/Acme/x/ingest/parser.yml': PARSER({ 'user.name': '{{parsed.message.user}}' }),
    });
    const r = await runCli(
      [
        'generate',
        '--rules',
        'a',
        'b',
        '--intakes',
        'intakes',
        '--rules',
        'c',
        '--out',
        'out',
        '--no-cache',
        '--base-url',
        'https://docs.example.org/layers/',
      ],
      root,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^rulecat: 3 rules, 1 intakes/);
  });
});

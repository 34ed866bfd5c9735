/**
 * The package as a user gets it: `npm pack`, installed in an empty folder,
 * used by name from code (`import { generate } from 'rulecat'`) and from the
 * command line (`npx rulecat`). Installing needs the npm registry (or npm's
 * cache, which `npm ci` fills); the test skips with a message when npm cannot
 * install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { tempDir } from './tree.js';

const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
let project = '';
let installProblem = '';

function run(command: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // The package is built from the sources under test in a copy, so the repository's dist/ (used by other tests) is left alone.
  const copy = tempDir('rulecat-src-');
  execFileSync(
    process.execPath,
    [
      path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      path.join(REPO, 'tsconfig.json'),
      '--outDir',
      path.join(copy, 'dist'),
    ],
    { stdio: 'ignore' },
  );
  for (const name of ['package.json', 'README.md', 'templates', path.join('generator', 'data')])
    cpSync(path.join(REPO, name), path.join(copy, name), { recursive: true });
  const packed = tempDir('rulecat-pack-');
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', packed], copy);
  expect(pack.code, pack.stderr).toBe(0);
  const tarball = path.join(
    packed,
    readdirSync(packed).find((n) => n.endsWith('.tgz'))!,
  );
  project = tempDir('rulecat-user-');
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'docs-site', private: true, type: 'module' }),
  );
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project);
  if (install.code !== 0) {
    installProblem = install.stderr;
    console.warn(`[skipped] npm could not install the packed package (no registry or cache?):\n${install.stderr}`);
  }
}, 300_000);

describe('the packed package', () => {
  it('holds the command, the library, its types, templates and data, and no tests', () => {
    if (installProblem) return;
    const root = path.join(project, 'node_modules', 'rulecat');
    for (const file of [
      'dist/generator/bin.js',
      'dist/generator/index.js',
      'dist/generator/index.d.ts',
      'templates/intake-page.md.hbs',
      'generator/data/attack-enterprise.json',
      'generator/data/logsources.yaml',
    ]) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
    }
    const shipped = run('find', [root, '-name', '*.test.*'], project);
    expect(shipped.stdout).toBe('');
  });

  it('runs as npx rulecat --version', () => {
    if (installProblem) return;
    const r = run('npx', ['--no-install', 'rulecat', '--version'], project);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('generates the example catalog with npx rulecat generate', () => {
    if (installProblem) return;
    const dir = tempDir('rulecat-cli-');
    for (const name of ['rules', 'intakes']) cpSync(path.join(REPO, name), path.join(dir, name), { recursive: true });
    const r = run(
      path.join(project, 'node_modules', '.bin', 'rulecat'),
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', 'out', '--no-cache'],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /^rulecat: \d+ rules, 9 intakes -> 9 pages, \d+ layers in out: \d+ written, 0 unchanged, 0 removed\n/,
    );
    expect(readdirSync(path.join(dir, 'out')).filter((n) => n.startsWith('suggested_rules_'))).toHaveLength(9);
  });

  it('is used by name from code: loadConfig, generate, check, explain, gaps, preview', () => {
    if (installProblem) return;
    for (const name of ['rules', 'intakes'])
      cpSync(path.join(REPO, name), path.join(project, name), { recursive: true });
    const script = `
      import { loadConfig, generate, check, explain, gaps, preview, formatDiagnostic } from 'rulecat';
      const { config, diagnostics } = loadConfig({ cwd: process.cwd(), rules: ['rules'], intakes: ['intakes'], out: 'out', cache: false });
      if (diagnostics.length) throw new Error(diagnostics.map(formatDiagnostic).join('\\n'));
      const written = await generate(config);
      const again = await check(config);
      const why = await explain(config, 'Okta Sign-In Failed With Invalid Credentials', 'Okta System Log [BETA]');
      const missing = await gaps(config, { intake: 'Okta System Log [BETA]', limit: 2 });
      const page = await preview(config, 'Okta System Log [BETA]');
      console.log(JSON.stringify({
        written: written.applied.written.length,
        changes: again.diff.added.length + again.diff.changed.length + again.diff.removed.length,
        applies: why.explanation.applies,
        gaps: missing.gaps.length,
        page: page.markdown.startsWith('### Related Built-in Rules'),
      }));
    `;
    writeFileSync(path.join(project, 'use.mjs'), script);
    const r = run('node', ['use.mjs'], project);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ changes: 0, applies: true, page: true });
    expect(out.written).toBeGreaterThan(9);
  });
});

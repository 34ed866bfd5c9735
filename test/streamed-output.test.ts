/**
 * `generate` renders, compares and stages its outputs one at a time
 * (`streamOutputs`: one rendered output in memory at a time, the run keeping
 * only paths and hashes); `build` renders them all in memory. Both must give
 * the same bytes, on a first run, a run that changes some files and removes
 * others, and `--check`. `--fsync` and `fsync:` choose when written files are
 * flushed to disk: told through the writer's test hook, never timed.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { resolveConfig, type Config } from '../generator/config.js';
import { generate } from '../generator/generate.js';
import { StagedOutput, type SyncObserver } from '../generator/write/apply-output.js';
import { readManifest } from '../generator/write/manifest.js';
import { fileURLToPath } from 'node:url';
import { copyExampleCatalog, INTAKE_MANIFEST, runCli, tempDir, writeTree } from './tree.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function configOf(root: string, extra: Record<string, unknown> = {}): Config {
  const { config, diagnostics } = resolveConfig(root, undefined, {
    out: path.join(root, 'out'),
    cache: '',
    baseUrl: 'https://example.org/layers/',
    ...extra,
  } as never);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return config;
}

/** Every file of a folder (relative path → bytes), rulecat's own files left out. */
function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    if (rel.startsWith('.rulecat')) continue;
    out.set(rel, readFileSync(path.join(dir, rel), 'utf8'));
  }
  return out;
}

async function inMemory(config: Config): Promise<Map<string, string>> {
  const built = await build(config);
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return new Map(built.files.map((f) => [f.path, f.content]));
}

describe('streamed outputs', () => {
  it('are byte-identical to the outputs rendered in memory, run after run', async () => {
    const root = copyExampleCatalog('rulecat-stream-');
    const config = configOf(root);
    const first = await generate(config, { check: false });
    expect(first.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const expected = await inMemory(config);
    expect(expected.size).toBeGreaterThan(5);
    expect(filesOf(config.out)).toEqual(expected);
    expect(Object.keys(readManifest(config.out).manifest.files).sort()).toEqual([...expected.keys()].sort());

    // Edit a rule and drop an intake: some files change, some go, the rest stay.
    const rulesDir = path.join(root, 'rules');
    const ruleFile = readdirSync(rulesDir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yml'))
      .sort()[0];
    const ruleText = readFileSync(path.join(rulesDir, ruleFile), 'utf8');
    writeTree({ [ruleFile]: ruleText.replace(/^title: (.*)$/m, 'title: $1 (edited)') }, rulesDir);
    const second = await generate(config, { check: false });
    expect(second.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(second.applied?.written.length).toBeGreaterThan(0);
    expect(second.applied!.written.length).toBeLessThan(expected.size);
    expect(filesOf(config.out)).toEqual(await inMemory(config));

    // --check after the run: nothing would change, and the streamed diff says so.
    const check = await generate(config, { check: true });
    expect(check.diff?.added).toEqual([]);
    expect(check.diff?.changed).toEqual([]);
    expect(check.diff?.removed).toEqual([]);
    expect(check.diff?.unchanged.length).toBe(expected.size);
  });

  it('keep only paths and hashes: a file is rendered again when its content is asked for', async () => {
    const root = copyExampleCatalog('rulecat-stream-');
    const config = configOf(root);
    const result = await generate(config, { check: true });
    const expected = await inMemory(config);
    for (const file of result.files) {
      expect(Object.getOwnPropertyDescriptor(file, 'content')?.get, file.path).toBeTypeOf('function');
      expect(file.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(file.content).toBe(expected.get(file.path));
    }
  });

  it('write nothing when a template fails part-way', async () => {
    const root = copyExampleCatalog('rulecat-stream-');
    const config = configOf(root);
    await generate(config, { check: false });
    const before = filesOf(config.out);
    const templates = path.join(root, 'my-templates');
    cpSync(path.join(REPO_ROOT, 'templates'), templates, { recursive: true });
    const page = path.join(templates, 'intake-page.md.hbs');
    writeFileSync(page, `${readFileSync(page, 'utf8')}{{> missing-partial}}\n`);
    const broken = await generate({ ...config, templates }, { check: false });
    expect(broken.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    expect(filesOf(config.out)).toEqual(before);
  });
});

describe('flushing written files (--fsync)', () => {
  const stageThree = (fsync: 'each' | 'end' | undefined) => {
    const out = tempDir('rulecat-fsync-');
    const syncs: { what: string; file: string }[] = [];
    const onSync: SyncObserver = (what, file) => syncs.push({ what, file: path.relative(out, file) });
    const staged = new StagedOutput(out, { fsync, onSync });
    for (const name of ['a.md', 'b.md', 'sub/c.json']) staged.stage(name, `${name}\n`, true);
    const owned = new Map(['a.md', 'b.md', 'sub/c.json'].map((n) => [n, 'x']));
    staged.commit([], { files: {} }, owned);
    expect(readFileSync(path.join(out, 'sub/c.json'), 'utf8')).toBe('sub/c.json\n');
    return syncs;
  };

  it('by default (end) flushes no written file, only the manifest and the folders at the end', () => {
    for (const syncs of [stageThree(undefined), stageThree('end')]) {
      const files = syncs.filter((s) => s.what === 'file');
      // The manifest (written atomically, at most twice: the union of old and new ownership, then the new one).
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((s) => s.file.includes('.rulecat-manifest'))).toBe(true);
      expect(syncs.filter((s) => s.what === 'folder').map((s) => s.file)).toEqual(['sub', '']);
      // Folders are flushed after every file.
      expect(syncs.slice(-2).every((s) => s.what === 'folder')).toBe(true);
    }
  });

  it('with each, flushes every written file before it is renamed into place', () => {
    const syncs = stageThree('each');
    const files = syncs.filter((s) => s.what === 'file');
    expect(files.length).toBeGreaterThan(3);
    expect(files.filter((s) => s.file.startsWith('.rulecat-staging-')).length).toBe(3);
    expect(syncs.filter((s) => s.what === 'folder').map((s) => s.file)).toEqual(['sub', '']);
  });

  it('is chosen by --fsync or fsync: in the configuration, and checked', async () => {
    const root = writeTree({
      'rules/t.yml':
        'title: T\nid: r-t\nlogsource: {product: x}\nintakes: [EDR]\ndetection:\n  sel: {a: 1}\n  condition: sel\n',
      'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST('11111111-1111-4111-8111-111111111111', 'EDR'),
      'rulecat.config.yaml': 'fsync: each\n',
    });
    expect(resolveConfig(root, undefined, {}).config.fsync).toBe('each');
    expect(resolveConfig(root, undefined, { fsync: 'end' } as never).config.fsync).toBe('end');
    writeTree({ 'rulecat.config.yaml': 'fsync: sometimes\n' }, root);
    const bad = resolveConfig(root, undefined, {}).diagnostics.map((d) => d.message);
    expect(bad.join('\n')).toMatch(/each or end/);
    const cli = await runCli(['generate', '--config', 'none.yaml', '--fsync', 'never'], root);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/--fsync/);
  });
});

/**
 * Where layers are published and what the catalog is called: `--base-url`,
 * `layer.baseUrl`, or the GitHub origin of the git repository holding the
 * output folder (https and ssh remotes, nested folders, worktrees, detached
 * HEAD); otherwise the default with a warning. The `words:` of the
 * configuration reach pages and layers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { baseUrlWarnings, resolveConfig } from '../generator/config.js';
import { gitHubPlace, parseGitHubUrl, rawFolderUrl } from '../generator/load/git-origin.js';
import { copyExampleCatalog, tempDir, writeTree } from './tree.js';

/** A repository as git leaves it on disk: `.git/config` with an origin, `.git/HEAD`. */
function repo(origin: string | undefined, head = 'ref: refs/heads/main', extra: Record<string, string> = {}): string {
  const config = ['[core]', '\trepositoryformatversion = 0'];
  if (origin !== undefined)
    config.push('[remote "origin"]', `\turl = ${origin}`, '\tfetch = +refs/heads/*:refs/remotes/origin/*');
  return writeTree({ '.git/config': config.join('\n') + '\n', '.git/HEAD': head + '\n', ...extra });
}

describe('GitHub remotes', () => {
  it.each([
    ['https://github.com/acme/detections.git', 'acme', 'detections'],
    ['https://github.com/acme/detections', 'acme', 'detections'],
    ['https://user@github.com/acme/detections.git', 'acme', 'detections'],
    ['git@github.com:acme/detections.git', 'acme', 'detections'],
    ['ssh://git@github.com/acme/det.ections.git', 'acme', 'det.ections'],
    ['ssh://git@github.com:22/acme/detections', 'acme', 'detections'],
  ])('reads %s', (url, owner, repo) => {
    expect(parseGitHubUrl(url)).toEqual({ owner, repo });
  });

  it.each(['https://gitlab.com/acme/detections.git', 'git@example.org:acme/detections.git', '/srv/git/detections'])(
    'refuses %s',
    (url) => expect(parseGitHubUrl(url)).toBeUndefined(),
  );
});

describe('the layer base URL', () => {
  it('comes from an https origin, the current branch and the output folder, nested', () => {
    const root = repo('https://github.com/acme/detections.git', 'ref: refs/heads/feature/new rules');
    const place = gitHubPlace(path.join(root, 'docs', 'generated'))!;
    expect(place).toEqual({ owner: 'acme', repo: 'detections', branch: 'feature/new rules', folder: 'docs/generated' });
    expect(rawFolderUrl(place)).toBe(
      'https://raw.githubusercontent.com/acme/detections/feature/new%20rules/docs/generated/',
    );
  });

  it('comes from an ssh origin; a detached HEAD uses the remote default branch, else main', () => {
    const detached = 'ref: 0123456789abcdef0123456789abcdef01234567'.slice(5);
    const withDefault = repo('git@github.com:acme/detections.git', detached, {
      '.git/refs/remotes/origin/HEAD': 'ref: refs/remotes/origin/trunk\n',
    });
    expect(rawFolderUrl(gitHubPlace(path.join(withDefault, 'out'))!)).toBe(
      'https://raw.githubusercontent.com/acme/detections/trunk/out/',
    );
    const bare = repo('git@github.com:acme/detections.git', detached);
    expect(gitHubPlace(bare)!.branch).toBe('main');
    expect(rawFolderUrl(gitHubPlace(bare)!)).toBe('https://raw.githubusercontent.com/acme/detections/main/');
  });

  it('follows a worktree`s .git file to the common configuration', () => {
    const main = repo('https://github.com/acme/detections.git', 'ref: refs/heads/main', {
      '.git/worktrees/wt/HEAD': 'ref: refs/heads/docs\n',
      '.git/worktrees/wt/commondir': '../..\n',
    });
    const wt = writeTree({ '.git': `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n` });
    expect(gitHubPlace(path.join(wt, 'output'))).toMatchObject({ branch: 'docs', folder: 'output' });
  });

  it('is not derived without origin, off GitHub, or outside a repository', () => {
    expect(gitHubPlace(repo(undefined))).toBeUndefined();
    expect(gitHubPlace(repo('https://gitlab.com/acme/detections.git'))).toBeUndefined();
    expect(gitHubPlace(tempDir())).toBeUndefined();
  });

  it('is --base-url first, then layer.baseUrl, then the origin, then the default with a warning', () => {
    const root = repo('https://github.com/acme/detections.git');
    const derived = resolveConfig(root, undefined, { out: path.join(root, 'site', 'layers') }).config;
    expect(derived.layer.baseUrl).toBe('https://raw.githubusercontent.com/acme/detections/main/site/layers/');
    expect(baseUrlWarnings(derived)).toEqual([]);

    const flag = resolveConfig(root, undefined, { baseUrl: 'https://cdn.example.org/layers' }).config;
    expect(flag.layer.baseUrl).toBe('https://cdn.example.org/layers/');

    writeFileSync(path.join(root, 'rulecat.config.yaml'), 'layer:\n  baseUrl: https://docs.example.org/l/\n');
    const file = resolveConfig(root, undefined, {}).config;
    expect([file.layer.baseUrl, file.baseUrlFrom]).toEqual(['https://docs.example.org/l/', 'file']);
    expect(baseUrlWarnings(file)).toEqual([]);

    const elsewhere = tempDir();
    const fallback = resolveConfig(elsewhere, undefined, {}).config;
    expect(fallback.layer.baseUrl).toContain('SEKOIA-IO/documentation');
    expect(baseUrlWarnings(fallback).map((d) => [d.severity, d.code])).toEqual([['warning', 'layer-base-url']]);
    expect(baseUrlWarnings(fallback)[0].message).toContain('--base-url');
  });

  it('reaches the Navigator buttons of a catalog generated inside its GitHub repository', async () => {
    const root = copyExampleCatalog('rulecat-acme-');
    mkdirSync(path.join(root, '.git'));
    writeFileSync(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(path.join(root, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:acme/detections.git\n');
    writeFileSync(path.join(root, 'rulecat.config.yaml'), 'rules: [rules]\nintakes: [intakes]\nout: docs/rules\n');
    const { config } = resolveConfig(root, undefined, { cache: false });
    const result = await build(config);
    const page = result.files.find((f) => f.path.startsWith('suggested_rules_') && f.content.includes('md-button'))!;
    expect(page.content).toContain(
      encodeURIComponent('https://raw.githubusercontent.com/acme/detections/main/docs/rules/attack_'),
    );
    expect(result.diagnostics.map((d) => d.code)).not.toContain('layer-base-url');
  });
});

describe('words', () => {
  it('name the catalog and its owner on pages and in layers; the defaults are the model`s', async () => {
    const root = copyExampleCatalog('rulecat-words-');
    writeFileSync(
      path.join(root, 'rulecat.config.yaml'),
      [
        'rules: [rules]',
        'intakes: [intakes]',
        'layerStyle: both',
        'date: 2026-05-01',
        'layer: {baseUrl: "https://raw.githubusercontent.com/acme/detections/main/output/"}',
        'words:',
        '  heading: Detection rules',
        '  rules: Acme detection rules',
        '  intakeNote: ""',
        '  layerName: "Acme | {name}"',
        '  catalog: Acme catalog',
        '  catalogRules: detection rules',
        '  noRules: No Acme rule applies to this intake.',
        '',
      ].join('\n'),
    );
    const { config, diagnostics } = resolveConfig(root, undefined, { cache: false });
    expect(diagnostics).toEqual([]);
    const files = new Map((await build(config)).files.map((f) => [f.path, f.content]));
    const pages = [...files].filter(([p]) => p.startsWith('suggested_rules_')).map(([, c]) => c);
    const withRules = pages.find((c) => c.includes('md-button'))!;
    expect(withRules).toMatch(
      /^### Detection rules\n\nThe following Acme detection rules match the intake \*\*[^*]+\*\*\.\n\n\[Acme \| /,
    );
    expect(pages).toContain('No Acme rule applies to this intake.\n');
    expect(files.get('built_in_rules_do_not_edit_manually.md')).toMatch(
      /^Acme catalog includes \*\*\d+ detection rules\*\* /,
    );
    expect(JSON.parse(files.get('attack_catalog_do_not_edit_manually.json')!).name).toBe('Acme | Acme catalog');
    const links = JSON.parse(files.get('navigator_links_do_not_edit_manually.json')!);
    expect(links.catalog.name).toBe('Acme catalog');
    for (const [p, c] of files)
      if (p.endsWith('.json') && 'techniques' in JSON.parse(c)) expect(c).not.toContain('SEKOIA');
  }, 60_000);

  it('are checked: unknown keys and values that are not one line of text are errors', () => {
    const root = writeTree({ 'rulecat.config.yaml': 'words:\n  rules: [a]\n  colour: blue\n  heading: "a\\nb"\n' });
    const { diagnostics } = resolveConfig(root, undefined, {});
    expect(diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual([
      '2:config-value',
      '3:config-unknown',
      '4:config-value',
    ]);
  });
});

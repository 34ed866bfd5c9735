/**
 * Only owned files are ever removed, and nothing is written or removed
 * outside the output folder, whatever the manifest says.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree, runCli, tempDir, writeTree } from '../tree.js';
import { catalog, errorLines, GENERATE, snapshot, U2 } from './helpers.js';

const PAGE2 = `suggested_rules_${U2}_do_not_edit_manually.md`;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** A generated catalog; then the second intake goes away, so that its files are no longer generated. */
async function generatedThenShrunk(): Promise<string> {
  const root = catalog();
  expect((await runCli(GENERATE, root)).code).toBe(0);
  rmSync(path.join(root, 'intakes/Vendor/fw'), { recursive: true });
  return root;
}

function manifestOf(root: string): { files: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(root, 'out/.rulecat-manifest.json'), 'utf8'));
}

function setManifest(root: string, files: Record<string, string>): void {
  writeFileSync(path.join(root, 'out/.rulecat-manifest.json'), JSON.stringify({ generator: 'rulecat', files }));
}

describe('owned files', () => {
  it('an owned file no longer generated is removed; edited by hand, it is left in place with a note', async () => {
    const root = await generatedThenShrunk();
    writeFileSync(path.join(root, 'out', PAGE2), 'my edits\n');
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`rulecat: out/${PAGE2} was edited by hand; no longer generated, left in place`);
    expect(readFileSync(path.join(root, 'out', PAGE2), 'utf8')).toBe('my edits\n');
    expect(manifestOf(root).files[PAGE2]).toBeUndefined(); // no longer owned: never removed later either
  });

  it('an owned file still generated but edited is regenerated', async () => {
    const root = catalog();
    expect((await runCli(GENERATE, root)).code).toBe(0);
    const generated = readFileSync(path.join(root, 'out', PAGE2), 'utf8');
    writeFileSync(path.join(root, 'out', PAGE2), 'my edits\n');
    expect((await runCli(GENERATE, root)).code).toBe(0);
    expect(readFileSync(path.join(root, 'out', PAGE2), 'utf8')).toBe(generated);
  });

  it('files rulecat did not write are never touched, even named like generated files', async () => {
    const root = catalog();
    const lookalikes = {
      'out/suggested_rules_99999999-9999-4999-8999-999999999999_do_not_edit_manually.md': 'not ours',
      'out/attack_99999999-9999-4999-8999-999999999999_do_not_edit_manually.json': '{}',
      'out/sub/suggested_rules_x_do_not_edit_manually.md': 'not ours',
      'out/.rulecat-staging': 'a file, not a staging folder of ours',
    };
    writeTree(lookalikes, root);
    expect((await runCli(GENERATE, root)).code).toBe(0);
    rmSync(path.join(root, 'intakes'), { recursive: true });
    writeTree({ 'intakes/Other/x/_meta/manifest.yml': 'uuid: 55555555-5555-4555-8555-555555555555\nname: X\n' }, root);
    expect((await runCli(GENERATE, root)).code).toBe(0);
    for (const [file, content] of Object.entries(lookalikes))
      expect(readFileSync(path.join(root, file), 'utf8')).toBe(content);
  });
});

describe('a corrupt or hostile manifest', () => {
  it.each([
    ['not JSON', '{"files": '],
    ['JSON of another shape', '{"files": ["a.md"]}'],
    ['null', 'null'],
  ])('(%s): nothing is considered owned, nothing is removed, and it is rewritten', async (_, text) => {
    const root = await generatedThenShrunk();
    writeFileSync(path.join(root, 'out/.rulecat-manifest.json'), text);
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'rulecat: .rulecat-manifest.json is not a rulecat manifest; no file is considered owned',
    );
    expect(existsSync(path.join(root, 'out', PAGE2))).toBe(true);
    expect(manifestOf(root).files[PAGE2]).toBeUndefined();
  });

  it('listing paths outside the output folder (.., absolute, backslashes, its own files) never removes them', async () => {
    const root = await generatedThenShrunk();
    const outside = tempDir();
    const victims: Record<string, string> = {
      'victim.txt': 'outside, next to out/',
      'rules/a.yml': readFileSync(path.join(root, 'rules/a.yml'), 'utf8'),
    };
    writeTree({ 'abs-victim.txt': 'absolute' }, outside);
    writeTree({ 'victim.txt': victims['victim.txt'] }, root);
    const files: Record<string, string> = {
      ...manifestOf(root).files,
      '../victim.txt': sha(victims['victim.txt']),
      'x/../../victim.txt': sha(victims['victim.txt']),
      '../rules/a.yml': sha(victims['rules/a.yml']),
      [path.join(outside, 'abs-victim.txt')]: sha('absolute'),
      '..\\victim.txt': sha(victims['victim.txt']),
      '.rulecat-lock': sha(''),
    };
    setManifest(root, files);
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /rulecat: \.rulecat-manifest\.json lists paths that are not plain relative paths inside the output folder \(.*\); they are not considered owned/,
    );
    for (const [file, content] of Object.entries(victims))
      expect(readFileSync(path.join(root, file), 'utf8')).toBe(content);
    expect(readFileSync(path.join(outside, 'abs-victim.txt'), 'utf8')).toBe('absolute');
    expect(existsSync(path.join(root, 'out', PAGE2))).toBe(false); // the legitimate entry was honoured
    expect(Object.keys(manifestOf(root).files).every((p) => !p.includes('..') && !path.isAbsolute(p))).toBe(true);
  });

  it('listing a file reached through a folder link leading outside never removes it', async () => {
    const root = await generatedThenShrunk();
    const outside = writeTree({ 'victim.md': 'outside' });
    symlinkSync(outside, path.join(root, 'out/linked'));
    setManifest(root, { ...manifestOf(root).files, 'linked/victim.md': sha('outside') });
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'rulecat: linked/victim.md is reached through a symbolic link leading outside the output folder; left in place',
    );
    expect(readFileSync(path.join(outside, 'victim.md'), 'utf8')).toBe('outside');
  });
});

describe('writing through links', () => {
  it('a template output below a folder link leading outside fails the run and changes nothing', async () => {
    const root = catalog();
    const templates = path.join(root, 'templates');
    mkdirSync(templates);
    writeTree(
      { 'templates/page.md.hbs': '---\neach: intake\noutput: "linked/{{layerFile}}.md"\n---\n{{intake.name}}\n' },
      root,
    );
    const args = [...GENERATE, '--templates', 'templates'];
    expect((await runCli(args, root)).code).toBe(0);
    const outside = tempDir();
    rmSync(path.join(root, 'out/linked'), { recursive: true });
    symlinkSync(outside, path.join(root, 'out/linked'));
    const before = snapshot(path.join(root, 'out'));
    const r = await runCli(args, root);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      'out: error: Cannot write output: linked/attack_11111111-1111-4111-8111-111111111111_do_not_edit_manually.json.md leads outside the output folder through a symbolic link [write-failed]',
    ]);
    expect(readTree(outside)).toEqual({});
    expect(snapshot(path.join(root, 'out'))).toEqual(before);
  });
});

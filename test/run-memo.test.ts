/**
 * A run whose inputs and outputs are those of the last run stops after
 * hashing its inputs; any change to an input, to the code's settings or to an
 * output on disk makes it a full run again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { generate } from '../generator/generate.js';
import { REPO } from './shared.js';
import { copyExampleCatalog, readTree } from './tree.js';

function setup() {
  const root = copyExampleCatalog();
  const cache = path.join(root, 'cache');
  const run = async (check = false) => {
    const { config } = resolveConfig(root, undefined, { cache });
    return generate(config, { check });
  };
  return { root, run };
}

describe('unchanged runs', () => {
  it('are recognised from content hashes and change nothing', async () => {
    const { root, run } = setup();
    const first = await run();
    expect(first.unchangedRun).toBeUndefined();
    const tree = readTree(path.join(root, 'output'));
    const second = await run();
    expect(second.unchangedRun).toBe(true);
    expect(second.summary).toEqual(first.summary);
    expect(second.diff?.unchanged.length).toBe(first.files.length);
    expect((await run(true)).unchangedRun).toBe(true);
    expect(readTree(path.join(root, 'output'))).toEqual(tree);
    expect(tree).toEqual(readTree(path.join(REPO, 'output')));
  });

  it('run in full again when an input, a template or an output changes', async () => {
    const { root, run } = setup();
    await run();
    const rule = path.join(root, 'rules', 'linux', 'shadow_file_read_unexpected_process.yml');
    writeFileSync(rule, readFileSync(rule, 'utf8').replace(/^description: .*$/m, 'description: Edited.'));
    const edited = await run();
    expect(edited.unchangedRun).toBeUndefined();
    expect(edited.applied?.written.length).toBeGreaterThan(0);
    expect((await run()).unchangedRun).toBe(true);

    const page = path.join(root, 'output', 'rules_index.json');
    writeFileSync(page, 'edited by hand');
    const repaired = await run();
    expect(repaired.unchangedRun).toBeUndefined();
    expect(repaired.applied?.written).toEqual(['rules_index.json']);

    writeFileSync(
      path.join(root, 'rulecat.config.yaml'),
      readFileSync(path.join(root, 'rulecat.config.yaml'), 'utf8') + 'nearMiss: true\n',
    );
    const reconfigured = await run();
    expect(reconfigured.unchangedRun).toBeUndefined();
    expect(reconfigured.applied?.written.length).toBeGreaterThan(0);
  });

  it('checks in full when the output folder is stale', async () => {
    const { root, run } = setup();
    await run();
    writeFileSync(path.join(root, 'output', 'rules_changelog.md'), 'stale');
    const check = await run(true);
    expect(check.unchangedRun).toBeUndefined();
    expect(check.diff?.changed.map((f) => f.path)).toEqual(['rules_changelog.md']);
  });
});

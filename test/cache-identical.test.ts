/**
 * The input cache never changes results: `generate` with the cache off, with
 * a cold cache and with a warm one writes byte-identical trees, for the
 * example catalog and for a small synthetic catalog (300 rules, 30 intakes).
 * Parsing on worker threads is compared with sequential parsing in
 * parallel-prefill.test.ts (in-process runs from the sources parse on one thread).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSyntheticCatalog } from '../scripts/synthetic-catalog.js';
import { REPO } from './shared.js';
import { readTree, runCli, tempDir } from './tree.js';

/** Generate into three folders: --no-cache, a new cache folder, the same cache again (twice, the second time over its own output). */
async function generateThreeWays(args: string[], cwd: string) {
  const root = tempDir('rulecat-cache-identical-');
  const cache = path.join(root, 'cache');
  const run = async (name: string, cacheArgs: string[]) => {
    const r = await runCli(['generate', ...args, '--out', path.join(root, name), ...cacheArgs], cwd);
    expect(r.code, r.stderr).toBe(0);
    return readTree(path.join(root, name));
  };
  const uncached = await run('no-cache', ['--no-cache']);
  const cold = await run('cold', ['--cache', cache]);
  const packs = readdirSync(cache);
  const warm = await run('warm', ['--cache', cache]);
  const again = await run('warm', ['--cache', cache]); // unchanged inputs and output: the quickest path
  return { uncached, cold, warm, again, packs };
}

function expectSameTrees(trees: Awaited<ReturnType<typeof generateThreeWays>>) {
  expect(trees.packs.length).toBeGreaterThan(0);
  expect(Object.keys(trees.uncached).length).toBeGreaterThan(0);
  expect(Object.keys(trees.cold)).toEqual(Object.keys(trees.uncached));
  expect(Object.keys(trees.warm)).toEqual(Object.keys(trees.uncached));
  expect(Object.keys(trees.again)).toEqual(Object.keys(trees.uncached));
  for (const [file, content] of Object.entries(trees.uncached)) {
    expect(trees.cold[file], `cold cache: ${file}`).toBe(content);
    expect(trees.warm[file], `warm cache: ${file}`).toBe(content);
    expect(trees.again[file], `warm cache, unchanged output: ${file}`).toBe(content);
  }
}

describe('the input cache', () => {
  it('leaves the example catalog output byte-identical', async () => {
    expectSameTrees(await generateThreeWays([], REPO));
  });

  it('leaves a synthetic catalog output byte-identical', async () => {
    const root = tempDir('rulecat-synthetic-');
    writeSyntheticCatalog({ rules: 300, intakes: 30, out: root, seed: 7 });
    const trees = await generateThreeWays(['--rules', 'rules', '--intakes', 'intakes'], root);
    expectSameTrees(trees);
    const blocks = Object.entries(trees.uncached)
      .filter(([f]) => f.startsWith('suggested_rules_'))
      .reduce((n, [, text]) => n + text.split('??? abstract "').length - 1, 0);
    expect(blocks).toBeGreaterThan(30); // rules do apply: matching is exercised
  });
});

describe('the synthetic catalog', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = tempDir('rulecat-synthetic-');
    const b = tempDir('rulecat-synthetic-');
    const c = tempDir('rulecat-synthetic-');
    writeSyntheticCatalog({ rules: 50, intakes: 10, out: a, seed: 3 });
    writeSyntheticCatalog({ rules: 50, intakes: 10, out: b, seed: 3 });
    writeSyntheticCatalog({ rules: 50, intakes: 10, out: c, seed: 4 });
    const tree = readTree(a);
    expect(Object.keys(tree).filter((f) => f.startsWith('rules/'))).toHaveLength(50);
    expect(Object.keys(tree).filter((f) => f.endsWith('/ingest/parser.yml'))).toHaveLength(10);
    expect(readTree(b)).toEqual(tree);
    expect(readTree(c)).not.toEqual(tree);
  });
});

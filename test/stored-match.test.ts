/**
 * The match stored in the cache (`stored-match.ts`): a run in a new process
 * after a rule edit matches only the changed rules, and its output is
 * byte-identical to a run without the cache, whatever the edit (a rule that
 * now applies elsewhere, a rule removed, a rule added); a changed intake
 * matches everything again.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { generate, loadConfig, runPipeline } from '../generator/index.js';
import { runFilesOf } from '../generator/load/input-files.js';
import { writeSyntheticCatalog } from '../scripts/synthetic-catalog.js';
import { readTree, tempDir } from './tree.js';

function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) visit(p);
      else if (p.endsWith('.yml')) out.push(p);
    }
  };
  visit(dir);
  return out;
}

const productOf = (file: string) => /^ {4}product: (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1];

describe('the stored match', () => {
  const root = tempDir('rulecat-stored-match-');
  writeSyntheticCatalog({ rules: 200, intakes: 20, out: root, seed: 11 });
  const cache = path.join(root, 'cache');
  const config = (out: string, cached: boolean) =>
    loadConfig({ cwd: root, rules: ['rules'], intakes: ['intakes'], out, cache: cached ? cache : false }).config;

  /** Generate with the cache and without it; both trees must be the same. */
  async function expectSameAsUncached(label: string) {
    const a = await generate(config(path.join(root, 'cached'), true));
    const b = await generate(config(path.join(root, 'uncached'), false));
    expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const others = (list: typeof a.diagnostics) => list.filter((d) => d.code !== 'layer-base-url'); // names the folder
    expect(others(a.diagnostics)).toEqual(others(b.diagnostics));
    const cached = readTree(path.join(root, 'cached'));
    const uncached = readTree(path.join(root, 'uncached'));
    expect(Object.keys(cached), label).toEqual(Object.keys(uncached));
    for (const [file, text] of Object.entries(uncached)) expect(cached[file], `${label}: ${file}`).toBe(text);
  }

  /** How many rules a run with the store matches again. */
  async function rematched(): Promise<number> {
    const c = config(path.join(root, 'probe'), true);
    const state = await runPipeline(c, { files: runFilesOf(c) });
    expect(state.match).toBeDefined();
    return state.work.rematched!.rules;
  }

  it('matches only what changed, with the output of a run without the cache', async () => {
    const files = ruleFiles(path.join(root, 'rules'));
    const total = files.length;
    await expectSameAsUncached('first run');
    expect(await rematched()).toBe(0);

    // A rule moved to another vendor: it applies elsewhere now.
    const moved = files.find((f) => productOf(f) !== undefined)!;
    const other = files.map(productOf).find((p) => p && p !== productOf(moved))!;
    writeFileSync(moved, readFileSync(moved, 'utf8').replace(/^( {4}product: ).+$/m, `$1${other}`));
    expect(await rematched()).toBe(1);
    await expectSameAsUncached('rule moved');

    // A rule removed, another added (a copy under a new id and title).
    const [removed, copied] = files.filter((f) => f !== moved);
    rmSync(removed);
    const added = path.join(path.dirname(copied), 'added_rule.yml');
    writeFileSync(
      added,
      readFileSync(copied, 'utf8')
        .replace(/^title: .+$/m, 'title: "An Added Rule"')
        .replace(/^id: .+$/m, 'id: 0b6e2a57-6a43-4c1e-9d57-0c8f0c3f4e21'),
    );
    expect(await rematched()).toBe(1);
    await expectSameAsUncached('rule removed and added');

    // A damaged store (entries of another shape) is matched again, never trusted.
    const [memoName] = readdirSync(path.join(cache, 'match'));
    const memoFile = path.join(cache, 'match', memoName);
    const memo = deserialize(readFileSync(memoFile)) as { rules: Map<string, unknown> };
    const junk = [null, 'x', { intakes: [-1], warnings: [] }, { intakes: [0.5] }, { intakes: [99999], warnings: [] }];
    [...memo.rules.keys()].forEach((k, i) => memo.rules.set(k, junk[i % junk.length]));
    writeFileSync(memoFile, serialize(memo));
    expect(await rematched()).toBe(total);
    await expectSameAsUncached('damaged store');

    // An intake changed: every rule is matched again.
    const fields = readdirSync(path.join(root, 'intakes'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(path.join('_meta', 'fields.yml')))
      .sort()[0];
    const file = path.join(root, 'intakes', fields);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}# edited\n`);
    expect(await rematched()).toBe(total); // one removed, one added
    await expectSameAsUncached('intake edited');
  });
});

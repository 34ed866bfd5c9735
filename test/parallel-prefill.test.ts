/**
 * Inputs parsed on worker threads give exactly what the sequential loaders
 * give: same rules, intakes and diagnostics, and byte-identical outputs.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { resolveConfig } from '../generator/config.js';
import { RunFiles } from '../generator/load/input-files.js';
import { prefillCache } from '../generator/load/parallel-prefill.js';
import { readIntakes } from '../generator/load/read-intakes.js';
import { readRules } from '../generator/load/read-rules.js';
import { DEFAULT_EFFORT_BY_LEVEL } from '../generator/model/rule.js';
import { REPO } from './shared.js';
import { tempDir, writeTree } from './tree.js';

/** The compiled worker (npm ci builds dist/); it must not be older than the sources it stands for. */
const WORKER = path.join(REPO, 'dist', 'generator', 'load', 'parse-worker.js');

function freshWorker(): string {
  const sources = ['parse-worker.ts', 'read-rules.ts', 'read-intakes.ts', 'read-yaml.ts', 'input-files.ts'].map(
    (f) => statSync(path.join(REPO, 'generator', 'load', f)).mtimeMs,
  );
  if (!existsSync(WORKER) || statSync(WORKER).mtimeMs < Math.max(...sources))
    throw new Error(`${WORKER} is missing or older than its sources: run npm run build`);
  return WORKER;
}

const strip = (list: { placeOf?: unknown }[]) => list.map(({ placeOf: _p, ...rest }) => rest);

describe('parallel parsing', () => {
  it('fills the cache with what sequential parsing builds, diagnostics included', async () => {
    const broken = writeTree({ 'bad.yml': 'title: x\nid: [unclosed\n', 'empty.yml': '' });
    const rulesDirs = [path.join(REPO, 'rules'), broken];
    const intakes = [path.join(REPO, 'intakes')];
    const options = { effortByLevel: DEFAULT_EFFORT_BY_LEVEL };
    const intakeOptions = { platformFields: ['message'] };
    const sequentialRules = readRules(rulesDirs, options, REPO);
    const sequentialIntakes = readIntakes(intakes, intakeOptions, REPO);
    const cacheDir = tempDir();
    // Under vitest the sources are TypeScript: the worker threads run dist/ (built by npm ci).
    const files = new RunFiles({ rules: rulesDirs, intakes, files: [], cwd: REPO });
    const parsed = await prefillCache({
      rules: files.ruleWalks,
      intakes: files.intakeWalks,
      store: files.store,
      ruleOptions: options,
      intakeOptions,
      cacheDir,
      threshold: 0,
      worker: freshWorker(),
    });
    expect(parsed).toBe(sequentialRules.files + sequentialIntakes.intakes.length);
    const cachedRules = readRules(rulesDirs, options, REPO, cacheDir);
    const cachedIntakes = readIntakes(intakes, intakeOptions, REPO, cacheDir);
    expect(strip(cachedRules.rules)).toEqual(strip(sequentialRules.rules));
    expect(cachedRules.diagnostics).toEqual(sequentialRules.diagnostics);
    expect(cachedIntakes).toEqual(sequentialIntakes);
  });

  it('gives byte-identical outputs', async () => {
    const { config } = resolveConfig(REPO, undefined, { cache: false });
    const plain = await build(config);
    const cacheDir = tempDir();
    const files = new RunFiles({ rules: config.rules, intakes: config.intakes, files: [], cwd: REPO });
    const parsed = await prefillCache({
      rules: files.ruleWalks,
      intakes: files.intakeWalks,
      store: files.store,
      ruleOptions: { effortByLevel: config.effortByLevel },
      intakeOptions: { platformFields: config.platformFields },
      cacheDir,
      threshold: 0,
      worker: freshWorker(),
    });
    expect(parsed).toBeGreaterThan(60);
    const cached = await build({ ...config, cache: cacheDir });
    expect(cached.files.map((f) => [f.path, f.content])).toEqual(plain.files.map((f) => [f.path, f.content]));
  });
});

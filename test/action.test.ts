/**
 * The composite action (action.yml) as GitHub would run it, on the example
 * catalog in a temporary docs repository: its `run:` steps are run with
 * bash as the runner does (`bash --noprofile --norc -eo pipefail`), with
 * their `${{ … }}` expressions evaluated (inputs, step outputs, runner),
 * `$GITHUB_OUTPUT` collected per step, and the action's outputs computed
 * from them. The `uses:` steps are emulated: setup-node is the Node.js
 * running this test, and actions/cache is checked for its path and key
 * (the cache folder must be the one rulecat fills). `rulecat` is the CLI
 * built from this checkout, installed as the docs repository's
 * node_modules/.bin/rulecat.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { copyExampleCatalog, tempDir } from './tree.js';

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  if?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as Action;
const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');

interface Run {
  /** Exit code of the first failing step (0 when every step passed). */
  code: number;
  outputs: Record<string, string>;
  log: string;
  /** The actions/cache step as it would run: its path and key (undefined when skipped). */
  cache?: { path: string; key: string; restoreKeys: string[] };
  ran: string[];
}

/** Evaluate the expressions the action uses: contexts, and `a == 'b'`. */
function evaluate(expr: string, ctx: Record<string, unknown>): string {
  const value = (ref: string): string => {
    const literal = /^'(.*)'$/.exec(ref);
    if (literal) return literal[1];
    const v = ref.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], ctx);
    return v === undefined || v === null ? '' : String(v);
  };
  const eq = /^(.+?)\s*==\s*(.+)$/.exec(expr.trim());
  if (eq) return String(value(eq[1].trim()) === value(eq[2].trim()));
  return value(expr.trim());
}
const substitute = (text: string, ctx: Record<string, unknown>) =>
  text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, e: string) => evaluate(e, ctx));

function runAction(cwd: string, given: Record<string, string>): Run {
  expect(action.runs.using).toBe('composite');
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, given[k] ?? v.default ?? '']));
  for (const k of Object.keys(given)) expect(action.inputs, `input ${k}`).toHaveProperty(k);
  const temp = tempDir('rulecat-runner-temp-');
  const steps: Record<string, { outputs: Record<string, string> }> = {};
  const ctx = {
    inputs,
    steps,
    runner: { os: 'Linux', temp },
    github: { run_id: '4242', action_path: REPO },
  };
  const run: Run = { code: 0, outputs: {}, log: '', ran: [] };
  for (const [i, step] of action.runs.steps.entries()) {
    if (step.if !== undefined && evaluate(step.if.replace(/^\$\{\{|\}\}$/g, ''), ctx) !== 'true') continue;
    const id = step.id ?? `step${i}`;
    if (step.uses?.startsWith('actions/setup-node@')) {
      expect(substitute(step.with!['node-version'], ctx)).toBe(inputs['node-version']);
      run.ran.push('setup-node');
      continue;
    }
    if (step.uses?.startsWith('actions/cache@')) {
      run.cache = {
        path: substitute(step.with!.path, ctx),
        key: substitute(step.with!.key, ctx),
        restoreKeys: substitute(step.with!['restore-keys'], ctx).split('\n').filter(Boolean),
      };
      run.ran.push('cache');
      continue;
    }
    expect(step.uses, `step ${id}`).toBeUndefined();
    expect(step.shell).toBe('bash');
    const outputFile = path.join(temp, `output-${i}`);
    writeFileSync(outputFile, '');
    const script = path.join(temp, `step-${i}.sh`);
    writeFileSync(script, substitute(step.run!, ctx));
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      GITHUB_OUTPUT: outputFile,
      RUNNER_TEMP: temp,
      npm_config_update_notifier: 'false',
    };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = substitute(v, ctx);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: path.resolve(cwd, substitute(step['working-directory'] ?? '.', ctx)),
      env,
      encoding: 'utf8',
    });
    run.log += r.stdout + r.stderr;
    run.ran.push(id);
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(outputFile, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
    }
    steps[id] = { outputs };
    if (r.status !== 0) {
      run.code = r.status ?? -1;
      break;
    }
  }
  for (const [k, v] of Object.entries(action.outputs)) run.outputs[k] = substitute(v.value, ctx);
  return run;
}

/** A docs repository with the example catalog and rulecat installed as its node_modules/.bin/rulecat. */
function docsRepo(): string {
  const root = copyExampleCatalog('rulecat-action-');
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'docs', private: true }));
  mkdirSync(path.join(root, 'node_modules', '.bin'), { recursive: true });
  const bin = path.join(root, 'node_modules', '.bin', 'rulecat');
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(bin, 0o755);
  return root;
}

describe('the composite action (action.yml)', () => {
  let root: string;
  let generated: number;
  beforeAll(() => {
    expect(existsSync(BIN), 'the CLI is built (npm run build)').toBe(true);
    root = docsRepo();
  });

  it('declares the inputs and outputs docs CI needs', () => {
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['rules', 'intakes', 'out', 'config', 'check-only', 'base-url', 'cache']),
    );
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['changed-files', 'exit-code']));
  });

  it('check-only on a catalog never generated: fails, counting the files that would be added', () => {
    const r = runAction(root, { 'check-only': 'true' });
    expect(r.code).toBe(1);
    expect(r.outputs['exit-code']).toBe('1');
    generated = Number(r.outputs['changed-files']);
    expect(generated).toBeGreaterThan(9);
    expect(r.log).toMatch(/^would be added: suggested_rules_[0-9a-f-]+_do_not_edit_manually\.md$/m);
    expect(r.log).toContain(`::error::${generated} generated file(s) are stale`);
    expect(existsSync(path.join(root, 'output'))).toBe(false);
  });

  it('generates, caching parsed inputs in the folder actions/cache keeps, keyed on rulecat version and lockfile', () => {
    const r = runAction(root, {});
    expect(r.code, r.log).toBe(0);
    expect(r.ran).toEqual(['setup-node', 'install', 'prepare', 'cache', 'run']);
    expect(r.outputs).toMatchObject({ 'changed-files': String(generated), 'exit-code': '0' });
    expect(readdirSync(path.join(root, 'output')).length).toBe(generated + 1); // + the ownership manifest
    const summary = JSON.parse(readFileSync(r.outputs.summary, 'utf8'));
    expect(summary).toMatchObject({ schemaVersion: 1, command: 'generate', exitCode: 0 });
    expect(summary.files.written).toHaveLength(generated);

    const version = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(r.cache!.key).toMatch(new RegExp(`^rulecat-Linux-${version.replace(/\./g, '\\.')}-[0-9a-f]{16}-4242$`));
    expect(r.cache!.restoreKeys[0]).toBe(r.cache!.key.replace(/4242$/, ''));
    expect(readdirSync(r.cache!.path).length).toBeGreaterThan(0); // rulecat filled the folder that is cached
  });

  it('check-only on the generated output: passes, nothing changed', () => {
    const r = runAction(root, { 'check-only': 'true', cache: 'false' });
    expect(r.code, r.log).toBe(0);
    expect(r.ran).not.toContain('cache');
    expect(r.outputs).toMatchObject({ 'changed-files': '0', 'exit-code': '0' });
    expect(r.log).toContain('rulecat: 0 file(s) would change');
  });

  it('takes rules, intakes and out as inputs, and fails with exit 2 on invalid rules', () => {
    const other = runAction(root, { rules: 'rules', intakes: 'intakes', out: 'elsewhere', cache: 'false' });
    expect(other.code, other.log).toBe(0);
    expect(other.outputs['changed-files']).toBe(String(generated));
    expect(existsSync(path.join(root, 'elsewhere', 'rules_index.json'))).toBe(true);

    writeFileSync(path.join(root, 'rules', 'broken.yml'), 'title: [\n');
    const broken = runAction(root, { cache: 'false' });
    expect(broken.code).toBe(2);
    expect(broken.outputs).toMatchObject({ 'exit-code': '2', 'changed-files': '0' });
    expect(broken.log).toMatch(/^rules\/broken\.yml:\d+:\d+: error: /m);
    expect(broken.log).toContain('::error::rulecat failed (exit 2)');
  });
});

/**
 * All or nothing: a generation that fails leaves every previously written
 * file as it was; one that is killed leaves each file either in its old or
 * its new complete version, and the next run repairs everything.
 *
 * Fault points are the file-system mutations a run makes in its output
 * folder (see fs-faults.mjs): every one of them is tried, as an exception
 * (in process) and as a SIGKILL (child process running the built CLI);
 * random-time SIGKILLs of `node dist/generator/bin.js` come on top.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../shared.js';
import { INTAKE_MANIFEST, PARSER, readTree, runCli, tempDir, writeTree } from '../tree.js';
// @ts-expect-error plain JavaScript helper shared with the child process
import { installFaults } from './fs-faults.mjs';
import { catalog, GENERATE, RULE, runDriver, U3 } from './helpers.js';

const U4 = '44444444-4444-4444-8444-444444444444';
const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
const RANDOM_KILLS = Number(process.env.KILL_RUNS) || 8;

/** Files of the user, beside generated ones: never touched. */
const USER_FILES = {
  'out/notes.md': 'mine\n',
  [`out/suggested_rules_${U4.replace('4444-4', '4444-5')}_do_not_edit_manually.md`]: 'looks generated, is not\n',
};

/** The old catalog: three intakes. The new one: a rule renamed (pages and layers change), one intake gone, one new. */
function scenario(): { root: string; old: Record<string, string>; next: Record<string, string> } {
  const root = catalog({
    'intakes/Other/dns/_meta/manifest.yml': INTAKE_MANIFEST(U3, 'Other DNS'),
    'intakes/Other/dns/ingest/parser.yml': PARSER({ 'process.executable': '{{parsed.message.image}}' }),
  });
  return { root, old: {}, next: {} };
}

function makeNew(root: string): void {
  writeTree({ 'rules/a.yml': RULE('r-a', 'Zeta Process renamed') }, root);
  rmSync(path.join(root, 'intakes/Vendor/fw'), { recursive: true });
  writeTree({ 'intakes/Other/web/_meta/manifest.yml': INTAKE_MANIFEST(U4, 'Other Web') }, root);
}

let base: { root: string; old: Record<string, string>; next: Record<string, string> };

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" (npm ci does) before the tests`);
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
      ),
    );
  if (newest(path.join(REPO, 'generator')) > statSync(BIN).mtimeMs)
    console.warn(
      '[warning] dist/ is older than generator/: run "npm run build" so that the child processes run the current code',
    );
  base = scenario();
  expect((await runCli(GENERATE, base.root)).code).toBe(0);
  writeTree(USER_FILES, base.root);
  base.old = readTree(path.join(base.root, 'out'));
  const probe = copy(base.root);
  makeNew(probe);
  expect((await runCli(GENERATE, probe)).code).toBe(0);
  base.next = readTree(path.join(probe, 'out'));
  makeNew(base.root); // from now on base.root is: old output, new catalog
  // The scenario really changes, adds and removes files.
  const keys = (t: Record<string, string>) => Object.keys(t).filter((k) => !k.startsWith('.'));
  expect(keys(base.old).filter((k) => !(k in base.next)).length).toBeGreaterThan(0);
  expect(keys(base.next).filter((k) => !(k in base.old)).length).toBeGreaterThan(0);
  expect(keys(base.next).filter((k) => k in base.old && base.old[k] !== base.next[k]).length).toBeGreaterThan(1);
});

function copy(root: string): string {
  const to = tempDir('rulecat-kill-');
  cpSync(root, to, { recursive: true, preserveTimestamps: true });
  return to;
}

/** Every file is the old or the new complete version (or absent where one of them is); the user's files are untouched. */
function expectOldOrNew(out: string): void {
  const now = readTree(out);
  const names = new Set([...Object.keys(base.old), ...Object.keys(base.next), ...Object.keys(now)]);
  for (const name of names) {
    if (name === '.rulecat-manifest.json') {
      const manifest = JSON.parse(now[name]) as { generator: string; files: Record<string, string> };
      expect(manifest.generator).toBe('rulecat');
      continue;
    }
    if (name.startsWith('.rulecat-staging-') || name === '.rulecat-lock' || /\.rulecat-tmp-\d+$/.test(name)) continue; // bookkeeping of the killed run
    expect([base.old[name], base.next[name]], name).toContain(now[name]);
  }
  for (const [name, content] of Object.entries(USER_FILES)) expect(now[name.slice('out/'.length)]).toBe(content);
}

async function expectRepaired(root: string): Promise<void> {
  const r = await runCli(GENERATE, root);
  expect(r.code, r.stderr).toBe(0);
  expect(readTree(path.join(root, 'out'))).toEqual(base.next);
}

/** `items` through `fn`, two at a time (child processes on two cores). */
async function twoAtATime<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  await Promise.all([worker(), worker()]);
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Both ways of flushing written files to disk (`--fsync`): the guarantees against failures and kills are the same. */
const MODES = ['end', 'each'] as const;
const generateWith = (mode: (typeof MODES)[number]) => [...GENERATE, '--fsync', mode];

describe.each(MODES)('a run that fails while writing (--fsync %s)', (mode) => {
  const GENERATE = generateWith(mode);
  it('rolls back at every file-system mutation that throws, and the next run completes', async () => {
    const probe = copy(base.root);
    roots.push(probe);
    const counting = installFaults({ root: path.join(probe, 'out'), at: 0, action: 'throw' });
    try {
      expect((await runCli(GENERATE, probe)).code).toBe(0);
    } finally {
      counting.uninstall();
    }
    const total = counting.count();
    expect(total).toBeGreaterThan(20);
    let tolerated = 0;
    let rolledBack = 0;
    for (let at = 1; at <= total; at++) {
      const root = copy(base.root);
      roots.push(root);
      const before = readTree(path.join(root, 'out'));
      // Removing our own lock is best effort; a throw there would leave a lock held by this (live) process.
      const faults = installFaults({
        root: path.join(root, 'out'),
        at,
        action: 'throw',
        skip: (op: string, file: string) => op === 'unlinkSync' && file.endsWith('.rulecat-lock'),
      });
      let r: Awaited<ReturnType<typeof runCli>>;
      try {
        r = await runCli(GENERATE, root);
      } finally {
        faults.uninstall();
      }
      if (faults.count() < at) {
        expect(r.code).toBe(0); // past the last counted mutation (the lock's removal is not counted here)
      } else if (r.code === 0) {
        // Only cleaning up after the commit may fail without failing the run (the next run removes the leftovers).
        expect(faults.log[at - 1], `fault ${at} did not fail the run`).toMatch(/^\w+ \.rulecat-staging-/);
        tolerated++;
        expect(readTree(path.join(root, 'out'))).toEqual({ ...base.next, ...readTree(path.join(root, 'out')) });
      } else {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('Cannot write output: EIO [write-failed]');
        rolledBack++;
        expect(readTree(path.join(root, 'out')), `fault at ${faults.log[at - 1]}`).toEqual(before);
      }
      await expectRepaired(root);
    }
    expect(tolerated).toBeGreaterThan(0);
    expect(rolledBack + tolerated).toBe(total - 1);
    console.log(
      `exceptions: ${total - 1} fault points, ${rolledBack} failed runs rolled back, ${tolerated} faults in the clean-up after the commit`,
    );
  });
});

describe.each(MODES)('a run killed while writing (--fsync %s)', (mode) => {
  const GENERATE = generateWith(mode);
  it('leaves each file old or new at every file-system mutation, and the next run repairs everything', async () => {
    const probe = copy(base.root);
    roots.push(probe);
    const full = await runDriver(probe, 0, 'kill', GENERATE);
    expect(full.status, full.stderr).toBe(0);
    const total = Number(/MUTATIONS (\d+)/.exec(full.stdout)![1]);
    expect(total).toBeGreaterThan(20);
    console.log(`kill points: ${total}`);
    expect(readTree(path.join(probe, 'out'))).toEqual(base.next);
    const points = Array.from({ length: total }, (_, i) => i + 1);
    await twoAtATime(points, async (at) => {
      const root = copy(base.root);
      roots.push(root);
      const r = await runDriver(root, at, 'kill', GENERATE);
      expect(r.signal, `kill point ${at}: ${r.stderr}`).toBe('SIGKILL');
      expectOldOrNew(path.join(root, 'out'));
      await expectRepaired(root);
      expect(
        readdirSync(path.join(root, 'out')).filter((n) => n.startsWith('.rulecat-') && n !== '.rulecat-manifest.json'),
      ).toEqual([]);
    });
  }, 180_000); // two runs per kill point (about 50): a guard against a hang, not a measure
});

describe.each(MODES)('the real command killed at random times (--fsync %s)', (mode) => {
  const GENERATE = generateWith(mode);
  it(
    `leaves each file old or new when the real CLI is killed at random times (${RANDOM_KILLS} runs)`,
    async () => {
      // A larger catalog, so that writing takes a good part of the run: 120 intakes listed by one rule.
      const many: Record<string, string> = {};
      const names = Array.from({ length: 120 }, (_, i) => `Bulk ${i}`);
      const listed = (title: string) =>
        RULE('r-bulk', title, undefined, `intakes:\n${names.map((n) => `  - ${n}\n`).join('')}`);
      many['rules/bulk.yml'] = listed('Bulk rule');
      for (let i = 0; i < 120; i++) {
        const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        many[`intakes/Bulk/i${i}/_meta/manifest.yml`] = INTAKE_MANIFEST(uuid, `Bulk ${i}`);
        many[`intakes/Bulk/i${i}/ingest/parser.yml`] = PARSER({ 'process.executable': '{{parsed.message.image}}' });
      }
      writeTree(many, base.root);
      const big = copy(base.root);
      roots.push(big);
      rmSync(path.join(big, 'out'), { recursive: true });
      mkdirSync(path.join(big, 'out'));
      // Old: the output of the big catalog; new: the same with a rule renamed in every page.
      expect((await runCli(GENERATE, big)).code).toBe(0);
      const old = readTree(path.join(big, 'out'));
      writeTree({ 'rules/bulk.yml': listed('Bulk rule renamed') }, big);
      const probe = copy(big);
      roots.push(probe);
      const started = Date.now();
      expect(spawnSync(process.execPath, [BIN, ...GENERATE], { cwd: probe }).status).toBe(0);
      const duration = Date.now() - started;
      const next = readTree(path.join(probe, 'out'));
      expect(Object.keys(next).filter((k) => old[k] !== next[k]).length).toBeGreaterThan(200);
      let interrupted = 0;
      let midWrite = 0;
      for (let run = 0; run < RANDOM_KILLS; run++) {
        const root = copy(big);
        roots.push(root);
        const child = spawn(process.execPath, [BIN, ...GENERATE], { cwd: root, stdio: 'ignore' });
        const delay = duration * (0.4 + 0.7 * Math.random()); // writing comes last; some runs finish before the kill
        const timer = setTimeout(() => child.kill('SIGKILL'), delay);
        const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
          child.on('exit', (c, s) => resolve([c, s])),
        );
        clearTimeout(timer);
        if (signal === 'SIGKILL') interrupted++;
        else expect(code).toBe(0);
        const now = readTree(path.join(root, 'out'));
        if (Object.keys(now).some((k) => k.startsWith('.rulecat-staging-') || now[k] !== old[k])) midWrite++;
        for (const name of new Set([...Object.keys(old), ...Object.keys(next), ...Object.keys(now)])) {
          if (name === '.rulecat-manifest.json') JSON.parse(now[name]);
          else if (!name.startsWith('.rulecat-') && !/\.rulecat-tmp-\d+$/.test(name))
            expect([old[name], next[name]], name).toContain(now[name]);
        }
        const r = await runCli(GENERATE, root);
        expect(r.code, r.stderr).toBe(0);
        expect(readTree(path.join(root, 'out'))).toEqual(next);
      }
      console.log(
        `random kills: ${interrupted} of ${RANDOM_KILLS} runs killed before finishing, ${midWrite} of them while writing`,
      );
    },
    process.env.KILL_RUNS ? 6 * 3_600_000 : undefined,
  );
});

describe('leftovers of a killed run', () => {
  it('are removed by the next run even when nothing else changes', async () => {
    const root = catalog();
    roots.push(root);
    expect((await runCli(GENERATE, root)).code).toBe(0);
    const clean = readTree(path.join(root, 'out'));
    writeTree({ 'out/.rulecat-staging-abc123/0': 'half', 'out/..rulecat-manifest.json.rulecat-tmp-999999': '{' }, root);
    writeFileSync(
      path.join(root, 'out/.rulecat-lock'),
      JSON.stringify({
        pid: 999_999_999,
        hostname: (await import('node:os')).hostname(),
        started: '2020-01-01T00:00:00.000Z',
        token: 'x',
      }),
    );
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('removed a stale lock (pid 999999999');
    expect(readTree(path.join(root, 'out'))).toEqual(clean);
  });
});

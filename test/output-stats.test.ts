/**
 * A warm generate does not hash its outputs again when their stats are the
 * ones recorded when their bytes were last found intact (as git's index does
 * for files it knows). The shortcut must never hide a change: an edit that
 * keeps the size and puts the modification time back still changes the
 * change time, and `--check` sees it, `generate` repairs it.
 *
 * Outputs written less than 2 s before a run are inside the racy window
 * (their stats are not recorded), so the test moves the clock a minute on.
 */
import { readFileSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { generate } from '../generator/generate.js';
import { copyExampleCatalog } from './tree.js';

const opened = new Set<string>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const openSync = ((file: unknown, ...rest: unknown[]) => {
    if (typeof file === 'string') opened.add(file);
    return (fs.openSync as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, openSync, default: { ...fs, openSync } };
});

const LINUX = '1c9d5696-3b32-46ab-a3ee-af6e7baaa24e';
const TITLE = 'Shell Redirected to a /dev/tcp Socket';

/** Give a file a modification time that can be put back exactly (whole seconds, an hour ago). */
function roundMtime(file: string): void {
  const t = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(file, t, t);
}

/** Rewrite a file (its modification time made round first) with text of the same size, its modification time put back. */
function editKeepingStat(file: string, from: string, to: string): void {
  expect(to.length).toBe(from.length);
  const before = statSync(file, { bigint: true });
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
  utimesSync(file, Number(before.atimeNs / 1_000_000_000n), Number(before.mtimeNs / 1_000_000_000n));
  const after = statSync(file, { bigint: true });
  expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
  expect(after.ctimeNs).not.toBe(before.ctimeNs);
}

describe('generate: outputs known by their stat', () => {
  afterEach(() => {
    opened.clear();
    vi.useRealTimers();
  });

  it('are not hashed again once found intact, and an edit that keeps size and modification time is still caught', async () => {
    const root = realpathSync(copyExampleCatalog());
    const cache = path.join(root, 'cache');
    const { config } = resolveConfig(root, undefined, { cache });
    const run = (check = false) => generate(config, { check });
    const out = path.join(root, 'output');
    const page = path.join(out, `suggested_rules_${LINUX}_do_not_edit_manually.md`);
    expect((await run()).unchangedRun).toBeUndefined();
    roundMtime(page);
    const original = readFileSync(page, 'utf8');
    // A minute later (the outputs' stats are outside the racy window): found intact by their bytes, stats recorded.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 60_000);
    expect((await run()).unchangedRun).toBe(true);
    opened.clear();
    expect((await run()).unchangedRun).toBe(true);
    expect([...opened].filter((f) => f.startsWith(out + path.sep) && !path.basename(f).startsWith('.'))).toEqual([]);

    editKeepingStat(page, TITLE, TITLE.replace('Socket', 'Sockex'));
    const check = await run(true);
    expect(check.unchangedRun).toBeUndefined();
    expect(check.diff?.changed.map((f) => f.path)).toEqual([path.basename(page)]);
    const repaired = await run();
    expect(repaired.unchangedRun).toBeUndefined();
    expect(repaired.applied?.written).toEqual([path.basename(page)]);
    expect(readFileSync(page, 'utf8')).toBe(original);
  });
});

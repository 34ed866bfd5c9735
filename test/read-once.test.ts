/**
 * Every input file is read at most once per run: the run memo's hashing,
 * the input cache's lookups and the parsers share one read (`InputFiles`).
 * Counted by wrapping `openSync` (every read of an input goes through the
 * bounded reader of `load/read-text.ts`, which opens the file once per read), on a cold run (empty cache), a warm
 * run (nothing changed: stops after hashing), a run after an edit, and a
 * preview (which reads only what its page needs: no other intake's test
 * events).
 */
import { appendFileSync, cpSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO } from './shared.js';
import { copyExampleCatalog, runCli, tempDir } from './tree.js';

const reads = new Map<string, number>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const openSync = ((file: unknown, ...rest: unknown[]) => {
    if (typeof file === 'string') reads.set(file, (reads.get(file) ?? 0) + 1);
    return (fs.openSync as (...a: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.openSync;
  return { ...fs, openSync, default: { ...fs, openSync } };
});

/** Reads of the files under `dir` during `run`, by path relative to `dir`. */
async function readsUnder(dir: string, run: () => Promise<{ code: number; stderr: string }>) {
  reads.clear();
  const r = await run();
  expect(r.stderr).not.toContain('error');
  const out: Record<string, number> = {};
  for (const [file, n] of reads) if (file.startsWith(dir + path.sep)) out[path.relative(dir, file)] = n;
  return out;
}

const inputs = (counts: Record<string, number>) =>
  Object.keys(counts).filter((f) => /^(rules|intakes|templates)\//.test(f));
/** Input files read other than once. */
const notOnce = (counts: Record<string, number>) => inputs(counts).filter((f) => counts[f] !== 1);

describe('each input file is read once per run', () => {
  afterEach(() => reads.clear());

  it('cold, warm, after an edit; a preview reads only what its page needs', async () => {
    const root = realpathSync(copyExampleCatalog());
    cpSync(path.join(REPO, 'templates'), path.join(root, 'templates'), { recursive: true });
    const cache = tempDir();
    const args = ['generate', '--cache', cache, '--out', 'out', '--templates', 'templates'];

    const cold = await readsUnder(root, () => runCli(args, root));
    const files = inputs(cold);
    expect(files.length).toBeGreaterThan(60);
    expect(files.filter((f) => f.startsWith('templates/')).length).toBeGreaterThan(2);
    expect(notOnce(cold)).toEqual([]);

    const warm = await readsUnder(root, () => runCli(args, root));
    expect(inputs(warm).sort()).toEqual(files.sort());
    expect(notOnce(warm)).toEqual([]);

    const edited = files.find((f) => f.startsWith('rules/') && f.endsWith('.yml'))!;
    appendFileSync(path.join(root, edited), '\n# edited\n');
    const changed = await readsUnder(root, () => runCli(args, root));
    // The edited file is read; the others too unless the last run's stats vouch for them (outside the racy window).
    expect(inputs(changed)).toContain(edited);
    expect(inputs(changed).filter((f) => !files.includes(f))).toEqual([]);
    expect(notOnce(changed)).toEqual([]);

    const preview = await readsUnder(root, () =>
      runCli(['preview', '--intake', 'AWS CloudTrail', '--cache', cache], root),
    );
    expect(notOnce(preview)).toEqual([]);
    const events = inputs(preview).filter((f) => f.endsWith('.json'));
    expect(events.length).toBeGreaterThan(0);
    // Only the chosen intake's test events: its folder is the one of its parser.
    const folders = new Set(events.map((f) => f.split('/tests/')[0]));
    expect(folders.size).toBe(1);
  });

  it('an unchanged run reads no input whose stat is the one the last run recorded; an edit is read again', async () => {
    const root = realpathSync(copyExampleCatalog());
    const cache = tempDir();
    const args = ['generate', '--cache', cache, '--out', 'out'];
    expect((await runCli(args, root)).code).toBe(0);
    // The files were written a moment ago: within the racy window, the next run reads them all again.
    const soon = await readsUnder(root, () => runCli(args, root));
    expect(inputs(soon).length).toBeGreaterThan(60);
    // As if the last run had taken the stats 3 s later (no file changed within 2 s of it).
    const [memoName] = readdirSync(path.join(cache, 'runs'));
    const memoFile = path.join(cache, 'runs', memoName);
    const age = () => {
      const memo = JSON.parse(readFileSync(memoFile, 'utf8'));
      memo.inputs.at += 3000;
      writeFileSync(memoFile, JSON.stringify(memo));
    };
    age();
    const later = await readsUnder(root, () => runCli(args, root));
    expect(inputs(later)).toEqual([]);
    age(); // that run recorded the outputs' stats, and the inputs' again (taken now, a moment after the copy)
    // The same size, other bytes: the change time moved, so the file is read and the page follows.
    const rule = inputs(soon).find((f) => f.startsWith('rules/') && f.endsWith('.yml'))!;
    const text = readFileSync(path.join(root, rule), 'utf8');
    const title = /^title: (.)/m.exec(text)!;
    const swapped = title[1] === 'Z' ? 'Y' : 'Z';
    writeFileSync(path.join(root, rule), text.replace(/^title: ./m, `title: ${swapped}`));
    const edited = await readsUnder(root, () => runCli(args, root));
    expect(inputs(edited)).toContain(rule);
    expect(notOnce(edited)).toEqual([]);
    // The other rules and the intakes come from the input cache, looked up by the hashes their stats vouch for.
    expect(inputs(edited).filter((f) => f.startsWith('rules/') || f.startsWith('intakes/'))).toEqual([rule]);
    const pages = readdirSync(path.join(root, 'out')).filter((f) => f.endsWith('.md'));
    const titled = `${swapped}${text.slice(title.index + 8).split('\n')[0]}`;
    expect(pages.some((p) => readFileSync(path.join(root, 'out', p), 'utf8').includes(titled))).toBe(true);
  });
});

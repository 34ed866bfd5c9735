/**
 * The outputs of the last successful run, keyed by everything the outputs
 * depend on: the bytes of every input file (rules, intakes, mapping, tables,
 * templates), the configuration and rulecat's own code. When the key is the
 * same and every output on disk still has the bytes that run wrote, nothing
 * can have changed: the run stops after hashing its inputs, without parsing,
 * matching or rendering. Any difference, or any doubt, means a full run.
 * Input and output files whose stat is the one recorded (outside the racy
 * window) are not read again to know their bytes, as git's index does.
 *
 * Stored beside the input cache (`<cache>/runs/`), one small JSON file per
 * output folder. It never changes results: it only ever skips work whose
 * result is already on disk.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../diagnostics.js';
import { knownFile, RACY_MS, stillKnown, type KnownFile, type KnownFiles, type RunFiles } from '../load/input-files.js';
import { makeDirs } from '../load/pseudo-fs.js';
import { hashFile, ReadScope, readText } from '../load/read-text.js';
import { manifestPath, readManifest, readManifestText, serializeManifest } from './manifest.js';

export interface RunSummary {
  rules: number;
  filters: number;
  intakes: number;
  pages: number;
  layers: number;
  files: number;
  byTemplate: Record<string, number>;
  /** Rules that apply to no intake. */
  nowhere: number;
}

export interface RunMemo {
  key: string;
  /** Output path → sha256 of its content. */
  outputs: Record<string, string>;
  summary: RunSummary;
  /** Warnings of that run (a run with errors is never remembered). */
  diagnostics: Diagnostic[];
  /** The input files' stats and hashes, so that the next run reads only files whose stat changed. */
  inputs?: KnownFiles;
  /** The outputs' stats (by output path) when their bytes were last found intact, so that the next run hashes only those whose stat changed. */
  outputStats?: KnownFiles;
}

let codeHash: string | undefined;

/** Hash of rulecat's code (the folder this module belongs to, recursively). */
export function codeFingerprint(): string {
  if (codeHash) return codeHash;
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const hash = createHash('sha1');
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(p);
      else if (/\.(js|ts|yaml|json)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
        hash.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  visit(root);
  codeHash = hash.digest('hex');
  return codeHash;
}

/**
 * The key of a run: settings, code, and the path and bytes of every input
 * file (`files`, which reads each of them once for the whole run, or not at
 * all when `previous` knew the file with the same stat).
 * Undefined when an input folder cannot be walked cleanly (the full run reports why).
 */
export function runKey(settings: unknown, files: RunFiles, previous?: KnownFiles): string | undefined {
  if (!files.clean) return undefined;
  const inputs = files.digest(previous);
  if (inputs === undefined) return undefined;
  return createHash('sha1').update(JSON.stringify(settings)).update(codeFingerprint()).update(inputs).digest('hex');
}

function memoFile(cacheDir: string, outDir: string): string {
  return path.join(
    cacheDir,
    'runs',
    `${createHash('sha1').update(path.resolve(outDir)).digest('hex').slice(0, 20)}.json`,
  );
}

export function readRunMemo(cacheDir: string, outDir: string): RunMemo | undefined {
  const { text } = readText(memoFile(cacheDir, outDir), undefined, { kind: 'record' });
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as RunMemo;
  } catch {
    return undefined;
  }
}

export function writeRunMemo(cacheDir: string, outDir: string, memo: RunMemo): void {
  const file = memoFile(cacheDir, outDir);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDirs(path.dirname(file));
    writeFileSync(tmp, JSON.stringify(memo));
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true }); // only the next run's time is lost
    } catch {
      // the cache folder itself is unusable (a file in its path): nothing was written
    }
  }
}

export interface OutputsCheck {
  /** Every remembered output is on disk with the remembered bytes, and the ownership manifest agrees. */
  intact: boolean;
  /** When intact and some outputs had to be hashed: the stats to remember for the next run. */
  stats?: KnownFiles;
}

/**
 * Whether every remembered output is on disk with the remembered bytes and
 * the ownership manifest agrees. An output whose stat is the one recorded
 * when it was last found intact (and changed last outside the racy window
 * before that) is not read; any other is hashed.
 */
export function checkOutputs(outDir: string, memo: RunMemo): OutputsCheck {
  const broken = { intact: false };
  try {
    if (!statSync(outDir).isDirectory()) return broken;
    // Leftovers of an interrupted run (staging folders, temporary files) and a run in progress (its lock) are for a full run.
    const manifestName = path.basename(manifestPath(outDir));
    if (readdirSync(outDir).some((name) => name.startsWith('.rulecat') && name !== manifestName)) return broken;
    if (readManifestText(outDir).text !== serializeManifest({ files: memo.outputs })) return broken;
    if (Object.keys(readManifest(outDir).manifest.files).length !== Object.keys(memo.outputs).length) return broken;
    // Bounded like the diff: a FIFO, a device or a link leading outside is not an intact output.
    const within = new ReadScope(outDir);
    const previous = memo.outputStats;
    const at = Date.now();
    const stats: Record<string, KnownFile> = {};
    let hashed = 0;
    for (const [p, h] of Object.entries(memo.outputs)) {
      const file = path.join(outDir, p);
      // Stat before reading: bytes read after it can only be newer than what the stat describes.
      const stat = lstatSync(file, { bigint: true, throwIfNoEntry: false });
      if (!stat?.isFile()) return broken;
      const before = previous?.files[p];
      if (!(before && before[4] === h && stillKnown(stat, before, previous!.at))) {
        // Hashed now; worth recording only once its stat can be trusted next time (outside the racy window).
        if (Number(stat.ctimeMs) < at - RACY_MS) hashed++;
        if (hashFile(file, { kind: 'output', within }).hash !== h) return broken;
      }
      stats[p] = knownFile(stat, h);
    }
    // Nothing newly trustable (outputs written a moment ago): the record is not rewritten.
    return { intact: true, stats: hashed > 0 ? { files: stats, at } : undefined };
  } catch {
    return broken;
  }
}

/**
 * Parse the inputs missing from the input cache on all cores before the
 * (sequential) loaders run: they then find every file in the cache. Only
 * worth it for many files; the result is the same as parsing them in order
 * (each file is parsed on its own, and results are stored by file).
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RuleOptions } from '../model/rule.js';
import { InputCache } from './input-cache.js';
import { sha1 } from '../hash.js';
import type { WorkRequest, WorkResult } from './parse-worker.js';
import { work } from './parse-worker.js';
import { findIntakeFolders, folderHash, isIntakeFile, type IntakeFolder, type IntakeOptions } from './read-intakes.js';
import { isYaml } from './read-rules.js';
import { readBytesOrThrow } from './read-text.js';
import { walkFiles, type FoundFile } from './walk-files.js';

/** Below this many files to parse, threads cost more than they save. */
export const PARALLEL_THRESHOLD = 400;

function threads(): number {
  return Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, 8));
}

/**
 * The worker's compiled module beside this one. Running from the TypeScript
 * sources (tests) there is none, and parsing stays on this thread: a compiled
 * copy in dist/ could be older than the sources the cache is keyed by.
 */
function workerFile(): string | undefined {
  const beside = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(beside) ? beside : undefined;
}

/** Run requests: the first on this thread, the others on worker threads, all at once. */
async function runAll(file: string, requests: WorkRequest[]): Promise<WorkResult[]> {
  const workers = requests.slice(1).map(() => new Worker(file));
  try {
    const pending = requests.slice(1).map(
      (request, i) =>
        new Promise<WorkResult>((resolve, reject) => {
          workers[i].once('message', resolve);
          workers[i].once('error', reject);
          workers[i].postMessage(request);
        }),
    );
    const mine = work(requests[0]);
    return [mine, ...(await Promise.all(pending))];
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export interface PrefillInput {
  rules: readonly string[];
  intakes: readonly string[];
  ruleOptions: RuleOptions;
  intakeOptions: IntakeOptions;
  cwd: string;
  cacheDir: string;
  /** Parse in parallel only from this much work on (default PARALLEL_THRESHOLD). */
  threshold?: number;
  /** The worker module to run (default: the compiled one beside this module). */
  worker?: string;
}

interface Task<T> {
  item: T;
  key: string;
  cache: InputCache<unknown>;
}

/** Parse in parallel what the cache lacks; returns how many files or folders were parsed. */
export async function prefillCache(input: PrefillInput): Promise<number> {
  const n = threads();
  const file = input.worker ?? workerFile();
  if (n < 2 || !file) return 0;
  const rules: Task<FoundFile>[] = [];
  for (const folder of input.rules) {
    const cache = InputCache.open<unknown>(input.cacheDir, 'rules', folder, JSON.stringify(input.ruleOptions));
    for (const file of walkFiles(folder, isYaml, input.cwd).files) {
      let hash: string;
      try {
        hash = sha1(readBytesOrThrow(file.absolute, { kind: 'rule', noFollow: true }));
      } catch {
        continue;
      }
      if (!cache.has(file.display, hash)) rules.push({ item: file, key: file.display, cache });
    }
  }
  const intakes: Task<IntakeFolder>[] = [];
  for (const root of input.intakes) {
    const cache = InputCache.open<unknown>(input.cacheDir, 'intakes', root, JSON.stringify(input.intakeOptions));
    for (const folder of findIntakeFolders(walkFiles(root, isIntakeFile, input.cwd).files)) {
      const hash = folderHash(folder);
      if (hash !== undefined && !cache.has(folder.display, hash))
        intakes.push({ item: folder, key: folder.display, cache });
    }
  }
  // An intake folder costs about ten rule files; parts are balanced on that.
  const weight = rules.length + 10 * intakes.length;
  const threshold = input.threshold ?? PARALLEL_THRESHOLD;
  if (weight === 0 || weight < threshold) return 0;
  const parts = Math.max(2, Math.min(n, Math.ceil(weight / 200)));
  const requests: { rules: Task<FoundFile>[]; intakes: Task<IntakeFolder>[] }[] = Array.from({ length: parts }, () => ({
    rules: [],
    intakes: [],
  }));
  rules.forEach((t, i) => requests[Math.floor((i * parts) / rules.length)].rules.push(t));
  intakes.forEach((t, i) => requests[Math.floor((i * parts) / intakes.length)].intakes.push(t));
  const results = await runAll(
    file,
    requests.map((r) => ({
      rules: r.rules.map((t) => t.item),
      intakes: r.intakes.map((t) => t.item),
      ruleOptions: input.ruleOptions,
      intakeOptions: input.intakeOptions,
    })),
  );
  requests.forEach((r, k) => {
    const tasks: Task<unknown>[] = [...r.rules, ...r.intakes];
    results[k].forEach((res, i) => {
      if (res) tasks[i].cache.set(tasks[i].key, res.hash, res.value);
    });
  });
  return rules.length + intakes.length;
}

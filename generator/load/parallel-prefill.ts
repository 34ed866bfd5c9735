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
import type { WorkRequest, WorkResult } from './parse-worker.js';
import { LEFT, work } from './parse-worker.js';
import { intakeFileHow, RULE, type InputFiles } from './input-files.js';
import { openRuleCache, type RuleCache } from './read-rules.js';
import { findIntakeFolders, folderHash, type IntakeFolder, type IntakeOptions } from './read-intakes.js';
import type { FoundFile, WalkResult } from './walk-files.js';

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
  /** The rule folders, walked. */
  rules: ReadonlyMap<string, WalkResult>;
  /** The intake folders, walked. */
  intakes: ReadonlyMap<string, WalkResult>;
  /** Where the files are read (once) and hashed. */
  store: InputFiles;
  ruleOptions: RuleOptions;
  intakeOptions: IntakeOptions;
  cacheDir: string;
  /** Parse in parallel only from this much work on (default PARALLEL_THRESHOLD). */
  threshold?: number;
  /** The worker module to run (default: the compiled one beside this module). */
  worker?: string;
  /**
   * The run reads only some rules whole (a preview): the rule caches are saved
   * here with what was parsed, keeping the entries the run does not use.
   */
  keep?: boolean;
}

interface Task<T> {
  item: T;
  key: string;
  /** The hash the cache was asked with (a previous run's stat may vouch for it). */
  hash: string;
  /** The hash of the bytes parsed (read for the parse): what the result is stored under. */
  parsed: () => string | undefined;
  cache: { set(key: string, hash: string, value: never): void };
}

/** Parse in parallel what the cache lacks; returns how many files or folders were parsed. */
export async function prefillCache(input: PrefillInput): Promise<number> {
  const n = threads();
  const file = input.worker ?? workerFile();
  if (n < 2 || !file) return 0;
  const { store } = input;
  const rules: Task<FoundFile>[] = [];
  const ruleCaches: RuleCache[] = [];
  for (const [folder, walked] of input.rules) {
    const cache = openRuleCache(input.cacheDir, folder, input.ruleOptions, !input.keep);
    ruleCaches.push(cache);
    for (const f of walked.files) {
      const hash = store.knownHash(f, RULE);
      if (hash !== undefined && !cache.has(f.display, hash))
        rules.push({ item: f, key: f.display, hash, parsed: () => store.hash(f, RULE), cache });
    }
  }
  const intakes: Task<IntakeFolder>[] = [];
  for (const [root, walked] of input.intakes) {
    const cache = InputCache.open<unknown>(input.cacheDir, 'intakes', root, JSON.stringify(input.intakeOptions));
    for (const folder of findIntakeFolders(walked.files)) {
      const hash = folderHash(folder, store, true);
      if (hash !== undefined && !cache.has(folder.display, hash))
        intakes.push({ item: folder, key: folder.display, hash, parsed: () => folderHash(folder, store), cache });
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
  const contents = (folder: IntakeFolder): [string, Uint8Array][] =>
    [folder.manifest, ...(folder.module.manifest ? [folder.module.manifest] : []), ...folder.files].map((f) => [
      f.absolute,
      store.bytes(f, intakeFileHow(f.absolute))!,
    ]);
  const results = await runAll(
    file,
    requests.map((r) => ({
      rules: r.rules.map((t) => ({ display: t.item.display, bytes: store.bytes(t.item, RULE)! })),
      intakes: r.intakes.map((t) => ({ folder: t.item, contents: contents(t.item) })),
      ruleOptions: input.ruleOptions,
      intakeOptions: input.intakeOptions,
    })),
  );
  requests.forEach((r, k) => {
    const tasks: Task<unknown>[] = [...r.rules, ...r.intakes];
    // Items left to this thread (LEFT) are parsed by the loader, as any item missing from the cache.
    results[k].forEach((value, i) => {
      const hash = value === LEFT ? undefined : tasks[i].parsed();
      if (hash !== undefined) tasks[i].cache.set(tasks[i].key, hash, value as never);
    });
  });
  if (input.keep) for (const cache of ruleCaches) cache.save();
  return rules.length + intakes.length;
}

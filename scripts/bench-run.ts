/**
 * Running and measuring `rulecat` child processes for the benchmarks: one run
 * (wall time seen from outside, peak memory and CPU time reported by the child,
 * per-phase times parsed from `--timings`), and the median of several runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildReport } from './bench-child.js';

export type Phases = Record<string, number>;

export interface RunResult {
  /** Wall time of the whole process (spawn to exit), ms. */
  wallMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** From the child's report, or else the last VmHWM read from /proc while it ran (Linux). */
  maxRssKiB?: number;
  cpuMs?: number;
  phases: Phases;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** `dist/scripts/bench-child.js`. */
  child: string;
  cwd: string;
  timeoutMs: number;
}

const KEEP = 1 << 20; // keep the last MiB of each stream

/** Children still running (to stop them if the bench is interrupted). */
export const running = new Set<ChildProcess>();

/** `--timings` lines (`match   1012 ms`, `parse (parallel)  80 ms`) → {match: 1012, ...}; the CLI's `total` is kept as `total`. */
export function parseTimings(stderr: string): Phases {
  const phases: Phases = {};
  for (const line of stderr.split('\n')) {
    const m = /^(\S.*?)\s+(\d+(?:\.\d+)?) ms$/.exec(line.trimEnd());
    if (m) phases[m[1]] = Number(m[2]);
  }
  return phases;
}

let reports = 0;

/** VmHWM (peak resident set) of a running process, KiB; undefined where /proc is not available. */
function highWaterMark(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Run `node bench-child.js ...args` once (in `options.cwd`, where its report file is written). */
export function runOnce(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const reportFile = path.join(options.cwd, `.bench-report-${process.pid}-${++reports}.json`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [options.child, ...args], {
      cwd: options.cwd,
      env: { ...process.env, RULECAT_BENCH_REPORT: reportFile, RULECAT_TIMINGS: 'cpu' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-KEEP)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-KEEP)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    // Peak memory of a child that dies before reporting (out of memory, timeout): poll its high-water mark.
    let polledKiB: number | undefined;
    const poll = setInterval(() => (polledKiB = highWaterMark(child.pid) ?? polledKiB), 250);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      clearInterval(poll);
      let report: ChildReport | undefined;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChildReport;
      } catch {
        report = undefined; // killed or crashed before the exit hook
      }
      rmSync(reportFile, { force: true });
      resolve({
        wallMs,
        code,
        signal,
        maxRssKiB: report?.maxRssKiB ?? polledKiB,
        cpuMs: report ? report.userMs + report.systemMs : undefined,
        phases: parseTimings(stderr),
        stdout,
        stderr,
        timedOut,
      });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** What is kept of several runs (and stored in docs/benchmarks.json). */
export interface Measurement {
  label: string;
  /** Number of successful runs the figures come from. */
  runs: number;
  /** Medians over the runs (peak memory: the largest of the runs). */
  wallMs: number;
  cpuMs?: number;
  maxRssKiB?: number;
  phases: Phases;
  /** Why the measurement stopped early, or why it was not taken. */
  failure?: string;
  skipped?: string;
  note?: string;
  /** The runs themselves (not stored). */
  raw?: RunResult[];
}

export function summarize(label: string, runs: RunResult[], failure?: string): Measurement {
  const phaseNames = [...new Set(runs.flatMap((r) => Object.keys(r.phases)))];
  const cpu = runs.map((r) => r.cpuMs).filter((x): x is number => x !== undefined);
  const rss = runs.map((r) => r.maxRssKiB).filter((x): x is number => x !== undefined);
  return {
    label,
    runs: runs.length,
    wallMs: runs.length ? median(runs.map((r) => r.wallMs)) : NaN,
    cpuMs: cpu.length ? median(cpu) : undefined,
    maxRssKiB: rss.length ? Math.max(...rss) : undefined,
    phases: Object.fromEntries(phaseNames.map((p) => [p, median(runs.map((r) => r.phases[p] ?? 0))])),
    failure,
    raw: runs,
  };
}

export function skipped(label: string, why: string): Measurement {
  return { label, runs: 0, wallMs: NaN, phases: {}, skipped: why };
}

/** The last lines of a run's stderr, to explain a failure. */
export function tail(text: string, lines = 6): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** One line on why a run failed: out of memory, a signal, or the end of its stderr. */
export function whyFailed(run: RunResult, timeoutMs: number): string {
  const after = `after ${(run.wallMs / 1000).toFixed(run.wallMs < 10_000 ? 1 : 0)} s`;
  const peak = run.maxRssKiB === undefined ? '' : `, peak RSS ${(run.maxRssKiB / 1024 / 1024).toFixed(2)} GiB`;
  if (run.timedOut) return `timed out ${after} (limit ${(timeoutMs / 1000).toFixed(0)} s${peak})`;
  if (/heap out of memory|Allocation failed/i.test(run.stderr)) return `JavaScript heap out of memory ${after}${peak}`;
  if (run.signal) return `killed by ${run.signal} ${after}${peak}: ${tail(run.stderr, 1)}`;
  return `exit code ${run.code} ${after}: ${tail(run.stderr, 3)}`;
}

export interface MeasureOptions extends RunOptions {
  /** Exit codes that count as success (default: 0). */
  expect?: readonly number[];
  /** Told after each run (progress on stderr). */
  progress?: (label: string, i: number, n: number, run: RunResult) => void;
}

/**
 * Run `n` times; `setup(i)` returns the arguments (and may prepare folders),
 * `cleanup(i)` runs after each run. Stops at the first failing run.
 */
export async function measure(
  label: string,
  n: number,
  setup: (i: number) => string[],
  options: MeasureOptions,
  cleanup?: (i: number) => void,
): Promise<Measurement> {
  const runs: RunResult[] = [];
  const expect = options.expect ?? [0];
  for (let i = 0; i < n; i++) {
    const run = await runOnce(setup(i), options);
    cleanup?.(i);
    options.progress?.(label, i + 1, n, run);
    if (run.timedOut || run.code === null || !expect.includes(run.code)) {
      const m = summarize(label, runs, whyFailed(run, options.timeoutMs));
      m.maxRssKiB = Math.max(m.maxRssKiB ?? 0, run.maxRssKiB ?? 0) || undefined;
      return m;
    }
    runs.push(run);
  }
  return summarize(label, runs);
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1, 5 and 15-minute load averages. */
  load: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    load: os.loadavg(),
  };
}

/**
 * Where a run's time goes, phase by phase (for `--timings` and the benchmarks).
 */
/** Key of an optional listener on a timings object, told when each phase starts (a progress line); not a phase itself. */
export const PHASE_START: unique symbol = Symbol('phase start');

export type Timings = Record<string, number> & { [PHASE_START]?: (phase: string, detail?: string) => void };

/**
 * The clock phases are measured with, in milliseconds: wall time, or with
 * `RULECAT_TIMINGS=cpu` the process's CPU time (user + system, all threads),
 * which other programs sharing the cores do not inflate.
 */
export const clock: () => number =
  process.env.RULECAT_TIMINGS === 'cpu'
    ? () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      }
    : () => performance.now();

/** Run `fn`, adding its wall time in milliseconds to `timings[phase]` when timings are collected. `detail` is for the phase listener. */
export function timed<T>(timings: Timings | undefined, phase: string, fn: () => T, detail?: string): T {
  if (!timings) return fn();
  timings[PHASE_START]?.(phase, detail);
  const start = clock();
  try {
    return fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + clock() - start;
  }
}

export async function timedAsync<T>(
  timings: Timings | undefined,
  phase: string,
  fn: () => Promise<T>,
  detail?: string,
): Promise<T> {
  if (!timings) return fn();
  timings[PHASE_START]?.(phase, detail);
  const start = clock();
  try {
    return await fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + clock() - start;
  }
}

export function formatTimings(timings: Timings): string {
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  return Object.entries(timings)
    .map(([phase, ms]) => `${phase.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms`)
    .concat(`${'total'.padEnd(16)} ${total.toFixed(0).padStart(6)} ms`)
    .join('\n');
}

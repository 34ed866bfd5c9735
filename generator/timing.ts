/**
 * Where a run's time goes, phase by phase (for `--timings` and the benchmarks).
 */
export type Timings = Record<string, number>;

/** Run `fn`, adding its wall time in milliseconds to `timings[phase]` when timings are collected. */
export function timed<T>(timings: Timings | undefined, phase: string, fn: () => T): T {
  if (!timings) return fn();
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - start;
  }
}

export async function timedAsync<T>(timings: Timings | undefined, phase: string, fn: () => Promise<T>): Promise<T> {
  if (!timings) return fn();
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - start;
  }
}

export function formatTimings(timings: Timings): string {
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  return Object.entries(timings)
    .map(([phase, ms]) => `${phase.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms`)
    .concat(`${'total'.padEnd(16)} ${total.toFixed(0).padStart(6)} ms`)
    .join('\n');
}

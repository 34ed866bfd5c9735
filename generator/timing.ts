/**
 * Where a run's time goes, phase by phase (for `--timings` and the benchmarks).
 */
/** Key of an optional listener on a timings object, told when each phase starts (a progress line); not a phase itself. */
export const PHASE_START: unique symbol = Symbol('phase start');

export type Timings = Record<string, number> & { [PHASE_START]?: (phase: string, detail?: string) => void };

/** Run `fn`, adding its wall time in milliseconds to `timings[phase]` when timings are collected. `detail` is for the phase listener. */
export function timed<T>(timings: Timings | undefined, phase: string, fn: () => T, detail?: string): T {
  if (!timings) return fn();
  timings[PHASE_START]?.(phase, detail);
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings[phase] = (timings[phase] ?? 0) + performance.now() - start;
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

/**
 * A progress line on stderr for work that takes longer than about a second:
 * the phase (reading inputs, matching 3,012 rules, 54/180 intakes…) and the
 * time so far, rewritten in place and cleared at the end. Only on a
 * terminal: never when stderr is not a TTY, never with `--json`, never with
 * `--quiet`.
 */
import { PHASE_START, type Timings } from '../timing.js';
import type { OptionValues } from './input-options.js';
import type { IO } from './io.js';

/** Milliseconds before the line first shows (`RULECAT_PROGRESS_AFTER_MS` overrides it, for tests). */
export const PROGRESS_AFTER_MS = 1000;

const PHASES: Record<string, string> = {
  'hash inputs': 'checking inputs against the last run',
  load: 'reading rules and intakes',
  'load tables': 'reading mappings and tables',
  'load templates': 'reading templates',
  model: 'checking the catalog',
  match: 'matching',
  plan: 'planning outputs',
  render: 'rendering',
  diff: 'comparing with the output folder',
  write: 'writing',
  gaps: 'looking for missing fields',
};

export interface Progress {
  /** Pass to the library call: its phases show on the line. */
  timings: Timings;
  /** Show this step. */
  step(text: string): void;
  /** Write a message on stderr without garbling the line. */
  write(text: string): void;
  /** Clear the line and stop. */
  done(): void;
}

/** Whether a command with these options, writing to this IO, shows progress. */
export function progressWanted(options: OptionValues, io: IO): boolean {
  return io.stderrIsTTY === true && options.json !== true && options.quiet !== true;
}

export function startProgress(command: string, options: OptionValues, io: IO): Progress | undefined {
  if (!progressWanted(options, io)) return undefined;
  const envDelay = Number(process.env.RULECAT_PROGRESS_AFTER_MS);
  const delay = Number.isFinite(envDelay) && envDelay >= 0 ? envDelay : PROGRESS_AFTER_MS;
  // Steps closer than this to the last drawing are not drawn (`RULECAT_PROGRESS_EVERY_MS` overrides it, for tests).
  const envEvery = Number(process.env.RULECAT_PROGRESS_EVERY_MS);
  const every = Number.isFinite(envEvery) && envEvery >= 0 ? envEvery : 100;
  const started = performance.now();
  let text = 'starting';
  let drawn = false;
  let lastDraw = -Infinity;
  let stopped = false;
  const columns = io.stderrColumns && io.stderrColumns > 10 ? io.stderrColumns : 80;
  const draw = (force: boolean) => {
    if (stopped) return;
    const now = performance.now();
    if (now - started < delay || (!force && now - lastDraw < every)) return;
    const line = `rulecat ${command}: ${text} (${((now - started) / 1000).toFixed(1)} s)`;
    io.stderr(`\r${line.length > columns - 1 ? line.slice(0, columns - 2) + '…' : line}\x1b[K`);
    drawn = true;
    lastDraw = now;
  };
  const clear = () => {
    if (drawn) io.stderr('\r\x1b[K');
    drawn = false;
  };
  const ticker = setInterval(() => draw(true), 250);
  ticker.unref();
  const timings: Timings = {};
  timings[PHASE_START] = (phase, detail) => {
    text = `${PHASES[phase] ?? phase}${detail ? ` (${detail})` : ''}`;
    draw(false);
  };
  return {
    timings,
    step(t) {
      text = t;
      draw(false);
    },
    write(t) {
      clear();
      io.stderr(t);
      draw(true);
    },
    done() {
      clearInterval(ticker);
      clear();
      stopped = true;
    },
  };
}

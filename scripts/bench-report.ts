/**
 * The benchmark results: as markdown (the machine, the real-corpus table with
 * its targets, the synthetic scale series, how cost grows between points, the
 * per-phase split), as JSON (docs/benchmarks.json, so that a partial run can
 * replace some rows and keep the others), and the marked blocks of
 * docs/benchmarks.md they fill.
 */
import type { Machine, Measurement } from './bench-run.js';

export interface Target {
  wallMs?: number;
  rssMiB?: number;
  text: string;
}

/** One invocation of the bench; rows say which one measured them. */
export interface RunInfo {
  id: string;
  date: string;
  command: string;
  /** Commit measured (and whether the working tree differed). */
  code: string;
  machine: Machine;
  loadAfter: number[];
}

export interface RealRow {
  what: string;
  m: Measurement;
  target?: Target;
  run?: string;
}

export interface ScalePoint {
  rules: number;
  intakes: number;
  cold: Measurement;
  warm: Measurement;
  /** Matched rule × intake pairs (rule blocks over all pages) and output size. */
  pairs?: number;
  outputBytes?: number;
  outputFiles?: number;
  catalogMs?: number;
  catalogBytes?: number;
  skipped?: string;
  target?: Target;
  run?: string;
}

export interface Results {
  runs: RunInfo[];
  real: RealRow[];
  realSkipped?: string;
  scale: ScalePoint[];
  scaleSkipped?: string;
}

const missing = (x: number | null | undefined): x is null | undefined => typeof x !== 'number' || Number.isNaN(x);
export const fmtMs = (ms: number | null | undefined) =>
  missing(ms) ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const fmtMiB = (kib: number | null | undefined) =>
  missing(kib) ? '–' : kib < 1024 * 1024 ? `${Math.round(kib / 1024)} MiB` : `${(kib / 1024 / 1024).toFixed(2)} GiB`;
const fmtBytes = (b: number | undefined) =>
  missing(b)
    ? '–'
    : b < 1e6
      ? `${(b / 1e3).toFixed(0)} kB`
      : b < 1e9
        ? `${(b / 1e6).toFixed(1)} MB`
        : `${(b / 1e9).toFixed(2)} GB`;
export const fmtCount = (n: number) =>
  n >= 1e6
    ? `${+(n / 1e6).toFixed(n % 1e6 ? 2 : 0)}M`
    : n >= 1e3
      ? `${+(n / 1e3).toFixed(n % 1e3 ? 1 : 0)}k`
      : String(n);
const pointName = (p: { rules: number; intakes: number }) => `${fmtCount(p.rules)} × ${fmtCount(p.intakes)}`;
const pointKey = (p: { rules: number; intakes: number }) => `${p.rules}x${p.intakes}`;

/** "met" / "**missed**" against a target; empty when there is nothing to compare. */
export function verdict(m: Measurement, target: Target | undefined): string {
  if (!target || m.skipped) return '';
  if (m.failure) return '**missed**';
  if (missing(m.wallMs)) return '';
  const timeOk = target.wallMs === undefined || m.wallMs <= target.wallMs;
  const memOk = target.rssMiB === undefined || (!missing(m.maxRssKiB) && m.maxRssKiB / 1024 <= target.rssMiB);
  return timeOk && memOk ? 'met' : '**missed**';
}

function status(m: Measurement): string | undefined {
  if (m.skipped) return `skipped: ${m.skipped}`;
  if (m.failure) return `failed: ${m.failure.split('\n')[0]}`;
  return undefined;
}

const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** The runs cell: the count, and which bench run measured it when the tables mix runs. */
function runsCell(r: Results, n: number, run: string | undefined): string {
  return r.runs.length > 1 && run ? `${n} (${run})` : String(n);
}

export function machineText(r: Results): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  return r.runs
    .map((run) => {
      const m = run.machine;
      const who = r.runs.length > 1 ? `Run ${run.id}: measured` : 'Measured';
      return (
        `${who} ${run.date} (code: ${run.code}) with \`${run.command}\` on: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB memory, Node ${m.node}, ${m.os}. ` +
        `Load average (1, 5, 15 min) before: ${load(m.load)}; after: ${load(run.loadAfter)}.`
      );
    })
    .join('\n\n');
}

/** The row of `before` measuring the same thing (real rows by what they measure). */
function beforeReal(before: Results | undefined, what: string): Measurement | undefined {
  const row = before?.real.find((b) => b.what === what);
  return row && !row.m.skipped && !row.m.failure ? row.m : undefined;
}

function beforeScale(before: Results | undefined, p: { rules: number; intakes: number }): ScalePoint | undefined {
  const point = before?.scale.find((b) => pointKey(b) === pointKey(p));
  return point && !point.skipped ? point : undefined;
}

/** Before and after figures, side by side. */
function change(before: number | undefined, after: number | undefined, fmt: (x: number) => string): string[] {
  return [missing(before) ? '–' : fmt(before), missing(after) ? '–' : fmt(after)];
}

export function realTable(r: Results, before?: Results): string {
  if (r.real.length === 0) return `Real corpora: skipped (${r.realSkipped ?? 'not run'}).`;
  const rows = r.real.map(({ what, m, target, run }) => {
    const s = status(m);
    const label = what + (m.note ? ` (${m.note})` : '');
    const b = beforeReal(before, what);
    if (s)
      return [
        label,
        runsCell(r, m.runs, run),
        b ? fmtMs(b.wallMs) : '–',
        s,
        '',
        b ? fmtMiB(b.maxRssKiB) : '–',
        fmtMiB(m.maxRssKiB),
        target?.text ?? '',
        verdict(m, target),
      ];
    return [
      label,
      runsCell(r, m.runs, run),
      ...change(b?.wallMs, m.wallMs, fmtMs),
      fmtMs(m.cpuMs),
      ...change(b?.maxRssKiB, m.maxRssKiB, fmtMiB),
      target?.text ?? '',
      verdict(m, target),
    ];
  });
  return table(
    [
      'real corpora',
      'runs',
      'wall before',
      'wall after (median)',
      'CPU after (median)',
      'peak RSS before',
      'peak RSS after (max)',
      'target',
      '',
    ],
    rows,
  );
}

export function scaleTable(r: Results, before?: Results): string {
  if (r.scale.length === 0) return `Synthetic scale series: skipped (${r.scaleSkipped ?? 'not run'}).`;
  const rows = r.scale.map((p) => {
    if (p.skipped) return [pointName(p), `skipped: ${p.skipped}`, '', '', '', '', '', '', '', '', '', ''];
    const b = beforeScale(before, p);
    const time = (m: Measurement) => status(m) ?? fmtMs(m.wallMs);
    const rss = (m: Measurement) => (m.skipped ? '' : fmtMiB(m.maxRssKiB));
    const old = (m: Measurement | undefined, f: (m: Measurement) => string) => (m && !m.skipped ? f(m) : '–');
    return [
      pointName(p),
      missing(p.pairs) ? '–' : fmtCount(p.pairs),
      missing(p.outputBytes) ? '–' : `${fmtBytes(p.outputBytes)}, ${p.outputFiles} files`,
      runsCell(r, Math.max(p.cold.runs, p.warm.runs), p.run),
      old(b?.cold, time),
      time(p.cold),
      old(b?.cold, rss),
      rss(p.cold),
      old(b?.warm, time),
      time(p.warm),
      p.target?.text ?? '',
      verdict(p.cold, p.target),
    ];
  });
  return table(
    [
      'rules × intakes',
      'matched pairs',
      'output',
      'runs',
      'cold wall before',
      'cold wall after',
      'cold peak RSS before',
      'cold peak RSS after',
      'warm wall before',
      'warm wall after',
      'target (cold)',
      '',
    ],
    rows,
  );
}

/** Cost factors between points ten times apart in rules, intakes or both, per phase, from the cold runs. */
export function growthTable(r: Results): string {
  const ok = r.scale.filter((p) => !p.skipped && !p.cold.failure && p.cold.runs > 0);
  const steps: [ScalePoint, ScalePoint][] = [];
  for (const a of ok) {
    for (const b of ok) {
      const rf = b.rules / a.rules;
      const inf = b.intakes / a.intakes;
      if ((rf === 10 && inf === 1) || (rf === 1 && inf === 10) || (rf === 10 && inf === 10)) steps.push([a, b]);
    }
  }
  if (steps.length === 0) return '';
  const phases = ['load rules', 'load intakes', 'match', 'plan', 'render', 'write'];
  const factor = (x: number | undefined, y: number | undefined) => (x && y ? `×${(y / x).toFixed(1)}` : '–');
  const rows = steps.map(([a, b]) => [
    `${pointName(a)} → ${pointName(b)}`,
    factor(a.pairs, b.pairs),
    ...phases.map((ph) => factor(a.cold.phases[ph], b.cold.phases[ph])),
    factor(a.cold.wallMs, b.cold.wallMs),
    factor(a.cold.maxRssKiB, b.cold.maxRssKiB),
  ]);
  return table(['step (cold)', 'pairs', ...phases, 'wall', 'peak RSS'], rows);
}

function phaseRows(r: Results): [string, Measurement][] {
  return [
    ...r.real.map((row): [string, Measurement] => [`real: ${row.what}`, row.m]),
    ...r.scale.flatMap((p): [string, Measurement][] =>
      p.skipped
        ? []
        : [
            [`${pointName(p)} cold`, p.cold],
            [`${pointName(p)} warm`, p.warm],
          ],
    ),
  ].filter(([, m]) => !m.skipped && m.runs > 0 && Object.keys(m.phases).length > 0);
}

function phaseGrid(entries: [string, Measurement][]): string {
  const names = [...new Set(entries.flatMap(([, m]) => Object.keys(m.phases)))].filter((n) => n !== 'total');
  const rows = entries.map(([label, m]) => [
    label,
    ...names.map((n) => (m.phases[n] === undefined ? '–' : String(Math.round(m.phases[n])))),
    String(Math.round(m.phases.total ?? 0)),
    fmtMs(m.wallMs),
  ]);
  return table(['run', ...names, 'in-process', 'wall'], rows);
}

export function phaseTable(r: Results, before?: Results): string {
  const entries = phaseRows(r);
  if (entries.length === 0) return 'No per-phase times (no run printed `--timings`).';
  const intro =
    'Milliseconds per phase (median of the runs), as printed by `--timings`; "in-process" is their sum, "wall" the whole process with start-up.';
  const old = before ? phaseRows(before) : [];
  const parts = [`${intro}\n\nAfter:\n\n${phaseGrid(entries)}`];
  if (old.length > 0)
    parts.push(
      `Before (${before!.runs.map((run) => `${run.date}, code ${run.code}`).join('; ')}):\n\n${phaseGrid(old)}`,
    );
  return parts.join('\n\n');
}

export function resultsBlock(r: Results, before?: Results): string {
  const parts = [machineText(r)];
  if (before)
    parts.push(
      `Before: the figures of ${before.runs.map((run) => `${run.date} (code ${run.code})`).join('; ')}, kept in \`docs/benchmarks-before.json\`.`,
    );
  parts.push(realTable(r, before), scaleTable(r, before));
  const growth = growthTable(r);
  if (growth) parts.push(`How cost grows (factor between points, cold runs):\n\n${growth}`);
  if (r.scale.some((p) => p.cold.runs > 0))
    parts.push(
      'The same series drawn (`docs/benchmarks-growth.svg`, written by `npm run bench`; log-log, phases in CPU time, the whole run before dashed):\n\n' +
        '![Growth curves of the synthetic series: time per phase and peak memory against rules, intakes and rules × intakes](benchmarks-growth.svg)',
    );
  return parts.join('\n\n');
}

/** Replace the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function replaceBlock(doc: string, name: string, content: string): string {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`Missing markers ${start} … ${end}`);
  return `${doc.slice(0, i + start.length)}\n${content}\n${doc.slice(j)}`;
}

/** Results as stored: without the raw runs (their output streams). */
export function toJson(r: Results): string {
  return JSON.stringify(r, (key, value: unknown) => (key === 'raw' ? undefined : value), 2) + '\n';
}

/**
 * Rows of `current` replace the same rows of `previous` (real rows by what they
 * measure, scale points by size) unless they were skipped; other rows of
 * `previous` stay, with the run that measured them.
 */
export function mergeResults(previous: Results, current: Results): Results {
  const id =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').find((l) => !previous.runs.some((run) => run.id === l)) ??
    `R${previous.runs.length + 1}`;
  const mine = <T extends { run?: string }>(row: T): T => ({ ...row, run: id });
  const real = previous.real.map((row) => {
    const fresh = current.real.find((c) => c.what === row.what && !c.m.skipped);
    return fresh ? mine(fresh) : row;
  });
  for (const c of current.real) if (!real.some((row) => row.what === c.what)) real.push(mine(c));
  const scale = previous.scale.map((p) => {
    const fresh = current.scale.find((c) => pointKey(c) === pointKey(p) && !c.skipped);
    return fresh ? mine(fresh) : p;
  });
  for (const c of current.scale) if (!scale.some((p) => pointKey(p) === pointKey(c))) scale.push(mine(c));
  scale.sort((a, b) => a.rules * a.intakes - b.rules * b.intakes || a.rules - b.rules);
  const used = new Set([...real.map((row) => row.run), ...scale.map((p) => p.run)]);
  const runs = [...previous.runs.filter((run) => used.has(run.id)), { ...current.runs[0], id }];
  return {
    runs,
    real,
    realSkipped: real.length ? undefined : current.realSkipped,
    scale,
    scaleSkipped: scale.length ? undefined : current.scaleSkipped,
  };
}

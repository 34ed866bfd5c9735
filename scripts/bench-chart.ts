/**
 * The growth curves of the scale series as one SVG picture (written beside
 * docs/benchmarks.md): time per phase and peak memory of the cold runs,
 * against rules (at 1k intakes), against intakes (at 10k rules) and against
 * rules × intakes, on log-log axes; the figures before the current work are
 * drawn dashed for the whole run. A small hand-written SVG writer: lines,
 * points, axes and text, nothing else.
 */
import type { Measurement } from './bench-run.js';
import type { Results, ScalePoint } from './bench-report.js';

/** Phases drawn, each the sum of the `--timings` phases it groups (load: everything before matching). */
export const PHASE_GROUPS: { name: string; color: string; phases: (names: string[]) => string[] }[] = [
  {
    name: 'load',
    color: '#8c564b',
    phases: (names) => names.filter((n) => !['match', 'plan', 'render', 'diff', 'write', 'total'].includes(n)),
  },
  { name: 'match', color: '#1f77b4', phases: () => ['match'] },
  { name: 'plan', color: '#2ca02c', phases: () => ['plan'] },
  { name: 'render', color: '#ff7f0e', phases: () => ['render'] },
  { name: 'diff + write', color: '#9467bd', phases: () => ['diff', 'write'] },
];
const WALL_COLOR = '#222222';
const BEFORE_COLOR = '#888888';

/** Milliseconds of a phase group in a measurement (undefined when none of its phases was timed). */
export function groupMs(m: Measurement, group: (typeof PHASE_GROUPS)[number]): number | undefined {
  const names = group.phases(Object.keys(m.phases));
  const present = names.filter((n) => m.phases[n] !== undefined);
  return present.length ? present.reduce((s, n) => s + m.phases[n], 0) : undefined;
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  /** Drawn dotted (the whole run's CPU time beside its wall time). */
  dotted?: boolean;
  points: [number, number][];
}

interface Panel {
  title: string;
  xLabel: string;
  unit: 'ms' | 'KiB';
  series: Series[];
}

/** The stroke pattern of a series: dashed (before), dotted (CPU) or plain. */
const dash = (s: { dashed?: boolean; dotted?: boolean }) =>
  s.dashed ? ' stroke-dasharray="5,4"' : s.dotted ? ' stroke-dasharray="2,3"' : '';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (Math.round(x * 10) / 10).toString();

const fmtCount = (n: number) =>
  n >= 1e9
    ? `${+(n / 1e9).toFixed(1)}G`
    : n >= 1e6
      ? `${+(n / 1e6).toFixed(1)}M`
      : n >= 1e3
        ? `${+(n / 1e3).toFixed(1)}k`
        : `${n}`;
const fmtMs = (ms: number) => (ms < 1000 ? `${+ms.toPrecision(2)} ms` : `${+(ms / 1000).toPrecision(2)} s`);
const fmtKiB = (k: number) =>
  k < 1024 * 1024 ? `${Math.round(k / 1024)} MiB` : `${+(k / 1024 / 1024).toPrecision(3)} GiB`;

/** Ticks of a log axis: powers of ten (and their halves in between when the range is short), within [lo, hi]. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of hi / lo < 100 ? [1, 2, 5] : [1]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

/** Ticks of a memory axis (KiB): powers of two of MiB, every other one when there are many. */
function binaryTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log2(lo / 1024)); 1024 * 2 ** e <= hi; e++) out.push(1024 * 2 ** e);
  return out.length > 6 ? out.filter((_, i) => i % 2 === (out.length - 1) % 2) : out;
}

function drawPanel(p: Panel, x0: number, y0: number, w: number, h: number): string {
  const all = p.series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  const out: string[] = [];
  out.push(
    `<text x="${num(x0 + w / 2)}" y="${num(y0 - 8)}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
  );
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#bbb"/>`);
  if (all.length === 0) {
    out.push(`<text x="${num(x0 + w / 2)}" y="${num(y0 + h / 2)}" text-anchor="middle" fill="#888">no data</text>`);
    return out.join('\n');
  }
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => y);
  const [xlo, xhi] = [Math.min(...xs) / 1.5, Math.max(...xs) * 1.5];
  const [ylo, yhi] = [Math.min(...ys) / 2, Math.max(...ys) * 2];
  const sx = (x: number) => x0 + ((Math.log10(x) - Math.log10(xlo)) / (Math.log10(xhi) - Math.log10(xlo))) * w;
  const sy = (y: number) => y0 + h - ((Math.log10(y) - Math.log10(ylo)) / (Math.log10(yhi) - Math.log10(ylo))) * h;
  for (const t of p.unit === 'ms' ? logTicks(ylo, yhi) : binaryTicks(ylo, yhi)) {
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${num(sy(t))}" y2="${num(sy(t))}" stroke="#eee"/>`);
    out.push(
      `<text x="${x0 - 4}" y="${num(sy(t) + 4)}" text-anchor="end" font-size="10">${esc(p.unit === 'ms' ? fmtMs(t) : fmtKiB(t))}</text>`,
    );
  }
  for (const t of [...new Set(xs)].sort((a, b) => a - b)) {
    out.push(`<line x1="${num(sx(t))}" x2="${num(sx(t))}" y1="${y0}" y2="${y0 + h}" stroke="#eee"/>`);
    out.push(
      `<text x="${num(sx(t))}" y="${y0 + h + 14}" text-anchor="middle" font-size="10">${esc(fmtCount(t))}</text>`,
    );
  }
  out.push(
    `<text x="${num(x0 + w / 2)}" y="${y0 + h + 30}" text-anchor="middle" font-size="11">${esc(p.xLabel)}</text>`,
  );
  for (const s of p.series) {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0]);
    if (pts.length === 0) continue;
    const d = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${num(sx(x))},${num(sy(y))}`).join(' ');
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.5 : 2}"${dash(s)}><title>${esc(s.label)}</title></path>`,
    );
    for (const [x, y] of pts)
      out.push(
        `<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="${s.dashed ? 2 : 3}" fill="${s.color}"><title>${esc(`${s.label}: ${p.unit === 'ms' ? fmtMs(y) : fmtKiB(y)}`)}</title></circle>`,
      );
  }
  return out.join('\n');
}

const usable = (p: ScalePoint) => !p.skipped && p.cold.runs > 0 && !p.cold.failure;

/** The three series of points: against rules at 1k intakes, against intakes at 10k rules, against their product. */
function axes(points: ScalePoint[]) {
  return [
    {
      title: 'against rules (1k intakes)',
      xLabel: 'rules',
      pick: (p: ScalePoint) => (p.intakes === 1000 ? p.rules : 0),
    },
    {
      title: 'against intakes (10k rules)',
      xLabel: 'intakes',
      pick: (p: ScalePoint) => (p.rules === 10_000 ? p.intakes : 0),
    },
    {
      title: 'against rules × intakes',
      xLabel: 'rules × intakes (rules = 10 × intakes)',
      pick: (p: ScalePoint) => (p.rules === 10 * p.intakes ? p.rules * p.intakes : 0),
    },
  ].map((a) => ({ ...a, points: points.filter((p) => a.pick(p) > 0) }));
}

/** The picture, or undefined when no scale point was measured. */
export function growthSvg(after: Results, before?: Results): string | undefined {
  const now = after.scale.filter(usable);
  if (now.length === 0) return undefined;
  const old = (before?.scale ?? []).filter(usable);
  const timePanels: Panel[] = axes(now).map((a) => ({
    title: `time, ${a.title}`,
    xLabel: a.xLabel,
    unit: 'ms',
    series: [
      ...PHASE_GROUPS.map((g) => ({
        label: g.name,
        color: g.color,
        points: a.points.map((p): [number, number] => [a.pick(p), groupMs(p.cold, g) ?? 0]),
      })),
      {
        label: 'whole run',
        color: WALL_COLOR,
        points: a.points.map((p): [number, number] => [a.pick(p), p.cold.wallMs]),
      },
      {
        label: 'whole run, CPU',
        color: WALL_COLOR,
        dotted: true,
        points: a.points
          .filter((p) => p.cold.cpuMs !== undefined)
          .map((p): [number, number] => [a.pick(p), p.cold.cpuMs!]),
      },
      {
        label: 'whole run, before',
        color: BEFORE_COLOR,
        dashed: true,
        points: old.filter((p) => a.pick(p) > 0).map((p): [number, number] => [a.pick(p), p.cold.wallMs]),
      },
    ],
  }));
  const memoryPanels: Panel[] = axes(now).map((a) => ({
    title: `peak memory, ${a.title}`,
    xLabel: a.xLabel,
    unit: 'KiB',
    series: [
      {
        label: 'peak RSS',
        color: WALL_COLOR,
        points: a.points.map((p): [number, number] => [a.pick(p), p.cold.maxRssKiB ?? 0]),
      },
      {
        label: 'peak RSS, before',
        color: BEFORE_COLOR,
        dashed: true,
        points: old.filter((p) => a.pick(p) > 0).map((p): [number, number] => [a.pick(p), p.cold.maxRssKiB ?? 0]),
      },
    ],
  }));
  const W = 1020;
  const H = 640;
  const pw = 260;
  const ph = 200;
  const left = 80;
  const gap = 80;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">rulecat: cold runs of synthetic catalogs (log-log)</text>`,
    `<text x="${left + 420}" y="22" fill="#555">phases: CPU time (RULECAT_TIMINGS=cpu); before: wall time</text>`,
  ];
  // Legend.
  let lx = left;
  for (const item of [
    ...PHASE_GROUPS.map((g) => ({ label: g.name, color: g.color, dashed: false })),
    { label: 'whole run (wall)', color: WALL_COLOR, dashed: false },
    { label: 'whole run (CPU)', color: WALL_COLOR, dotted: true },
    { label: 'before (whole run, wall)', color: BEFORE_COLOR, dashed: true },
  ] as { label: string; color: string; dashed?: boolean; dotted?: boolean }[]) {
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="42" y2="42" stroke="${item.color}" stroke-width="2"${dash(item)}/>`,
      `<text x="${lx + 27}" y="46">${esc(item.label)}</text>`,
    );
    lx += 40 + item.label.length * 7;
  }
  timePanels.forEach((p, i) => parts.push(drawPanel(p, left + i * (pw + gap), 80, pw, ph)));
  memoryPanels.forEach((p, i) => parts.push(drawPanel(p, left + i * (pw + gap), 80 + ph + 90, pw, ph)));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * `npm run bench`: how long rulecat takes and how much memory it needs, on the
 * real corpora and on synthetic catalogs of growing size. Every measured run
 * is a new process (`scripts/bench-child.ts`); figures are medians over runs.
 *
 *   npm run bench [-- --runs N] [--quick] [--only real|synthetic] [--points 1kx100,10kx1k]
 *                 [--scale-runs N] [--big-runs N] [--data DIR] [--timeout SECONDS]
 *                 [--no-build] [--write | --no-write] [--keep]
 *   npm run bench -- --report-only     (tables and picture again from docs/benchmarks.json)
 *
 * Builds first (`tsc -p tsconfig.json`) unless --no-build. Prints the tables.
 * A complete run (no --quick, --only or --points) also writes them into
 * docs/benchmarks.md between its `bench:` markers and the figures into
 * docs/benchmarks.json; a partial run does so only with --write, replacing
 * the rows it measured and keeping the others (marked with their run).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fmtCount,
  fmtMs,
  mergeResults,
  phaseTable,
  replaceBlock,
  resultsBlock,
  toJson,
  type RealRow,
  type Results,
  type RunInfo,
  type ScalePoint,
} from './bench-report.js';
import {
  machine,
  measure,
  runOnce,
  running,
  skipped,
  tail,
  type Measurement,
  type MeasureOptions,
} from './bench-run.js';
import { growthSvg } from './bench-chart.js';
import { parseCount, writeSyntheticCatalog } from './synthetic-catalog.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = path.join(REPO, 'docs', 'benchmarks.md');
/** The figures behind the doc's tables, so a partial run can replace some rows and keep the rest. */
const RESULTS = path.join(REPO, 'docs', 'benchmarks.json');
/** The figures before the work of issue 12 (the page's earlier tables): every table shows them beside the new ones. */
const BEFORE = path.join(REPO, 'docs', 'benchmarks-before.json');
/** The growth curves of the scale series, drawn from the figures. */
const CHART = path.join(REPO, 'docs', 'benchmarks-growth.svg');

/** The series; --quick leaves out points of more than QUICK_LIMIT rules × intakes. */
const POINTS = ['1kx100', '10kx100', '1kx1k', '10kx1k', '100kx1k', '10kx10k', '100kx10k'];
const QUICK_LIMIT = 1e8;
/** Points of at least this many rules × intakes run --big-runs times. */
const BIG = 1e8;

/** Targets of issue 12 (≤: a figure equal to the target meets it). */
const TARGETS = {
  generate: { wallMs: 1000, text: '≤ 1.0 s' },
  warm: { wallMs: 250, text: '≤ 0.25 s' },
  check: { wallMs: 700, text: '≤ 0.7 s' },
  edit: { wallMs: 600, text: '≤ 0.6 s' },
  preview: { wallMs: 250, text: '≤ 250 ms' },
  coldPreview: { wallMs: 1500, text: '≤ 1.5 s' },
  scale: { wallMs: 60_000, rssMiB: 3 * 1024, text: '≤ 60 s, ≤ 3 GiB' },
};

interface Options {
  runs: number;
  scaleRuns: number;
  bigRuns: number;
  quick: boolean;
  only?: 'real' | 'synthetic';
  points: { rules: number; intakes: number }[];
  custom: boolean;
  data: string;
  timeoutMs: number;
  build: boolean;
  write?: boolean;
  keep: boolean;
  seed: number;
}

const USAGE = `Usage: npm run bench [-- options]
  --runs N          runs per real-corpus measurement (default 5)
  --scale-runs N    runs per synthetic point (default 3)
  --big-runs N      runs per synthetic point of >= 1e8 rules x intakes (default 1)
  --quick           leave out the largest synthetic point (100k x 10k)
  --only real|synthetic
  --points LIST     synthetic points, e.g. 1kx100,10kx1k (default ${POINTS.join(',')})
  --report-only     write the tables and the picture again from docs/benchmarks.json, measuring nothing
  --data DIR        shared data folder (default <repo>/../shared/data)
  --timeout SECONDS per run (default 1800)
  --seed N          synthetic catalog seed (default 1)
  --no-build        do not run tsc first
  --write/--no-write  update docs/benchmarks.md and .json (default: only after a complete
                    run; a partial run with --write replaces only the rows it measured)
  --keep            keep the temporary folders (printed)`;

function parseOptions(argv: string[]): Options {
  const o: Options = {
    runs: 5,
    scaleRuns: 3,
    bigRuns: 1,
    quick: false,
    points: [],
    custom: false,
    data: path.resolve(REPO, '..', 'shared', 'data'),
    timeoutMs: 1_800_000,
    build: true,
    keep: false,
    seed: 1,
  };
  let points = POINTS.join(',');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`Missing value after ${a}`);
      return v;
    };
    const count = () => {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) throw new Error(`Unexpected ${a} ${v}, expected a positive integer`);
      return Number(v);
    };
    if (a === '--runs') o.runs = count();
    else if (a === '--scale-runs') o.scaleRuns = count();
    else if (a === '--big-runs') o.bigRuns = count();
    else if (a === '--quick') o.quick = true;
    else if (a === '--only') {
      const v = value();
      if (v !== 'real' && v !== 'synthetic') throw new Error(`Unexpected --only ${v}, expected real or synthetic`);
      o.only = v;
    } else if (a === '--points') {
      points = value();
      o.custom = true;
    } else if (a === '--data') o.data = path.resolve(value());
    else if (a === '--timeout') o.timeoutMs = count() * 1000;
    else if (a === '--seed') o.seed = count();
    else if (a === '--no-build') o.build = false;
    else if (a === '--write') o.write = true;
    else if (a === '--no-write') o.write = false;
    else if (a === '--keep') o.keep = true;
    else throw new Error(`Unknown option ${a}\n${USAGE}`);
  }
  o.points = points.split(',').map((p) => {
    const m = /^\s*([\d.]+[km]?)\s*x\s*([\d.]+[km]?)\s*$/i.exec(p);
    if (!m) throw new Error(`Unexpected point ${JSON.stringify(p)}, expected RULESxINTAKES such as 10kx1k`);
    return { rules: parseCount(m[1]), intakes: parseCount(m[2]) };
  });
  return o;
}

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** Temporary folders to remove if the bench is interrupted. */
const temporary = new Set<string>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`bench: interrupted; temporary folders removed\n`);
    process.exit(130);
  });
}

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.add(dir);
  return dir;
}

function removeTemp(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  temporary.delete(dir);
}

/** The child script, in the snapshot of the build taken at start (see `snapshot`). */
let CHILD = path.join(REPO, 'dist', 'scripts', 'bench-child.js');

/**
 * Copy what the built command reads (dist/, templates/, generator/data/,
 * package.json; node_modules linked) to a temporary folder and run that, so
 * that rebuilding dist/ during a long bench (several people share this
 * checkout) cannot mix two versions of the code.
 */
function snapshot(): string {
  const dir = temp('rulecat-bench-code-');
  cpSync(path.join(REPO, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(REPO, 'templates'), path.join(dir, 'templates'), { recursive: true });
  cpSync(path.join(REPO, 'generator', 'data'), path.join(dir, 'generator', 'data'), { recursive: true });
  cpSync(path.join(REPO, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function runOptions(cwd: string, o: Options, expect?: number[]): MeasureOptions {
  return {
    child: CHILD,
    cwd,
    timeoutMs: o.timeoutMs,
    expect,
    progress: (label, i, n, run) =>
      log(`${label} ${i}/${n}: ${fmtMs(run.wallMs)}${run.code ? ` (exit ${run.code})` : ''}`),
  };
}

/** One unmeasured run that fills the cache and the output folder; its failure fails the measurement. */
async function prime(label: string, args: string[], options: MeasureOptions): Promise<string | undefined> {
  const run = await runOnce(args, options);
  log(`${label} (priming): ${fmtMs(run.wallMs)}`);
  if (run.timedOut) return `priming run timed out`;
  return run.code === 0 ? undefined : `priming run exited ${run.code}: ${tail(run.stderr)}`;
}

/** A temporary working folder with a config that selects the default (compat) layer style. */
function workspace(prefix: string): { dir: string; config: string } {
  const dir = temp(prefix);
  const config = path.join(dir, 'bench.config.yaml');
  writeFileSync(config, '# rulecat benchmark: default layer style, inputs given as flags\nlayerStyle: compat\n');
  return { dir, config };
}

/** The first rule file (path order) with a one-line description, preferring a Windows process-creation rule (it applies to many intakes). */
function ruleToEdit(root: string): string | undefined {
  const preferred = path.join(root, 'windows', 'process_creation');
  return (existsSync(preferred) ? firstWithDescription(preferred) : undefined) ?? firstWithDescription(root);
}

function firstWithDescription(root: string): string | undefined {
  const visit = (dir: string): string | undefined => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) {
        const found = visit(p);
        if (found) return found;
      } else if (/\.ya?ml$/.test(name) && /^description: [^|>\n].*$/m.test(readFileSync(p, 'utf8'))) return p;
    }
    return undefined;
  };
  return visit(root);
}

async function realCorpus(o: Options): Promise<{ rows: RealRow[]; skipped?: string }> {
  const sigma = path.join(o.data, 'sigmahq');
  const ruleDirs = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((d) => path.join(sigma, d));
  const intakes = path.join(o.data, 'intake-formats');
  const mapping = path.join(o.data, 'sigma-ecs-mapping.yaml');
  const missing = [...ruleDirs, intakes, mapping].filter((p) => !existsSync(p));
  if (missing.length)
    return {
      rows: [],
      skipped: `${o.data} not found or incomplete: missing ${missing.map((p) => path.relative(o.data, p)).join(', ')}`,
    };
  const ws = workspace('rulecat-bench-real-');
  const inputs = (rules: string[]) => [
    '--config',
    ws.config,
    '--rules',
    ...rules,
    '--intakes',
    intakes,
    '--field-mapping',
    mapping,
  ];
  const out = path.join(ws.dir, 'out');
  const cache = path.join(ws.dir, 'cache');
  const opts = runOptions(ws.dir, o);
  const rows: RealRow[] = [];

  const cold = await measure(
    '`generate`, cold',
    o.runs,
    (i) => [
      'generate',
      ...inputs(ruleDirs),
      '--out',
      path.join(ws.dir, `cold-${i}`, 'out'),
      '--cache',
      path.join(ws.dir, `cold-${i}`, 'cache'),
      '--timings',
    ],
    opts,
    (i) => rmSync(path.join(ws.dir, `cold-${i}`), { recursive: true, force: true }),
  );
  rows.push({ what: '`generate`, cold (empty cache and output)', m: cold, target: TARGETS.generate });

  const warmArgs = ['generate', ...inputs(ruleDirs), '--out', out, '--cache', cache, '--timings'];
  const primed = await prime('`generate`, warm', warmArgs, opts);
  const warm = primed ? skipped('warm', primed) : await measure('`generate`, warm', o.runs, () => warmArgs, opts);
  rows.push({
    what: '`generate`, warm (unchanged inputs, filled cache and output)',
    m: warm,
    target: TARGETS.warm,
  });

  const check = primed
    ? skipped('check', primed)
    : await measure('`generate --check`', o.runs, () => [...warmArgs, '--check'], opts);
  rows.push({ what: '`generate --check`, unchanged output, warm', m: check, target: TARGETS.check });

  rows.push({
    what: '`preview --intake "AWS CloudTrail"`, warm',
    m: await preview(o, inputs(ruleDirs), () => cache, opts),
    target: TARGETS.preview,
  });
  rows.push({
    what: '`preview --intake "AWS CloudTrail"`, cold (empty cache)',
    m: await preview(
      o,
      inputs(ruleDirs),
      (i) => path.join(ws.dir, `preview-cold-${i}`),
      opts,
      (i) => rmSync(path.join(ws.dir, `preview-cold-${i}`), { recursive: true, force: true }),
    ),
    target: TARGETS.coldPreview,
  });
  rows.push({
    what: 'one rule edited, `generate` warm',
    m: await editOne(o, ws, ruleDirs, inputs, cache, opts),
    target: TARGETS.edit,
  });

  if (o.keep) log(`kept ${ws.dir}`);
  else removeTemp(ws.dir);
  return { rows };
}

/** `preview` of one intake; `cache(i)` is the cache folder of run i (a fresh one for cold runs, removed by `cleanup`). */
async function preview(
  o: Options,
  inputs: string[],
  cache: (i: number) => string,
  opts: MeasureOptions,
  cleanup?: (i: number) => void,
): Promise<Measurement> {
  let timings = ['--timings'];
  const args = (i: number) => ['preview', '--intake', 'AWS CloudTrail', ...inputs, '--cache', cache(i), ...timings];
  let probe = await runOnce(args(-1), opts);
  if (probe.code !== 0 && /unknown command/i.test(probe.stderr))
    return skipped('preview', '`rulecat preview` does not exist yet (unknown command)');
  if (probe.code !== 0 && /timings/.test(probe.stderr)) {
    timings = []; // an older preview without --timings
    probe = await runOnce(args(-1), opts);
  }
  cleanup?.(-1);
  if (probe.code !== 0) return skipped('preview', `exit code ${probe.code}: ${tail(probe.stderr, 2)}`);
  return measure('`preview`', o.runs, args, opts, cleanup);
}

async function editOne(
  o: Options,
  ws: { dir: string },
  ruleDirs: string[],
  inputs: (rules: string[]) => string[],
  cache: string,
  opts: MeasureOptions,
): Promise<Measurement> {
  const copies = ruleDirs.map((d) => path.join(ws.dir, 'rules-copy', path.basename(d)));
  ruleDirs.forEach((d, i) => cpSync(d, copies[i], { recursive: true }));
  const file = ruleToEdit(copies[0]);
  if (!file) return skipped('edit', 'no rule with a one-line description');
  const original = readFileSync(file, 'utf8');
  const args = ['generate', ...inputs(copies), '--out', path.join(ws.dir, 'out-edit'), '--cache', cache, '--timings'];
  const primed = await prime('one rule edited', args, opts);
  if (primed) return skipped('edit', primed);
  const m = await measure(
    'one rule edited',
    o.runs,
    (i) => {
      writeFileSync(file, original.replace(/^(description: [^|>\n].*)$/m, `$1 Benchmark edit ${i + 1}.`));
      return args;
    },
    opts,
  );
  const written = (m.raw ?? []).map((r) => /(\d+) written/.exec(r.stdout)?.[1]).filter(Boolean);
  m.note = `${path.relative(path.join(ws.dir, 'rules-copy'), file)}; ${written[0] ?? '?'} files rewritten`;
  return m;
}

/** Bytes under a folder and the rule blocks (`??? abstract "`) on its pages. */
function outputSize(dir: string): { bytes: number; files: number; pairs: number } {
  let bytes = 0;
  let files = 0;
  let pairs = 0;
  const marker = Buffer.from('??? abstract "');
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = statSync(p);
    if (!st.isFile()) continue;
    bytes += st.size;
    files++;
    if (/^suggested_rules_.*\.md$/.test(name)) {
      const data = readFileSync(p);
      for (let i = data.indexOf(marker); i >= 0; i = data.indexOf(marker, i + marker.length)) pairs++;
    }
  }
  return { bytes, files, pairs };
}

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Rough disk need of a point: catalog, output and cache (measured ~6 kB per rule file, ~50 kB per intake, times 3). */
const diskNeed = (rules: number, intakes: number) => 3 * (rules * 6e3 + intakes * 5e4) + 1e9;

async function scalePoint(o: Options, rules: number, intakes: number): Promise<ScalePoint> {
  const name = `${fmtCount(rules)} × ${fmtCount(intakes)}`;
  const base: ScalePoint = {
    rules,
    intakes,
    cold: skipped(name, ''),
    warm: skipped(name, ''),
    target: rules * intakes >= 1e9 ? TARGETS.scale : undefined,
  };
  if (o.quick && rules * intakes > QUICK_LIMIT) return { ...base, skipped: '--quick' };
  const need = diskNeed(rules, intakes);
  const free = freeBytes(os.tmpdir());
  if (free < need)
    return {
      ...base,
      skipped: `${(free / 1e9).toFixed(1)} GB free in ${os.tmpdir()}, ~${(need / 1e9).toFixed(1)} GB needed`,
    };
  const ws = workspace('rulecat-bench-synthetic-');
  try {
    const start = performance.now();
    const catalog = writeSyntheticCatalog({ rules, intakes, out: ws.dir, seed: o.seed });
    const catalogMs = performance.now() - start;
    log(`${name}: synthetic catalog written in ${fmtMs(catalogMs)} (${catalog.files} files)`);
    const runs = rules * intakes >= BIG ? o.bigRuns : o.scaleRuns;
    const inputs = ['--config', ws.config, '--rules', catalog.rulesDir, '--intakes', catalog.intakesDir];
    const opts = runOptions(ws.dir, o);
    const cold = await measure(
      `${name} cold`,
      runs,
      (i) => [
        'generate',
        ...inputs,
        '--out',
        path.join(ws.dir, `cold-${i}`, 'out'),
        '--cache',
        path.join(ws.dir, `cold-${i}`, 'cache'),
        '--timings',
      ],
      opts,
      (i) => rmSync(path.join(ws.dir, `cold-${i}`), { recursive: true, force: true }),
    );
    const out = path.join(ws.dir, 'out');
    const warmArgs = ['generate', ...inputs, '--out', out, '--cache', path.join(ws.dir, 'cache'), '--timings'];
    const primed = cold.failure ? 'the cold run failed' : await prime(`${name} warm`, warmArgs, opts);
    const warm = primed ? skipped(name, primed) : await measure(`${name} warm`, runs, () => warmArgs, opts);
    const size = primed ? undefined : outputSize(out);
    return {
      ...base,
      cold,
      warm,
      pairs: size?.pairs,
      outputBytes: size?.bytes,
      outputFiles: size?.files,
      catalogMs,
      catalogBytes: catalog.bytes,
    };
  } finally {
    if (o.keep) log(`kept ${ws.dir}`);
    else removeTemp(ws.dir);
  }
}

function build(): void {
  log('building (tsc -p tsconfig.json; --no-build to skip)');
  const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv.includes('--report-only')) return reportOnly();
  const o = parseOptions(argv);
  if (o.build) build();
  if (!existsSync(CHILD)) throw new Error(`${path.relative(REPO, CHILD)} is missing: run npm run build`);
  const code = snapshot();
  CHILD = path.join(code, 'dist', 'scripts', 'bench-child.js');
  try {
    return await benchmark(o, argv);
  } finally {
    removeTemp(code);
  }
}

/** Write the tables and the picture again from the stored figures (docs/benchmarks.json), measuring nothing. */
function reportOnly(): number {
  if (!existsSync(RESULTS)) throw new Error(`${path.relative(REPO, RESULTS)} is missing: run the bench first`);
  const stored = JSON.parse(readFileSync(RESULTS, 'utf8')) as Results;
  const before = existsSync(BEFORE) ? (JSON.parse(readFileSync(BEFORE, 'utf8')) as Results) : undefined;
  const chart = growthSvg(stored, before);
  if (chart) writeFileSync(CHART, chart);
  writeFileSync(
    DOC,
    replaceBlock(
      replaceBlock(readFileSync(DOC, 'utf8'), 'results', resultsBlock(stored, before)),
      'phases',
      phaseTable(stored, before),
    ),
  );
  log(
    `wrote ${[DOC, ...(chart ? [CHART] : [])].map((f) => path.relative(REPO, f)).join(', ')} from ${path.relative(REPO, RESULTS)}`,
  );
  return 0;
}

/** The commit measured, and whether the generator's code differs from it (read-only git). */
function codeVersion(): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: REPO, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return 'unknown';
  const dirty = git('status', '--porcelain', '--', 'generator', 'templates', 'package.json').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' with uncommitted changes to generator/' : ''}`;
}

async function benchmark(o: Options, argv: string[]): Promise<number> {
  const info: RunInfo = {
    id: 'A',
    date: new Date().toISOString().slice(0, 10),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    code: codeVersion(),
    machine: machine(),
    loadAfter: [],
  };
  const results: Results = { runs: [info], real: [], scale: [] };
  log(`load average before: ${info.machine.load.map((x) => x.toFixed(2)).join(', ')}`);
  if (o.only !== 'synthetic') {
    const real = await realCorpus(o);
    results.real = real.rows.map((row) => ({ ...row, run: info.id }));
    results.realSkipped = real.skipped;
    if (real.skipped) log(`real corpora skipped: ${real.skipped}`);
  } else results.realSkipped = '--only synthetic';
  if (o.only !== 'real') {
    for (const p of o.points) results.scale.push({ ...(await scalePoint(o, p.rules, p.intakes)), run: info.id });
  } else results.scaleSkipped = '--only real';
  info.loadAfter = os.loadavg();
  const before = existsSync(BEFORE) ? (JSON.parse(readFileSync(BEFORE, 'utf8')) as Results) : undefined;
  process.stdout.write(
    `${resultsBlock(results, before)}\n\n## Where the time goes\n\n${phaseTable(results, before)}\n`,
  );
  const complete = !o.quick && !o.only && !o.custom;
  if (!(o.write ?? complete)) {
    log(
      `${path.relative(REPO, DOC)} not updated (${o.write === false ? '--no-write' : 'partial run; --write merges these rows into it'})`,
    );
    return 0;
  }
  // A complete run replaces the stored results; a partial one replaces only the rows it measured.
  const stored =
    complete || !existsSync(RESULTS)
      ? results
      : mergeResults(JSON.parse(readFileSync(RESULTS, 'utf8')) as Results, results);
  writeFileSync(RESULTS, toJson(stored));
  const chart = growthSvg(stored, before);
  if (chart) writeFileSync(CHART, chart);
  writeFileSync(
    DOC,
    replaceBlock(
      replaceBlock(readFileSync(DOC, 'utf8'), 'results', resultsBlock(stored, before)),
      'phases',
      phaseTable(stored, before),
    ),
  );
  log(`wrote ${[DOC, RESULTS, ...(chart ? [CHART] : [])].map((f) => path.relative(REPO, f)).join(', ')}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);

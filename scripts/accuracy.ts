/**
 * Precision and recall of each matching stage on a labelled set of
 * rule–intake pairs, and full-corpus counts.
 *
 *   node dist/scripts/accuracy.js [--data ../shared/data] [--labels docs/accuracy/labels.yaml] [--out FILE]
 *
 * Stages: plain field overlap (with the field mapping, pipelines as
 * alternatives) → + parser-derived names → + constant values → + log sources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { runPipeline } from '../generator/pipeline.js';
import { resolveConfig } from '../generator/config.js';
import { byCodePoint } from '../generator/match/coverage.js';
import type { MatchFeatures } from '../generator/match/intake-index.js';
import { matchCatalog, type CatalogMatch } from '../generator/match/match-catalog.js';
import { reportMatch } from '../generator/match/report.js';

interface Label {
  rule: string;
  intake: string;
  family: string;
  relevant: boolean;
  /** The labeller's judgement call (see docs/accuracy/README.md). */
  ambiguous?: boolean;
}

export const STAGES: { name: string; features: MatchFeatures }[] = [
  { name: 'plain field overlap', features: { derived: false, values: false, logsource: false } },
  { name: '+ parser-derived names', features: { derived: true, values: false, logsource: false } },
  { name: '+ constant values', features: { derived: true, values: true, logsource: false } },
  { name: '+ log sources', features: { derived: true, values: true, logsource: true } },
];

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');

export function score(labels: readonly Label[], applies: (l: Label) => boolean) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const l of labels) {
    const a = applies(l);
    if (a && l.relevant) tp++;
    else if (a) fp++;
    else if (l.relevant) fn++;
    else tn++;
  }
  return { tp, fp, fn, tn, precision: tp / (tp + fp), recall: tp / (tp + fn) };
}

async function main(argv: string[]): Promise<void> {
  const repo = process.cwd();
  const data = path.resolve(flag(argv, 'data', path.join(repo, '..', 'shared', 'data')));
  const labelsFile = path.resolve(flag(argv, 'labels', path.join(repo, 'docs', 'accuracy', 'labels.yaml')));
  const labels = (parse(readFileSync(labelsFile, 'utf8')) as { pairs: Label[] }).pairs;
  const sigma = path.join(data, 'sigmahq');
  const { config } = resolveConfig(repo, undefined, {
    rules: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => path.join(sigma, f)),
    intakes: [path.join(data, 'intake-formats')],
    fieldMapping: path.join(data, 'sigma-ecs-mapping.yaml'),
  });
  const started = performance.now();
  const { catalog, matchInputs, sources } = await runPipeline(config, { noMatch: true });
  const loadedFiles = sources.ruleFileCount;
  const byFile = new Map(catalog.rules.map((r) => [path.relative(sigma, path.resolve(repo, r.file)), r]));
  const missing = labels.filter((l) => !byFile.has(l.rule) || !catalog.intakes.some((i) => i.uuid === l.intake));
  if (missing.length > 0)
    throw new Error(
      `labels name unknown rules or intakes: ${missing.map((l) => `${l.rule} × ${l.intake}`).join('; ')}`,
    );
  const lines: string[] = [];
  const results: { name: string; match: CatalogMatch }[] = [];
  for (const stage of STAGES)
    results.push({
      name: stage.name,
      match: matchCatalog(catalog, { mode: 'default', ...matchInputs, features: stage.features }),
    });
  const appliesIn = (m: CatalogMatch) => (l: Label) =>
    m.intakesByRule.get(byFile.get(l.rule)!)!.some((i) => i.uuid === l.intake);

  const table = (title: string, subset: readonly Label[]) => {
    const relevant = subset.filter((l) => l.relevant).length;
    lines.push(
      `${title}: ${subset.length} pairs (${relevant} relevant, ${subset.length - relevant} not), ${new Set(subset.map((l) => l.family)).size} families.`,
      '',
    );
    lines.push('| stage | TP | FP | FN | TN | precision | recall |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const { name, match } of results) {
      const s = score(subset, appliesIn(match));
      lines.push(`| ${name} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.tn} | ${pct(s.precision)} | ${pct(s.recall)} |`);
    }
    lines.push('');
  };
  table(
    'Clear-cut pairs (judgement calls left out)',
    labels.filter((l) => !l.ambiguous),
  );
  table('All labelled pairs', labels);
  lines.push(
    'Per family, all stages on, all pairs:',
    '',
    '| family | pairs | precision | recall |',
    '|---|---:|---:|---:|',
  );
  const final = results[results.length - 1].match;
  for (const family of [...new Set(labels.map((l) => l.family))].sort(byCodePoint)) {
    const subset = labels.filter((l) => l.family === family);
    const s = score(subset, appliesIn(final));
    lines.push(`| ${family} | ${subset.length} | ${pct(s.precision)} | ${pct(s.recall)} |`);
  }
  const wrong = labels.filter((l) => appliesIn(final)(l) !== l.relevant);
  lines.push('', `Disagreements with the labels, all stages on (${wrong.length}):`, '');
  for (const l of wrong) {
    const intake = catalog.intakes.find((i) => i.uuid === l.intake)!;
    lines.push(
      `- ${l.relevant ? 'missed' : 'extra'}: ${byFile.get(l.rule)!.title} × ${intake.name} (${l.family}${l.ambiguous ? ', judgement call' : ''})`,
    );
  }

  const rules = catalog.rules.filter((r) => r.kind !== 'filter');
  lines.push(
    '',
    'Full corpus:',
    '',
    `- rules loaded: ${rules.length} (of ${loadedFiles} files); intakes: ${catalog.intakes.length}`,
  );
  lines.push('', '| stage | rules applying to at least one intake | rule–intake pairs |', '|---|---:|---:|');
  for (const { name, match } of results) {
    const applying = rules.filter((r) => match.intakesByRule.get(r)!.length > 0).length;
    const pairs = rules.reduce((n, r) => n + match.intakesByRule.get(r)!.length, 0);
    lines.push(`| ${name} | ${applying} | ${pairs} |`);
  }
  const report = reportMatch(catalog, final, matchInputs);
  const counts = new Map<string, number>();
  for (const u of report.unmatched) {
    const m = /^no intake .*? produces (.*)$/.exec(u.reason);
    if (m) for (const f of m[1].split(', ')) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  lines.push(
    '',
    'Fields most often missing (rules applying nowhere, by the field, as the rule writes it, that no intake its log source fits produces under any reading):',
    '',
  );
  for (const [field, n] of [...counts].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0])).slice(0, 20))
    lines.push(`- \`${field}\`: ${n} rules`);
  lines.push('', `(computed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

  const out = lines.join('\n') + '\n';
  const outFile = argv.indexOf('--out') >= 0 ? flag(argv, 'out', '') : '';
  if (outFile) writeFileSync(outFile, out);
  process.stdout.write(out);
}

if (import.meta.url === new URL(`file://${path.resolve(process.argv[1] ?? '')}`).href) void main(process.argv.slice(2));

/**
 * Precision and recall of "this rule applies to this intake" on a labelled
 * set of rule–intake pairs, per matching stage and per log-source family,
 * before (the previous release) and after (this code); the rules that apply
 * nowhere on the full corpus, grouped by reason; and the pairs the previous
 * release listed that this code no longer lists, each with its reason.
 *
 *   node dist/scripts/accuracy.js [--data ../shared/data] [--labels docs/accuracy/labels.yaml]
 *       [--field-mapping FILE|none] [--out FILE]
 *       [--before DIR [--before-mapping FILE] [--lost FILE]]
 *
 * "After" is this code as a user runs it: the shipped mappings, plus
 * `--field-mapping` when given (none by default). `--before DIR` names a
 * built checkout of the previous release (`git worktree add DIR cedc3ec &&
 * cd DIR && npm ci`); it is run in this process with the shared mapping
 * (`--before-mapping`, default `<data>/sigma-ecs-mapping.yaml`), which is
 * what its users had, and the pairs it lost are written to `--lost`
 * (default docs/accuracy/lost-pairs.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { resolveConfig } from '../generator/config.js';
import { readMatchInputs } from '../generator/load/read-match-inputs.js';
import { byCodePoint } from '../generator/match/coverage.js';
import { explainPair, type Explanation } from '../generator/match/explain.js';
import type { MatchFeatures } from '../generator/match/intake-index.js';
import { logsourceFit } from '../generator/match/logsource.js';
import { matchCatalog, type CatalogMatch, type MatchOptions } from '../generator/match/match-catalog.js';
import { reportMatch, type UnmatchedRule } from '../generator/match/report.js';
import type { Catalog } from '../generator/model/catalog.js';
import type { Intake } from '../generator/model/intake.js';
import type { Rule } from '../generator/model/rule.js';
import { runPipeline } from '../generator/pipeline.js';

export interface Label {
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

/** The targets of issue 11, per family, judgement calls included. */
export const TARGET = { precision: 0.98, recall: 0.95 };

function flag(argv: string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
const num = (n: number) => n.toLocaleString('en-US');

export interface Score {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
}

export function score(labels: readonly Label[], applies: (l: Label) => boolean): Score {
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

/** A family meets the targets when nothing it lists is wrong often enough and little is missed; no relevant pair listed counts as recall 0. */
export function meetsTarget(s: Score): boolean {
  const precision = s.tp + s.fp === 0 ? 1 : s.precision;
  const recall = s.tp + s.fn === 0 ? 1 : s.recall;
  return precision >= TARGET.precision && recall >= TARGET.recall;
}

/** Key of a rule–intake pair: the rule's file relative to the SigmaHQ folder, and the intake's uuid. */
const pairKey = (rule: string, intake: string) => `${rule}\u0000${intake}`;

/** The rule–intake pairs of one matching, by the rule's file relative to `sigma`. */
function pairsOf(catalog: Catalog, match: CatalogMatch, relative: (rule: Rule) => string): Set<string> {
  const out = new Set<string>();
  for (const rule of catalog.rules) {
    if (rule.kind === 'filter') continue;
    for (const intake of match.intakesByRule.get(rule) ?? []) out.add(pairKey(relative(rule), intake.uuid));
  }
  return out;
}

/**
 * The pairs the previous release lists on the full corpus, computed by its
 * own code (a built checkout at `root`), with `mapping` given explicitly.
 * Knows the API of commit cedc3ec (`loadCatalog`) and of later code
 * (`runPipeline`).
 */
async function pairsOfRelease(
  root: string,
  rules: string[],
  intakes: string[],
  mapping: string,
  sigma: string,
): Promise<{ pairs: Set<string>; rules: number }> {
  const load = (p: string) =>
    import(pathToFileURL(path.join(root, 'dist', p)).href) as Promise<Record<string, unknown>>;
  const { resolveConfig: resolve } = (await load('generator/config.js')) as {
    resolveConfig: (cwd: string, file: undefined, o: object) => { config: Record<string, unknown> };
  };
  const { matchCatalog: match } = (await load('generator/match/match-catalog.js')) as {
    matchCatalog: (c: Catalog, o: object) => CatalogMatch;
  };
  const cache = path.join(os.tmpdir(), 'rulecat-accuracy-before-cache');
  const { config } = resolve(root, undefined, { rules, intakes, fieldMapping: mapping, cache });
  const build = await load('generator/build.js');
  let catalog: Catalog;
  let inputs: object;
  if (typeof build.loadCatalog === 'function') {
    ({ catalog, matchInputs: inputs } = (build.loadCatalog as (c: object) => { catalog: Catalog; matchInputs: object })(
      config,
    ));
  } else {
    const { runPipeline: run } = (await load('generator/pipeline.js')) as {
      runPipeline: (c: object, r: object) => Promise<{ catalog: Catalog; matchInputs: object }>;
    };
    ({ catalog, matchInputs: inputs } = await run(config, { noMatch: true }));
  }
  const result = match(catalog, { mode: 'default', ...inputs });
  const pairs = pairsOf(catalog, result, (r) => path.relative(sigma, path.resolve(root, r.file)));
  return { pairs, rules: catalog.rules.filter((r) => r.kind !== 'filter').length };
}

/** The short commit of a checkout, or its folder name when git cannot tell. */
function commitOf(root: string): string {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return path.basename(root);
  }
}

/** One line saying why a pair is (not) listed, from the explanation. */
export function whyPair(e: Explanation): string {
  if (e.explicit) return "listed in the rule's intakes";
  if (!e.logsource.fits) return `log source does not fit (${e.logsource.evidence.join('; ')})`;
  const contradictions = e.identifiers.flatMap((id) =>
    id.alternatives.flatMap((a) =>
      a.tests.flatMap((t) => t.contradicts.map((c) => `${t.test} vs ${c.field} ∈ {${c.constants.join(', ')}}`)),
    ),
  );
  if (e.applies) {
    const used = new Map<string, string>();
    for (const id of e.identifiers.filter((i) => i.canMatch))
      for (const alt of id.alternatives.filter((a) => a.canMatch))
        for (const t of alt.tests)
          for (const f of t.fields) {
            const via =
              f.derived.length > 0 ? `${f.derived[0].target} (derived from ${f.derived[0].raw})` : f.carriers[0];
            if (f.present && !used.has(f.field)) used.set(f.field, via === f.field ? f.field : `${f.field} → ${via}`);
          }
    return `applies: ${[...used.values()].slice(0, 4).join(', ') || 'keywords'}`;
  }
  const parts: string[] = [];
  if (e.missingSets.length > 0)
    parts.push(
      `missing ${e.missingSets
        .slice(0, 3)
        .map((s) => s.join(' + '))
        .join(' or ')}`,
    );
  else if (e.missingFields.length > 0) parts.push(`missing ${e.missingFields.join(', ')}`);
  if (contradictions.length > 0) parts.push(`values: ${contradictions.slice(0, 2).join('; ')}`);
  return parts.join('; ') || 'does not apply';
}

interface NowhereGroup {
  title: string;
  rules: UnmatchedRule[];
  /** Sub-groups: key (log source, field, intakes) → rules. */
  by: Map<string, UnmatchedRule[]>;
}

/**
 * The rules that apply nowhere, grouped by their reason in `matching.unmatched`
 * (`rulecat generate --json`), refined with two more matchings: without
 * log sources (the fields are produced, by intakes of other products) and
 * without values (a value contradiction, not a missing field).
 */
function nowhereGroups(
  report: UnmatchedRule[],
  ruleByFile: Map<string, Rule>,
  noLogsource: CatalogMatch,
  noValues: CatalogMatch,
): NowhereGroup[] {
  const groups = new Map<string, NowhereGroup>();
  const add = (title: string, key: string, u: UnmatchedRule) => {
    const g: NowhereGroup = groups.get(title) ?? { title, rules: [], by: new Map<string, UnmatchedRule[]>() };
    groups.set(title, g);
    g.rules.push(u);
    g.by.set(key, [...(g.by.get(key) ?? []), u]);
  };
  for (const u of report) {
    const rule = ruleByFile.get(u.file)!;
    const ls = /^its log source \((.*)\) fits no intake$/.exec(u.reason);
    const fields = /^no intake (?:its log source fits )?produces (.*)$/.exec(u.reason);
    if (ls) add('no intake of that log source (its log source fits no intake)', ls[1], u);
    else if (fields) {
      const elsewhere = noLogsource.intakesByRule.get(rule) ?? [];
      if (elsewhere.length > 0)
        add(
          'log-source evidence: its fields are produced, but only by intakes its log source does not fit',
          elsewhere
            .map((i) => i.name)
            .slice(0, 3)
            .join(', ') + (elsewhere.length > 3 ? ` (+${elsewhere.length - 3})` : ''),
          u,
        );
      else add('a field no intake its log source fits produces', fields[1], u);
    } else if (u.reason.startsWith('its fields are produced'))
      add(
        (noValues.intakesByRule.get(rule) ?? []).length > 0
          ? 'value contradiction: the fields are produced, but with constant values the rule excludes'
          : 'fields split: each field is produced somewhere, but no intake produces a whole selection',
        Object.entries(rule.logsource)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        u,
      );
    else add(u.reason, '', u);
  }
  return [...groups.values()].sort((a, b) => b.rules.length - a.rules.length || byCodePoint(a.title, b.title));
}

async function main(argv: string[]): Promise<void> {
  const started = performance.now();
  const repo = process.cwd();
  const data = path.resolve(flag(argv, 'data', path.join(repo, '..', 'shared', 'data')));
  const labelsFile = path.resolve(flag(argv, 'labels', path.join(repo, 'docs', 'accuracy', 'labels.yaml')));
  const labels = (parse(readFileSync(labelsFile, 'utf8')) as { pairs: Label[] }).pairs;
  const sigma = path.join(data, 'sigmahq');
  const ruleFolders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => path.join(sigma, f));
  const intakeFolders = [path.join(data, 'intake-formats')];
  const sharedMapping = path.join(data, 'sigma-ecs-mapping.yaml');
  const afterMapping = argv.includes('--field-mapping') ? flag(argv, 'field-mapping', '') : undefined;
  const { config } = resolveConfig(repo, undefined, {
    rules: ruleFolders,
    intakes: intakeFolders,
    ...(afterMapping ? { fieldMapping: afterMapping } : {}),
  });
  const { catalog, matchInputs, sources } = await runPipeline(config, { noMatch: true });
  const relative = (r: Rule) => path.relative(sigma, path.resolve(repo, r.file));
  const byFile = new Map(catalog.rules.map((r) => [relative(r), r]));
  const intakeByUuid = new Map(catalog.intakes.map((i) => [i.uuid, i]));
  const missing = labels.filter((l) => !byFile.has(l.rule) || !intakeByUuid.has(l.intake));
  if (missing.length > 0)
    throw new Error(
      `labels name unknown rules or intakes: ${missing.map((l) => `${l.rule} × ${l.intake}`).join('; ')}`,
    );
  const options = (features: MatchFeatures): MatchOptions => ({ mode: 'default', ...matchInputs, features });
  const results = STAGES.map((stage) => ({ name: stage.name, match: matchCatalog(catalog, options(stage.features)) }));
  const final = results[results.length - 1].match;
  const afterPairs = pairsOf(catalog, final, relative);
  const inAfter = (l: Label) => afterPairs.has(pairKey(l.rule, l.intake));

  const beforeRoot = argv.includes('--before') ? path.resolve(flag(argv, 'before', '')) : undefined;
  const beforeMapping = path.resolve(flag(argv, 'before-mapping', sharedMapping));
  const before = beforeRoot
    ? await pairsOfRelease(beforeRoot, ruleFolders, intakeFolders, beforeMapping, sigma)
    : undefined;
  const inBefore = (l: Label) => before!.pairs.has(pairKey(l.rule, l.intake));

  const lines: string[] = [];
  const families = [...new Set(labels.map((l) => l.family))].sort(byCodePoint);
  const mappingName = afterMapping ? `shipped mappings + ${afterMapping}` : 'shipped mappings, no --field-mapping';

  // Headline.
  lines.push(
    '## Headline',
    '',
    `After: this code, ${mappingName}. ` +
      (before
        ? `Before: the previous release (commit ${commitOf(beforeRoot!)}), with ${path.basename(beforeMapping)} given explicitly. `
        : '') +
      'All stages on. Judgement calls counted.',
    '',
    '| run | pairs | TP | FP | FN | TN | precision | recall | families meeting the targets |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  const headline = (name: string, applies: (l: Label) => boolean, subset: readonly Label[]) => {
    const s = score(subset, applies);
    const ok = families.filter((f) =>
      meetsTarget(
        score(
          subset.filter((l) => l.family === f),
          applies,
        ),
      ),
    ).length;
    lines.push(
      `| ${name} | ${subset.length} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.tn} | **${pct(s.precision)}** | **${pct(s.recall)}** | ${ok} of ${families.length} |`,
    );
  };
  if (before) headline('before, all pairs', inBefore, labels);
  headline('after, all pairs', inAfter, labels);
  const clear = labels.filter((l) => !l.ambiguous);
  if (before) headline('before, clear-cut pairs only', inBefore, clear);
  headline('after, clear-cut pairs only', inAfter, clear);
  lines.push(
    '',
    `Targets per family (issue 11): precision ≥ ${pct(TARGET.precision)} and recall ≥ ${pct(TARGET.recall)}, judgement calls included; a family listing no relevant pair has recall 0.`,
    '',
  );

  // Per family.
  lines.push(
    '## Per family',
    '',
    `All ${labels.length} pairs, judgement calls included (their count in brackets). ✓: the family meets both targets.`,
    '',
    before
      ? '| family | pairs (judgement) | before P | before R | after TP | after FP | after FN | after P | after R | |'
      : '| family | pairs (judgement) | TP | FP | FN | precision | recall | |',
    before ? '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|' : '|---|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const family of families) {
    const subset = labels.filter((l) => l.family === family);
    const judgement = subset.filter((l) => l.ambiguous).length;
    const a = score(subset, inAfter);
    const mark = meetsTarget(a) ? '✓' : '';
    if (before) {
      const b = score(subset, inBefore);
      lines.push(
        `| ${family} | ${subset.length} (${judgement}) | ${pct(b.precision)} | ${pct(b.recall)} | ${a.tp} | ${a.fp} | ${a.fn} | ${pct(a.precision)} | ${pct(a.recall)} | ${mark} |`,
      );
    } else
      lines.push(
        `| ${family} | ${subset.length} (${judgement}) | ${a.tp} | ${a.fp} | ${a.fn} | ${pct(a.precision)} | ${pct(a.recall)} | ${mark} |`,
      );
  }
  lines.push('');

  // Stages.
  const appliesIn = (m: CatalogMatch) => (l: Label) =>
    m.intakesByRule.get(byFile.get(l.rule)!)!.some((i) => i.uuid === l.intake);
  const stageTable = (title: string, subset: readonly Label[]) => {
    const relevant = subset.filter((l) => l.relevant).length;
    lines.push(`${title}: ${subset.length} pairs (${relevant} relevant, ${subset.length - relevant} not).`, '');
    lines.push('| stage | TP | FP | FN | TN | precision | recall |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const { name, match } of results) {
      const s = score(subset, appliesIn(match));
      lines.push(`| ${name} | ${s.tp} | ${s.fp} | ${s.fn} | ${s.tn} | ${pct(s.precision)} | ${pct(s.recall)} |`);
    }
    lines.push('');
  };
  lines.push('## By stage (after)', '');
  stageTable('All labelled pairs', labels);
  stageTable('Clear-cut pairs (judgement calls left out)', clear);

  // Disagreements.
  const explainOptions = { mode: 'default' as const, ...matchInputs };
  const explainLabel = (l: Label) =>
    explainPair(byFile.get(l.rule)!, intakeByUuid.get(l.intake)!, catalog, explainOptions);
  const wrong = labels.filter((l) => inAfter(l) !== l.relevant);
  lines.push(
    `## Disagreements with the labels (after, ${wrong.length})`,
    '',
    'Each with why rulecat decided so (`rulecat explain --rule … --intake …` tells more).',
    '',
    'Where they go: a missed pair is missed either because the rule’s log source does not fit the intake (log-source evidence) or because a field the rule needs is not produced there (or its constant values exclude the rule’s); an extra pair is one whose log source fits and whose fields are produced. In brackets: judgement calls.',
    '',
    '| family | missed: log source | missed: fields or values | extra |',
    '|---|---:|---:|---:|',
  );
  const explained = new Map(wrong.map((l) => [l, explainLabel(l)]));
  const cell = (ls: Label[]) => (ls.length === 0 ? '' : `${ls.length} (${ls.filter((l) => l.ambiguous).length})`);
  const total = { ls: [] as Label[], fields: [] as Label[], extra: [] as Label[] };
  for (const family of families) {
    const here = wrong.filter((l) => l.family === family);
    if (here.length === 0) continue;
    const ls = here.filter((l) => l.relevant && !explained.get(l)!.logsource.fits);
    const fields = here.filter((l) => l.relevant && explained.get(l)!.logsource.fits);
    const extra = here.filter((l) => !l.relevant);
    total.ls.push(...ls);
    total.fields.push(...fields);
    total.extra.push(...extra);
    lines.push(`| ${family} | ${cell(ls)} | ${cell(fields)} | ${cell(extra)} |`);
  }
  lines.push(`| **all** | ${cell(total.ls)} | ${cell(total.fields)} | ${cell(total.extra)} |`, '');
  for (const family of families) {
    const here = wrong.filter((l) => l.family === family);
    if (here.length === 0) continue;
    lines.push(`### ${family}`, '');
    for (const l of here)
      lines.push(
        `- ${l.relevant ? 'missed' : 'extra'}${l.ambiguous ? ' (judgement call)' : ''}: ${byFile.get(l.rule)!.title} × ${intakeByUuid.get(l.intake)!.name} — ${whyPair(explained.get(l)!)}`,
      );
    lines.push('');
  }

  // Full corpus.
  const rules = catalog.rules.filter((r) => r.kind !== 'filter');
  lines.push(
    '## Full corpus',
    '',
    `${num(rules.length)} rules (of ${num(sources.ruleFileCount)} files), ${catalog.intakes.length} intakes; ${mappingName}.`,
    '',
    '| stage | rules applying to at least one intake | rule–intake pairs |',
    '|---|---:|---:|',
  );
  for (const { name, match } of results) {
    const applying = rules.filter((r) => match.intakesByRule.get(r)!.length > 0).length;
    const pairs = rules.reduce((n, r) => n + match.intakesByRule.get(r)!.length, 0);
    lines.push(`| ${name} | ${num(applying)} | ${num(pairs)} |`);
  }
  if (before) {
    const applying = new Set([...before.pairs].map((k) => k.split('\u0000')[0])).size;
    lines.push(`| previous release, all stages | ${num(applying)} | ${num(before.pairs.size)} |`);
  }
  lines.push('');

  // Rules applying nowhere.
  const report = reportMatch(catalog, final, matchInputs).unmatched;
  const ruleByDisplay = new Map(catalog.rules.map((r) => [r.file, r]));
  const noValues = matchCatalog(catalog, options({ derived: true, values: false, logsource: true }));
  const groups = nowhereGroups(report, ruleByDisplay, results[2].match, noValues);
  lines.push(
    `## Rules that apply nowhere (${num(report.length)})`,
    '',
    'Grouped by the reason `rulecat generate --json` gives (`matching.unmatched`); a rule whose missing fields are produced by intakes of another log source is counted under log-source evidence.',
    '',
    '| reason | rules |',
    '|---|---:|',
  );
  for (const g of groups) lines.push(`| ${g.title} | ${g.rules.length} |`);
  lines.push('');
  for (const g of groups) {
    lines.push(`### ${g.title} (${g.rules.length})`, '');
    const keys = [...g.by].sort((a, b) => b[1].length - a[1].length || byCodePoint(a[0], b[0]));
    for (const [key, us] of keys) {
      const titles = us.map((u) => u.title);
      const shown = titles.slice(0, 6).join('; ') + (titles.length > 6 ? `; … (${titles.length - 6} more)` : '');
      lines.push(`- ${key ? `\`${key}\`` : '(no detail)'}: ${us.length} — ${shown}`);
    }
    lines.push('');
  }
  const counts = new Map<string, number>();
  for (const u of report) {
    const m = /^no intake .*? produces (.*)$/.exec(u.reason);
    if (m) for (const f of m[1].split(', ')) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  lines.push('Fields most often missing (rules applying nowhere, by the field as the rule writes it):', '');
  lines.push(
    [...counts]
      .sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0]))
      .slice(0, 25)
      .map(([field, n]) => `\`${field}\` (${n})`)
      .join(', ') + '.',
    '',
  );

  // Pairs lost.
  if (before) {
    const lostFile = path.resolve(flag(argv, 'lost', path.join(repo, 'docs', 'accuracy', 'lost-pairs.md')));
    const sharedInputs = readMatchInputs({ ...config, fieldMapping: [sharedMapping] }, []);
    const withShared = matchCatalog(catalog, { mode: 'default', ...sharedInputs });
    const sharedPairs = pairsOf(catalog, withShared, relative);
    const lost = [...before.pairs].filter((k) => !afterPairs.has(k));
    const gained = [...afterPairs].filter((k) => !before.pairs.has(k));
    const notesFile = path.join(path.dirname(lostFile), 'lost-pairs-notes.yaml');
    const notes = new Map<string, LostNote>(
      existsSync(notesFile)
        ? ((parse(readFileSync(notesFile, 'utf8')) as { groups?: (LostNote & { group: string })[] }).groups ?? []).map(
            (g) => [g.group, { verdict: g.verdict, note: g.note }],
          )
        : [],
    );
    const lostText = lostPairs(lost, gained.length, before.pairs.size, afterPairs.size, {
      byFile,
      intakeByUuid,
      sharedPairs,
      labels,
      notes,
      why: (rule, intake) => explainPair(rule, intake, catalog, explainOptions),
      whyShared: (rule, intake) => explainPair(rule, intake, catalog, { mode: 'default', ...sharedInputs }),
      fits: (rule, intake) => logsourceFit(rule.logsource, intake, matchInputs.table).fits,
    });
    writeFileSync(lostFile, lostText);
    lines.push(
      '## Pairs lost since the previous release',
      '',
      `${num(lost.length)} pairs listed by the previous release (with the shared mapping) are not listed now, and ${num(gained.length)} are new; [lost-pairs.md](lost-pairs.md) gives each lost pair with its reason.`,
      '',
    );
  }
  process.stderr.write(`accuracy: computed in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const out = lines.join('\n') + '\n';
  const outFile = argv.indexOf('--out') >= 0 ? flag(argv, 'out', '') : '';
  if (outFile)
    writeFileSync(
      outFile,
      `# Accuracy results\n\nWritten by \`scripts/accuracy.ts\`; see [../accuracy.md](../accuracy.md).\n\n${out}`,
    );
  process.stdout.write(out);
}

interface LostContext {
  byFile: Map<string, Rule>;
  intakeByUuid: Map<string, Intake>;
  /** Pairs this code lists with the shipped mappings plus the shared mapping. */
  sharedPairs: Set<string>;
  labels: readonly Label[];
  /** Why a pair does (not) apply with the shipped mappings. */
  why: (rule: Rule, intake: Intake) => Explanation;
  /** Why it applies with the shared mapping added. */
  whyShared: (rule: Rule, intake: Intake) => Explanation;
  fits: (rule: Rule, intake: Intake) => boolean;
  /** Reviewed verdicts, by group key (docs/accuracy/lost-pairs-notes.yaml). */
  notes: Map<string, LostNote>;
}

/** A reviewed verdict on one group of lost pairs. */
export interface LostNote {
  /** `fp`: false positives removed on purpose; `relevant`: relevant pairs lost; `mixed`: see the text. */
  verdict: 'fp' | 'relevant' | 'mixed';
  note: string;
}

const VERDICT: Record<LostNote['verdict'], string> = {
  fp: 'false positives removed on purpose',
  relevant: 'relevant pairs lost',
  mixed: 'mostly false positives removed, some relevant pairs lost',
};

/** The fields a pair misses with the shipped mappings, as the rule writes them, each with the carrier the shared mapping found. */
function sharedReading(missing: Explanation, shared: Explanation): string {
  const absent = new Set(
    missing.identifiers.flatMap((id) =>
      id.alternatives.flatMap((a) => a.tests.flatMap((t) => t.fields.filter((f) => !f.present).map((f) => f.field))),
    ),
  );
  const read = new Map<string, string>();
  for (const id of shared.identifiers)
    for (const alt of id.alternatives)
      for (const t of alt.tests)
        for (const f of t.fields)
          if (absent.has(f.field) && f.present && !read.has(f.field)) read.set(f.field, f.carriers.join(' | '));
  const parts = [...read].map(([field, carrier]) => `${field} read as ${carrier}`);
  return parts.length > 0
    ? `${parts.join(', ')} (shared mapping, ${shared.reading ?? 'as written'})`
    : '(values or another selection)';
}

/** The lost pairs, grouped by cause, as a markdown page. */
function lostPairs(lost: string[], gained: number, beforeCount: number, afterCount: number, ctx: LostContext): string {
  const label = new Map(ctx.labels.map((l) => [pairKey(l.rule, l.intake), l]));
  interface Lost {
    rule: Rule;
    intake: Intake;
    label?: Label;
    why: string;
  }
  const groups = new Map<string, Map<string, Lost[]>>();
  const add = (cause: string, key: string, p: Lost) => {
    const g = groups.get(cause) ?? new Map<string, Lost[]>();
    groups.set(cause, g);
    g.set(key, [...(g.get(key) ?? []), p]);
  };
  const lsText = (r: Rule) =>
    Object.entries(r.logsource)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  for (const k of lost) {
    const [file, uuid] = k.split('\u0000');
    const rule = ctx.byFile.get(file);
    const intake = ctx.intakeByUuid.get(uuid);
    if (!rule || !intake) continue; // the inputs are the same files: every rule and intake loads in both
    const p: Lost = { rule, intake, label: label.get(k), why: '' };
    const e = ctx.why(rule, intake);
    p.why = whyPair(e);
    if (!ctx.fits(rule, intake))
      add(
        'log-source evidence: the rule’s log source no longer fits the intake',
        `${lsText(rule)} → ${intake.name}`,
        p,
      );
    else if (ctx.sharedPairs.has(k))
      add(
        'mapping: the pair needs a renaming only the shared mapping makes',
        `${lsText(rule)}: ${sharedReading(e, ctx.whyShared(rule, intake))}`,
        p,
      );
    else add('other: values, or the matcher’s reading of the parser', `${lsText(rule)} → ${intake.name}`, p);
  }
  const n = (x: number) => x.toLocaleString('en-US');
  const lines: string[] = [
    '# Pairs lost since the previous release',
    '',
    'Written by `scripts/accuracy.ts --before DIR` (see [../accuracy.md](../accuracy.md#pairs-lost-since-the-previous-release)); the verdicts come from [lost-pairs-notes.yaml](lost-pairs-notes.yaml), written after reviewing each group.',
    '',
    `The previous release (commit cedc3ec, with the shared \`sigma-ecs-mapping.yaml\` given explicitly, as its users ran it) lists ${n(beforeCount)} rule–intake pairs on the full corpus; this code (shipped mappings, no \`--field-mapping\`) lists ${n(afterCount)}: ${n(lost.length)} lost, ${n(gained)} new.`,
    '',
    'Each lost pair is put under the first cause that holds: (1) the rule’s log source no longer fits the intake (log-source evidence); (2) this code lists the pair when the shared mapping is added to the shipped ones: the loss comes from a renaming only the shared mapping makes (the group says which); (3) anything else. Labelled pairs show their label: **FP removed** when labelled not relevant, **relevant lost** when labelled relevant.',
    '',
    '| cause | group | pairs | labelled relevant | labelled not relevant | verdict |',
    '|---|---|---:|---:|---:|---|',
  ];
  const size = (g: Map<string, Lost[]>) => [...g.values()].reduce((m, x) => m + x.length, 0);
  const sorted = [...groups].sort((a, b) => size(b[1]) - size(a[1]) || byCodePoint(a[0], b[0]));
  const byCount = (g: Map<string, Lost[]>) =>
    [...g].sort((a, b) => b[1].length - a[1].length || byCodePoint(a[0], b[0]));
  for (const [cause, g] of sorted)
    for (const [key, ps] of byCount(g)) {
      const note = ctx.notes.get(key);
      lines.push(
        `| ${cause.split(':')[0]} | ${key} | ${ps.length} | ${ps.filter((p) => p.label?.relevant).length} | ${ps.filter((p) => p.label && !p.label.relevant).length} | ${note ? VERDICT[note.verdict] : 'not reviewed'} |`,
      );
    }
  lines.push('');
  for (const [cause, g] of sorted) {
    lines.push(`## ${cause} (${size(g)})`, '');
    for (const [key, ps] of byCount(g)) {
      const note = ctx.notes.get(key);
      lines.push(`### ${key} (${ps.length})`, '');
      lines.push(note ? `**${VERDICT[note.verdict]}.** ${note.note}` : '**Not reviewed.**', '');
      for (const p of ps.sort(
        (a, b) => byCodePoint(a.rule.title, b.rule.title) || byCodePoint(a.intake.name, b.intake.name),
      )) {
        const tag = p.label
          ? p.label.relevant
            ? ` **relevant lost**${p.label.ambiguous ? ' (judgement call)' : ''}`
            : ` **FP removed**${p.label.ambiguous ? ' (judgement call)' : ''}`
          : '';
        lines.push(`- ${p.rule.title} × ${p.intake.name}${tag} — now: ${p.why}`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}

if (import.meta.url === new URL(`file://${path.resolve(process.argv[1] ?? '')}`).href) void main(process.argv.slice(2));

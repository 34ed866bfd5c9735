/**
 * `rulecat gaps --intake UUID|NAME|SLUG [--json] [--limit N]` and `rulecat gaps --all [--json]`.
 */
import { escapeControls, type Place } from '../diagnostics.js';
import type { Gap, GapField } from '../match/gaps.js';
import { describeUnresolved } from '../model/resolve-names.js';
import { configFromOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { reportProblems } from './report-problems.js';

const placeText = (p?: Place) => (p ? ` (${p.file}:${p.line}:${p.col})` : '');

function readingsText(readings: readonly (string | null)[]): string {
  return readings.map((r) => (r === null ? 'as written' : `pipeline ${r}`)).join(', ');
}

/** What to do for one field: add it, copy the raw path the parser already reads, or declare it. */
function action(f: GapField): string {
  switch (f.parser?.kind) {
    case 'reads':
    case 'copies':
      return `copy ${f.parser.raw} → ${f.name}`;
    case 'copies-object':
      return `declare ${f.name}`;
    default:
      return `+${f.name}`;
  }
}

function hintText(f: GapField): string {
  const p = f.parser;
  if (!p) return '';
  switch (p.kind) {
    case 'reads':
      return `; the parser reads ${p.raw}${placeText(p.place)} but copies it nowhere`;
    case 'copies':
      return `; the parser copies ${p.raw} to ${p.field}${placeText(p.place)}: copy it to ${f.name} too, or map ${f.sigma.join(', ')} to ${p.field}`;
    case 'copies-object':
      return `; the parser copies ${p.raw} whole into ${p.field}${placeText(p.place)}: events carrying ${p.raw}${f.name.slice(p.field.length)} have it, declare it in _meta/fields.yml`;
  }
}

/** One line per gap, then one per field: the Sigma fields it stands for, the readings naming it, its other names. */
function formatGaps(gaps: Gap[]): string[] {
  const lines: string[] = [];
  gaps.forEach((g, i) => {
    const plain = g.fixes.every((f) => !f.parser);
    const actions = g.fixes.map(action).join(plain ? ' ' : '; ');
    lines.push(
      `${String(i + 1).padStart(3)}. ${actions}: ${g.rules.length} rule${g.rules.length === 1 ? '' : 's'}, ${g.techniques.length} technique${g.techniques.length === 1 ? '' : 's'} (${g.rules.slice(0, 3).join('; ')}${g.rules.length > 3 ? '; …' : ''})`,
    );
    for (const f of g.fixes) {
      const also = f.alternatives.length > 0 ? `; also named ${f.alternatives.map((a) => a.name).join(', ')}` : '';
      lines.push(`       ${f.name}: Sigma ${f.sigma.join(', ')} (${readingsText(f.readings)})${also}${hintText(f)}`);
    }
  });
  return lines;
}

export async function runGaps(options: OptionValues, io: IO): Promise<number> {
  const all = options.all === true;
  const intakeQuery = options.intake;
  if (!all && typeof intakeQuery !== 'string') throw new UsageError('gaps needs --intake UUID|NAME|SLUG or --all');
  if (all && typeof intakeQuery === 'string') throw new UsageError('gaps takes --intake or --all, not both');
  const limitText = options.limit;
  const limit = typeof limitText === 'string' ? Number(limitText) : all ? 5 : 20;
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`Unexpected --limit ${String(limitText)}, expected a positive integer`);
  const { config, diagnostics: configProblems } = configFromOptions(options, io.cwd);
  const { gapsOfCatalog, gapsOfIntake } = await import('../queries.js');
  if (all) {
    const { report, diagnostics } = await gapsOfCatalog(config, limit);
    if (reportProblems([...configProblems, ...diagnostics], io) || !report) return 2;
    if (options.json) {
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    const lines = ['Intakes by rules within one missing field set:'];
    for (const i of report.intakes) {
      lines.push(
        `${i.name} (${i.uuid}): ${i.applying} rules apply, ${i.withinOneSet} more within one missing field set`,
      );
      lines.push(...formatGaps(i.gaps).map((l) => `  ${l}`));
    }
    lines.push('', 'Fields whose addition would unlock the most rules across intakes:');
    for (const f of report.fields.slice(0, 20))
      lines.push(`  ${f.field}: ${f.rules} rules on ${f.intakes} intake${f.intakes === 1 ? '' : 's'}`);
    io.stdout(escapeControls(lines.join('\n') + '\n', true));
    return 0;
  }
  const result = await gapsOfIntake(config, intakeQuery as string, limit);
  if (reportProblems([...configProblems, ...result.diagnostics], io)) return 2;
  if (result.unresolved) {
    io.stderr(`rulecat gaps: ${describeUnresolved('intake', intakeQuery as string, result.unresolved)}\n`);
    return 2;
  }
  if (options.json) {
    io.stdout(JSON.stringify(result.gaps, null, 2) + '\n');
    return 0;
  }
  const intake = result.intake!;
  io.stdout(
    escapeControls(
      [
        `${intake.name} (${intake.uuid}): ${result.applying} rules apply. Missing fields that would unlock more:`,
        ...formatGaps(result.gaps!),
      ].join('\n') + '\n',
      true,
    ),
  );
  return 0;
}

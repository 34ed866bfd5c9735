/**
 * `rulecat gaps --intake UUID|NAME|SLUG [--json] [--limit N]` and `rulecat gaps --all [--json]`.
 */
import type { Gap } from '../match/gaps.js';
import { describeUnresolved } from '../model/resolve-names.js';
import { configFromOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { reportProblems } from './report-problems.js';

function formatGaps(gaps: Gap[]): string[] {
  return gaps.map(
    (g, i) =>
      `${String(i + 1).padStart(3)}. +${g.fields.join(' +')}: ${g.rules.length} rule${g.rules.length === 1 ? '' : 's'}, ${g.techniques.length} technique${g.techniques.length === 1 ? '' : 's'} (${g.rules.slice(0, 3).join('; ')}${g.rules.length > 3 ? '; …' : ''})`,
  );
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
    io.stdout(lines.join('\n') + '\n');
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
    [
      `${intake.name} (${intake.uuid}): ${result.applying} rules apply. Missing fields that would unlock more:`,
      ...formatGaps(result.gaps!),
    ].join('\n') + '\n',
  );
  return 0;
}

/**
 * `rulecat gaps --intake UUID|NAME|SLUG [--json] [--limit N]` and `rulecat gaps --all [--json]`.
 */
import { catalogGaps, intakeGaps, type Gap } from '../match/gaps.js';
import { matchCatalog } from '../match/match-catalog.js';
import { UsageError, type ParsedArgs } from './args.js';
import type { IO } from './commands.js';
import { loadForCommand } from './input-config.js';
import { describeUnresolved, resolveIntake } from './resolve-names.js';

function formatGaps(gaps: Gap[]): string[] {
  return gaps.map((g, i) => `${String(i + 1).padStart(3)}. +${g.fields.join(' +')}: ${g.rules.length} rule${g.rules.length === 1 ? '' : 's'}, ${g.techniques.length} technique${g.techniques.length === 1 ? '' : 's'} (${g.rules.slice(0, 3).join('; ')}${g.rules.length > 3 ? '; …' : ''})`);
}

export async function runGaps(args: ParsedArgs, io: IO): Promise<number> {
  const all = args.values.all === true;
  const intakeQuery = args.values.intake;
  if (!all && typeof intakeQuery !== 'string') throw new UsageError('gaps needs --intake UUID|NAME|SLUG or --all');
  const limitText = args.values.limit;
  const limit = typeof limitText === 'string' ? Number(limitText) : all ? 5 : 20;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`Unexpected --limit ${String(limitText)}, expected a positive integer`);
  const inputs = await loadForCommand(args, io);
  if (!inputs) return 2;
  const { config, loaded } = inputs;
  const options = { mode: config.match, ...loaded.matchInputs };
  const match = matchCatalog(loaded.catalog, options);
  if (all) {
    const report = catalogGaps(loaded.catalog, match, options, limit);
    if (args.values.json) {
      io.stdout(JSON.stringify(report, null, 2) + '\n');
      return 0;
    }
    const lines = ['Intakes by rules within one missing field set:'];
    for (const i of report.intakes) {
      lines.push(`${i.name} (${i.uuid}): ${i.applying} rules apply, ${i.withinOneSet} more within one missing field set`);
      lines.push(...formatGaps(i.gaps).map((l) => `  ${l}`));
    }
    lines.push('', 'Fields whose addition would unlock the most rules across intakes:');
    for (const f of report.fields.slice(0, 20)) lines.push(`  ${f.field}: ${f.rules} rules on ${f.intakes} intake${f.intakes === 1 ? '' : 's'}`);
    io.stdout(lines.join('\n') + '\n');
    return 0;
  }
  const intake = resolveIntake(intakeQuery as string, loaded.catalog.intakes);
  if (intake.found === undefined) {
    io.stderr(`rulecat gaps: ${describeUnresolved('intake', intakeQuery as string, intake)}\n`);
    return 2;
  }
  const gaps = intakeGaps(intake.found, loaded.catalog, match, options).slice(0, limit);
  if (args.values.json) {
    io.stdout(JSON.stringify(gaps, null, 2) + '\n');
    return 0;
  }
  const applying = match.rulesByIntake.get(intake.found.uuid)?.length ?? 0;
  io.stdout([`${intake.found.name} (${intake.found.uuid}): ${applying} rules apply. Missing fields that would unlock more:`, ...formatGaps(gaps)].join('\n') + '\n');
  return 0;
}

/**
 * `rulecat gaps --intake UUID|NAME|SLUG [--json] [--limit N]` and `rulecat gaps --all [--json]`.
 */
import type { Gap } from '../match/gaps.js';
import { describeUnresolved } from '../model/resolve-names.js';
import { configFromOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { hasErrors } from '../diagnostics.js';
import {
  answerCode,
  envelope,
  EXIT,
  leftOutJson,
  printJson,
  reportAnswerProblems,
  unresolvedJson,
  usageProblem,
} from './envelope.js';
import { startProgress } from './progress.js';

function formatGaps(gaps: Gap[]): string[] {
  return gaps.map(
    (g, i) =>
      `${String(i + 1).padStart(3)}. +${g.fields.join(' +')}: ${g.rules.length} rule${g.rules.length === 1 ? '' : 's'}, ${g.techniques.length} technique${g.techniques.length === 1 ? '' : 's'} (${g.rules.slice(0, 3).join('; ')}${g.rules.length > 3 ? '; …' : ''})`,
  );
}

export async function runGaps(options: OptionValues, io: IO): Promise<number> {
  const all = options.all === true;
  const json = options.json === true;
  const intakeQuery = options.intake;
  if (!all && typeof intakeQuery !== 'string') throw new UsageError('gaps needs --intake UUID|NAME|SLUG or --all');
  if (all && typeof intakeQuery === 'string') throw new UsageError('gaps takes --intake or --all, not both');
  const limitText = options.limit;
  const limit = typeof limitText === 'string' ? Number(limitText) : all ? 5 : 20;
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`Unexpected --limit ${String(limitText)}, expected a positive integer`);
  const { config, diagnostics: configProblems } = configFromOptions(options, io.cwd);
  const progress = startProgress('gaps', options, io);
  const { gapsOfCatalog, gapsOfIntake } = await import('../queries.js');
  const stop = hasErrors(configProblems);
  if (all) {
    const result = stop
      ? { diagnostics: [] }
      : await gapsOfCatalog(config, limit, {
          timings: progress?.timings,
          onIntake: (done, total) => progress?.step(`looking for missing fields: ${done}/${total} intakes`),
        });
    progress?.done();
    const diagnostics = [...configProblems, ...result.diagnostics];
    const report = 'report' in result ? result.report : undefined;
    const leftOut = 'leftOut' in result ? result.leftOut : undefined;
    const exitCode = report ? answerCode(diagnostics) : EXIT.failed;
    if (json)
      printJson(
        io,
        envelope(
          'gaps',
          exitCode,
          { all: true, limit, report: report ?? null, leftOut: leftOutJson(leftOut) },
          diagnostics,
        ),
      );
    reportAnswerProblems('gaps', diagnostics, report ? leftOut : undefined, io);
    if (!report || json) return exitCode;
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
    return exitCode;
  }
  const query = intakeQuery as string;
  const result = stop ? { diagnostics: [] } : await gapsOfIntake(config, query, limit, { timings: progress?.timings });
  progress?.done();
  const diagnostics = [...configProblems, ...result.diagnostics];
  const unresolved = 'unresolved' in result ? result.unresolved : undefined;
  const leftOut = 'leftOut' in result ? result.leftOut : undefined;
  const intake = 'intake' in result ? result.intake : undefined;
  const gaps = 'gaps' in result ? result.gaps : undefined;
  const answered = intake !== undefined && gaps !== undefined;
  const note = unresolved && describeUnresolved('intake', query, unresolved);
  const exitCode = answered ? answerCode(diagnostics) : EXIT.failed;
  if (json)
    printJson(
      io,
      envelope(
        'gaps',
        exitCode,
        {
          all: false,
          limit,
          query: { intake: query },
          intake: answered ? { uuid: intake.uuid, name: intake.name } : null,
          applying: answered ? (result as { applying: number }).applying : null,
          gaps: gaps ?? null,
          unresolved: unresolved && { intake: unresolvedJson(query, unresolved) },
          leftOut: leftOutJson(leftOut),
        },
        note ? [...diagnostics, usageProblem(note, 'unresolved-name')] : diagnostics,
      ),
    );
  reportAnswerProblems('gaps', diagnostics, answered ? leftOut : undefined, io);
  if (note) io.stderr(`rulecat gaps: ${note}\n`);
  if (!answered || json) return exitCode;
  io.stdout(
    [
      `${intake.name} (${intake.uuid}): ${(result as { applying: number }).applying} rules apply. Missing fields that would unlock more:`,
      ...formatGaps(gaps),
    ].join('\n') + '\n',
  );
  return exitCode;
}

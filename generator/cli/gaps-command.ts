/**
 * `rulecat gaps --intake UUID|NAME|SLUG [--json] [--limit N]` and `rulecat gaps --all [--json]`.
 */
import { escapeControls, type Place } from '../diagnostics.js';
import type { Gap, GapField } from '../match/gaps.js';
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
    io.stdout(escapeControls(lines.join('\n') + '\n', true));
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
    escapeControls(
      [
        `${intake.name} (${intake.uuid}): ${(result as { applying: number }).applying} rules apply. Missing fields that would unlock more:`,
        ...formatGaps(gaps),
      ].join('\n') + '\n',
      true,
    ),
  );
  return exitCode;
}

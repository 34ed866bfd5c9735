/**
 * `rulecat explain --rule ID|TITLE --intake UUID|NAME|SLUG [--json]`.
 */
import { escapeControls } from '../diagnostics.js';
import type { Place } from '../diagnostics.js';
import type { Explanation, Producer } from '../match/explain.js';
import type { DerivedName } from '../match/intake-index.js';
import { describeUnresolved } from '../model/resolve-names.js';
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
import { configFromOptions, type OptionValues } from './input-options.js';
import type { IO } from './io.js';
import { startProgress } from './progress.js';

const mark = (ok: boolean) => (ok ? 'yes' : 'no ');

const at = (p: Place) => `${p.file}:${p.line}:${p.col}`;

/** Copies shown per produced field; the rest is counted. */
const COPIES_SHOWN = 3;

/** Where a produced field comes from: the parser line writing it, the fields.yml entry, the test event; what it copies. */
export function formatProducer(p: Producer): string {
  const where = p.place ? ` at ${at(p.place)}` : '';
  const origin =
    p.origin === 'parser'
      ? `written by the parser${where}`
      : p.origin === 'fields.yml'
        ? `declared in fields.yml${where}`
        : p.origin === 'tests'
          ? `shown by a test event${where}`
          : 'a platform field';
  const shown = p.copies
    .slice(0, COPIES_SHOWN)
    .map((c) => `${c.raw}${c.place ? ` (${at(c.place)})` : ''}`)
    .join(', ');
  const more = p.copies.length > COPIES_SHOWN ? `, and ${p.copies.length - COPIES_SHOWN} more` : '';
  return `${p.field}: ${origin}${shown ? `, copying ${shown}${more}` : ''}`;
}

function how(d: DerivedName, field: string): string {
  if (d.how === 'value') return `the value of ${field}`;
  return d.how === 'eventdata' ? 'Windows event data copied whole' : d.how;
}

export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`${e.rule.title} (${e.rule.id}, ${e.rule.file})`);
  lines.push(
    `on ${e.intake.name} (${e.intake.uuid}): ${e.applies ? 'APPLIES' : 'does not apply'}${e.explicit ? " (listed in the rule's intakes)" : ''}`,
  );
  lines.push('', `log source ${JSON.stringify(e.rule.logsource)}: ${e.logsource.fits ? 'fits' : 'does not fit'}`);
  for (const ev of e.logsource.evidence) lines.push(`  ${ev}`);
  if (e.readings.length > 1 || e.reading !== null) {
    lines.push(
      '',
      `field names read ${e.reading === null ? 'as written' : `with pipeline ${e.reading}`}` +
        (e.readings.length > 1
          ? ` (readings: ${e.readings.map((r) => `${r.pipeline ?? 'as written'} ${r.applies ? 'applies' : 'no'}`).join(', ')})`
          : ''),
    );
  }
  for (const id of e.identifiers) {
    lines.push(
      '',
      `${id.name}: ${id.canMatch ? 'can match' : 'cannot match'}${id.kind === 'keywords' ? ' (keywords: search the whole event)' : ''}`,
    );
    id.alternatives.forEach((alt, i) => {
      if (id.alternatives.length > 1)
        lines.push(`  alternative ${i + 1}: ${alt.canMatch ? 'can match' : 'cannot match'}`);
      for (const t of alt.tests) {
        if (t.fields.length === 0) lines.push(`    yes ${t.test}: needs no field`);
        for (const f of t.fields) {
          const where = f.present ? `present as ${f.carriers.join(', ')}` : 'MISSING';
          const derived =
            f.derived.length > 0
              ? ` [from the parser: ${f.derived.map((d) => `${d.raw} → ${d.target} (${how(d, f.field)})`).join('; ')}]`
              : '';
          const renamed = f.names.length === 1 && f.names[0] === f.field ? '' : ` → ${f.names.join(' | ')} (${f.via})`;
          const label = f.field === t.test.split('|')[0] ? t.test : `${t.test} references ${f.field}`;
          lines.push(`    ${mark(f.present)} ${label}${renamed}: ${where}${derived}`);
          for (const p of f.producers) lines.push(`          ${formatProducer(p)}`);
        }
        for (const c of t.contradicts)
          lines.push(
            `    no  ${t.test}: values ${JSON.stringify(t.values)} contradict ${c.field} = ${JSON.stringify(c.constants)}`,
          );
      }
    });
  }
  if (e.condition)
    lines.push('', `condition: ${e.condition.text} → ${e.condition.canBeTrue ? 'can be true' : 'cannot be true'}`);
  if (e.correlated)
    lines.push(
      '',
      `correlates: ${e.correlated.map((c) => `${c.title} (${c.applies ? 'applies' : 'does not apply'})`).join(', ')}`,
    );
  if (!e.applies) {
    lines.push(
      '',
      e.missingSets.length > 0
        ? `would apply with: ${e.missingSets.map((s) => s.join(' + ')).join('  or  ')}`
        : 'no field would make it apply (log source or values)',
    );
  }
  return lines.join('\n') + '\n';
}

export async function runExplain(options: OptionValues, io: IO): Promise<number> {
  const json = options.json === true;
  const ruleQuery = String(options.rule);
  const intakeQuery = String(options.intake);
  const { config, diagnostics: configProblems } = configFromOptions(options, io.cwd);
  const progress = startProgress('explain', options, io);
  const { explain } = await import('../queries.js');
  const result = hasErrors(configProblems)
    ? { diagnostics: [] }
    : await explain(config, ruleQuery, intakeQuery, { timings: progress?.timings });
  progress?.done();
  const diagnostics = [...configProblems, ...result.diagnostics];
  const unresolved = 'unresolved' in result ? result.unresolved : undefined;
  const explanation = 'explanation' in result ? result.explanation : undefined;
  const leftOut = 'leftOut' in result ? result.leftOut : undefined;
  const notes = [
    ...(unresolved?.rule ? [describeUnresolved('rule', ruleQuery, unresolved.rule)] : []),
    ...(unresolved?.intake ? [describeUnresolved('intake', intakeQuery, unresolved.intake)] : []),
  ];
  const exitCode = explanation ? answerCode(diagnostics) : EXIT.failed;
  if (json) {
    printJson(
      io,
      envelope(
        'explain',
        exitCode,
        {
          query: { rule: ruleQuery, intake: intakeQuery },
          explanation: explanation ?? null,
          unresolved: unresolved && {
            rule: unresolved.rule && unresolvedJson(ruleQuery, unresolved.rule),
            intake: unresolved.intake && unresolvedJson(intakeQuery, unresolved.intake),
          },
          leftOut: leftOutJson(leftOut),
        },
        [...diagnostics, ...notes.map((n) => usageProblem(n, 'unresolved-name'))],
      ),
    );
  }
  reportAnswerProblems('explain', diagnostics, explanation ? leftOut : undefined, io);
  for (const note of notes) io.stderr(`rulecat explain: ${note}\n`);
  if (!explanation || json) return exitCode;
  io.stdout(escapeControls(formatExplanation(explanation), true));
  return exitCode;
}

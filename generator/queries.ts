/**
 * Questions about one rule or one intake, answered from the pipeline's
 * state: why a rule applies (or not) to an intake, and which missing fields
 * would make more rules apply.
 *
 * Broken rule files and intake folders elsewhere do not stop an answer: they
 * are left out (`leftOut`), and the answer is exactly the one the inputs
 * would give without them. There is no answer (only `diagnostics`) when the
 * rule or intake asked about is itself broken, or when an error concerns
 * every answer (configuration, field mapping, tables, templates).
 */
import type { Config } from './config.js';
import { error, hasErrors, wholeFile, type Diagnostic } from './diagnostics.js';
import type { LeftOut } from './isolate.js';
import { explainPair, type Explanation } from './match/explain.js';
import { catalogGaps, intakeGaps, type CatalogGaps, type Gap } from './match/gaps.js';
import type { Intake } from './model/intake.js';
import { resolveIntake, resolveRule, type Unresolved } from './model/resolve-names.js';
import type { Rule } from './model/rule.js';
import { matchOptions, runPipeline, type PipelineState } from './pipeline.js';
import type { Timings } from './timing.js';

/** What every answer carries beside its content. */
export interface Answered {
  /** Every problem of the inputs read (errors of left-out inputs included), sorted. */
  diagnostics: Diagnostic[];
  /** Inputs left out of the answer because they have errors (absent when none was). */
  leftOut?: LeftOut;
  /** Set when the rule or intake asked about has errors itself: there is no answer. */
  broken?: { rule?: Rule; intake?: Intake };
}

export interface ExplainResult extends Answered {
  explanation?: Explanation;
  /** Set when the rule or the intake asked about is not found (or ambiguous). */
  unresolved?: { rule?: Unresolved; intake?: Unresolved };
}

export interface QueryOptions {
  timings?: Timings;
}

/** Errors that stop every answer: not about one rule file or intake folder left out. */
function blocking(state: PipelineState): boolean {
  return hasErrors(state.diagnostics) && !state.leftOut;
}

/** A note saying that the item asked about is broken (listed with the errors). */
function brokenNote(kind: 'rule' | 'intake', query: string, file: string): Diagnostic {
  return error(
    wholeFile(file),
    `broken-${kind}`,
    `The ${kind} asked about ("${query}") has errors, expected them fixed before it can be answered about`,
  );
}

/** Why the rule `ruleQuery` (id or title) applies, or not, to the intake `intakeQuery` (uuid, name or slug). */
export async function explain(
  config: Config,
  ruleQuery: string,
  intakeQuery: string,
  options: QueryOptions = {},
): Promise<ExplainResult> {
  const state = await runPipeline(config, { noMatch: true, isolate: true, timings: options.timings });
  const { diagnostics, leftOut } = state;
  if (blocking(state)) return { diagnostics };
  // Names are resolved among every rule and intake read, broken ones included: asking about a broken one is not answered.
  const rule = resolveRule(ruleQuery, [...state.catalog.rules, ...(leftOut?.rules ?? [])]);
  const intake = resolveIntake(intakeQuery, [...state.catalog.intakes, ...(leftOut?.intakes ?? [])]);
  if (rule.found === undefined || intake.found === undefined) {
    return {
      unresolved: {
        rule: rule.found === undefined ? rule : undefined,
        intake: intake.found === undefined ? intake : undefined,
      },
      diagnostics,
      leftOut,
    };
  }
  const brokenRule = leftOut?.rules.includes(rule.found) ? rule.found : undefined;
  const brokenIntake = leftOut?.intakes.includes(intake.found) ? intake.found : undefined;
  if (brokenRule || brokenIntake) {
    return {
      broken: { rule: brokenRule, intake: brokenIntake },
      diagnostics: [
        ...diagnostics,
        ...(brokenRule ? [brokenNote('rule', ruleQuery, brokenRule.file)] : []),
        ...(brokenIntake ? [brokenNote('intake', intakeQuery, brokenIntake.folder)] : []),
      ],
      leftOut,
    };
  }
  return {
    explanation: explainPair(rule.found, intake.found, state.catalog, matchOptions(config, state.matchInputs)),
    diagnostics,
    leftOut,
  };
}

export interface IntakeGapsResult extends Answered {
  intake?: Intake;
  /** Rules applying to the intake now. */
  applying?: number;
  gaps?: Gap[];
  unresolved?: Unresolved;
}

/** The missing field sets that would make the most rules apply to one intake (at most `limit`). */
export async function gapsOfIntake(
  config: Config,
  intakeQuery: string,
  limit = 20,
  options: QueryOptions = {},
): Promise<IntakeGapsResult> {
  const state = await runPipeline(config, { isolate: true, timings: options.timings });
  const { diagnostics, match, leftOut } = state;
  if (blocking(state) || !match) return { diagnostics };
  const intake = resolveIntake(intakeQuery, [...state.catalog.intakes, ...(leftOut?.intakes ?? [])]);
  if (intake.found === undefined) return { unresolved: intake, diagnostics, leftOut };
  if (leftOut?.intakes.includes(intake.found))
    return {
      broken: { intake: intake.found },
      diagnostics: [...diagnostics, brokenNote('intake', intakeQuery, intake.found.folder)],
      leftOut,
    };
  const gaps = intakeGaps(intake.found, state.catalog, match, matchOptions(config, state.matchInputs)).slice(0, limit);
  return {
    intake: intake.found,
    applying: match.rulesByIntake.get(intake.found.uuid)?.length ?? 0,
    gaps,
    diagnostics,
    leftOut,
  };
}

export interface CatalogGapsResult extends Answered {
  report?: CatalogGaps;
}

/** Gaps of every intake (at most `limit` each), and the fields that would help most across intakes. */
export async function gapsOfCatalog(
  config: Config,
  limit = 5,
  options: QueryOptions & { onIntake?: (done: number, total: number) => void } = {},
): Promise<CatalogGapsResult> {
  const state = await runPipeline(config, { isolate: true, timings: options.timings });
  const { diagnostics, match, leftOut } = state;
  if (blocking(state) || !match) return { diagnostics };
  return {
    report: catalogGaps(state.catalog, match, matchOptions(config, state.matchInputs), limit, options.onIntake),
    diagnostics,
    leftOut,
  };
}

/**
 * Questions about one rule or one intake, answered from the pipeline's
 * state: why a rule applies (or not) to an intake, and which missing fields
 * would make more rules apply.
 */
import type { Config } from './config.js';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { explainPair, type Explanation } from './match/explain.js';
import { catalogGaps, intakeGaps, type CatalogGaps, type Gap } from './match/gaps.js';
import type { Intake } from './model/intake.js';
import { resolveIntake, resolveRule, type Unresolved } from './model/resolve-names.js';
import { matchOptions, runPipeline } from './pipeline.js';

export interface ExplainResult {
  explanation?: Explanation;
  /** Set when the rule or the intake asked about is not found (or ambiguous). */
  unresolved?: { rule?: Unresolved; intake?: Unresolved };
  diagnostics: Diagnostic[];
}

/** Why the rule `ruleQuery` (id or title) applies, or not, to the intake `intakeQuery` (uuid, name or slug). */
export async function explain(config: Config, ruleQuery: string, intakeQuery: string): Promise<ExplainResult> {
  const state = await runPipeline(config, { noMatch: true });
  const { diagnostics } = state;
  if (hasErrors(diagnostics)) return { diagnostics };
  const rule = resolveRule(ruleQuery, state.catalog.rules);
  const intake = resolveIntake(intakeQuery, state.catalog.intakes);
  if (rule.found === undefined || intake.found === undefined) {
    return {
      unresolved: {
        rule: rule.found === undefined ? rule : undefined,
        intake: intake.found === undefined ? intake : undefined,
      },
      diagnostics,
    };
  }
  return {
    explanation: explainPair(rule.found, intake.found, state.catalog, matchOptions(config, state.matchInputs)),
    diagnostics,
  };
}

export interface IntakeGapsResult {
  intake?: Intake;
  /** Rules applying to the intake now. */
  applying?: number;
  gaps?: Gap[];
  unresolved?: Unresolved;
  diagnostics: Diagnostic[];
}

/** The missing field sets that would make the most rules apply to one intake (at most `limit`). */
export async function gapsOfIntake(config: Config, intakeQuery: string, limit = 20): Promise<IntakeGapsResult> {
  const state = await runPipeline(config);
  const { diagnostics, match } = state;
  if (!match) return { diagnostics };
  const intake = resolveIntake(intakeQuery, state.catalog.intakes);
  if (intake.found === undefined) return { unresolved: intake, diagnostics };
  const gaps = intakeGaps(intake.found, state.catalog, match, matchOptions(config, state.matchInputs)).slice(0, limit);
  return { intake: intake.found, applying: match.rulesByIntake.get(intake.found.uuid)?.length ?? 0, gaps, diagnostics };
}

/** Gaps of every intake (at most `limit` each), and the fields that would help most across intakes. */
export async function gapsOfCatalog(
  config: Config,
  limit = 5,
): Promise<{ report?: CatalogGaps; diagnostics: Diagnostic[] }> {
  const state = await runPipeline(config);
  if (!state.match) return { diagnostics: state.diagnostics };
  return {
    report: catalogGaps(state.catalog, state.match, matchOptions(config, state.matchInputs), limit),
    diagnostics: state.diagnostics,
  };
}

/**
 * Plan fixtures: each folder of test/fixtures/plan is a small catalog
 * (`input/`) and the plan it gives (`expected/plan.json`: every planned
 * output path with its template and the context the template sees), with
 * its problems in `diagnostics.txt`. `UPDATE=1` rewrites the expected files.
 *
 * In plan.json a context that repeats part of an earlier file's context is
 * written `{"...": "<earlier path>", <the keys that differ>}`: it is that
 * file's context with those keys added or replaced.
 */
import path from 'node:path';
import { describe, it } from 'vitest';
import { buildOutputs } from '../generator/build.js';
import { runPipeline } from '../generator/pipeline.js';
import { planOutputs, type PlannedFile } from '../generator/plan/plan-outputs.js';
import { caseConfig, caseNames, checkCase, diagnosticsText, FIXTURES, portable } from './fixture-cases.js';

const json = (v: unknown) => JSON.stringify(v);

/** Planned files as JSON, contexts written once (see above). */
function planJson(planned: readonly PlannedFile[]): string {
  const earlier: { path: string; context: Record<string, unknown> }[] = [];
  const out = planned.map((file) => {
    const context = JSON.parse(json(file.context)) as Record<string, unknown>;
    let base: { path: string; context: Record<string, unknown> } | undefined;
    for (const e of earlier) {
      const keys = Object.keys(e.context);
      if (keys.length === 0 || (base && keys.length <= Object.keys(base.context).length)) continue;
      if (keys.every((k) => k in context && json(context[k]) === json(e.context[k]))) base = e;
    }
    earlier.push({ path: file.path, context });
    let written: Record<string, unknown> = context;
    if (base) {
      written = { '...': base.path };
      for (const [k, v] of Object.entries(context))
        if (!(k in base.context) || json(v) !== json(base.context[k])) written[k] = v;
    }
    return { path: file.path, template: file.template.name, each: file.template.each, context: written };
  });
  return portable(JSON.stringify(out, null, 2)) + '\n';
}

describe('plan fixtures', () => {
  for (const name of caseNames('plan')) {
    it(name, async () => {
      const caseDir = path.join(FIXTURES, 'plan', name);
      const { config, diagnostics: configProblems } = caseConfig(path.join(caseDir, 'input'));
      const state = await runPipeline(config);
      const result = await buildOutputs(state);
      // The plan buildOutputs rendered from (its problems are in result.diagnostics).
      const planned = result.views ? planOutputs(state.templates.templates, result.views, []) : [];
      checkCase(
        caseDir,
        { 'plan.json': planJson(planned) },
        diagnosticsText([...configProblems, ...result.diagnostics]),
      );
    });
  }
});

/**
 * Render fixtures: each folder of test/fixtures/render is an input and the
 * files it renders (`expected/`, byte for byte), with its problems in
 * `diagnostics.txt`. The input is a small catalog (`input/rules`,
 * `input/intakes`, optional `input/rulecat.config.yaml`) built as `generate`
 * builds it, or `input/views.json`: the views templates see, rendered with
 * the shipped templates (or `input/templates/`) without reading or matching
 * anything. `UPDATE=1` rewrites the expected files.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { build } from '../generator/build.js';
import { DEFAULT_CONFIG } from '../generator/config.js';
import { sortDiagnostics, type Diagnostic } from '../generator/diagnostics.js';
import { loadTemplates } from '../generator/load/read-templates.js';
import { planOutputs } from '../generator/plan/plan-outputs.js';
import type { Views } from '../generator/plan/views.js';
import { prepareMarkdown } from '../generator/render/markdown.js';
import { renderFiles, type RenderedFile } from '../generator/render/render.js';
import { caseConfig, caseNames, checkCase, diagnosticsText, FIXTURES } from './fixture-cases.js';

/** Render views alone: plan and render with the given templates, as buildOutputs does after matching. */
async function renderViews(input: string): Promise<{ files: RenderedFile[]; diagnostics: Diagnostic[] }> {
  const views = JSON.parse(readFileSync(path.join(input, 'views.json'), 'utf8')) as Views;
  const own = path.join(input, 'templates');
  const { templates, partials, diagnostics } = loadTemplates(existsSync(own) ? own : DEFAULT_CONFIG.templates, input);
  await prepareMarkdown(['<']); // load the markdown parser whatever the texts
  const planned = planOutputs(templates, views, diagnostics);
  const files = renderFiles(planned, partials, diagnostics);
  return { files, diagnostics: sortDiagnostics(diagnostics) };
}

async function renderCatalog(input: string): Promise<{ files: RenderedFile[]; diagnostics: Diagnostic[] }> {
  const { config, diagnostics } = caseConfig(input);
  const result = await build(config);
  return { files: result.files, diagnostics: [...diagnostics, ...result.diagnostics] };
}

describe('render fixtures', () => {
  for (const name of caseNames('render')) {
    it(name, async () => {
      const caseDir = path.join(FIXTURES, 'render', name);
      const input = path.join(caseDir, 'input');
      const { files, diagnostics } = existsSync(path.join(input, 'views.json'))
        ? await renderViews(input)
        : await renderCatalog(input);
      checkCase(caseDir, Object.fromEntries(files.map((f) => [f.path, f.content])), diagnosticsText(diagnostics));
    });
  }
});

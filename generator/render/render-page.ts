/**
 * One intake's page rendered exactly as `generate` writes it (preview, serve).
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { OutputTemplate } from '../load/read-templates.js';
import type { Rule } from '../model/rule.js';
import type { IntakeView } from '../plan/intake-view.js';
import { pageTemplate } from '../plan/page-view.js';
import { planOutputs } from '../plan/plan-outputs.js';
import { prepareMarkdown } from './markdown.js';
import { renderFiles } from './render.js';

export interface RenderedPage {
  /** The page's text; absent when the template writes nothing for this intake or rendering failed. */
  markdown?: string;
  /** Output path the page has in `generate`'s output folder. */
  path?: string;
  diagnostics: Diagnostic[];
}

/** Every text rendered through the markdown helpers (they need the parser when one contains `<`). */
export function markdownTexts(rules: readonly Rule[], notice = ''): string[] {
  return rules.flatMap((r) => [r.description, r.author ?? '', ...r.changelog.map((c) => c.description)]).concat(notice);
}

/** Render the page of one intake view. `rules` are the rules on the page (their texts decide whether markdown must be parsed). */
export async function renderPage(
  view: IntakeView,
  rules: readonly Rule[],
  templates: { templates: readonly OutputTemplate[]; partials: ReadonlyMap<string, string>; dir: string },
  notice = '',
): Promise<RenderedPage> {
  const diagnostics: Diagnostic[] = [];
  const template = pageTemplate(templates.templates);
  if (!template) {
    diagnostics.push(
      error(
        wholeFile(templates.dir),
        'no-page-template',
        'No intake page template, expected an "each: intake" template whose output ends in .md',
      ),
    );
    return { diagnostics };
  }
  const planned = planOutputs([template], { intakes: [view], rules: [] }, diagnostics);
  if (planned.length === 0) return { diagnostics };
  await prepareMarkdown(markdownTexts(rules, notice));
  const [file] = renderFiles(planned, templates.partials, diagnostics);
  return { markdown: file?.content, path: planned[0].path, diagnostics };
}

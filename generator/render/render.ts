/**
 * Render planned files through Handlebars (strict: a missing value is an
 * error, never an empty string; no HTML escaping, helpers escape instead).
 */
import Handlebars from 'handlebars';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { PlannedFile } from '../plan/plan-outputs.js';
import type { OutputTemplate } from '../plan/templates.js';
import { helpers } from './helpers.js';

export interface RenderedFile {
  path: string;
  content: string;
  template: string;
}

export function createRenderer(partials: ReadonlyMap<string, string>): (file: PlannedFile) => string {
  const hb = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  for (const [name, body] of partials) hb.registerPartial(name, body);
  const compiled = new Map<OutputTemplate, HandlebarsTemplateDelegate>();
  return (file) => {
    let fn = compiled.get(file.template);
    if (!fn) {
      fn = hb.compile(file.template.body, { strict: true, noEscape: true });
      compiled.set(file.template, fn);
    }
    const out = fn(file.context);
    return file.template.finalNewline ? out : out.replace(/\n$/, '');
  };
}

export function renderFiles(planned: readonly PlannedFile[], partials: ReadonlyMap<string, string>, diagnostics: Diagnostic[]): RenderedFile[] {
  const render = createRenderer(partials);
  const out: RenderedFile[] = [];
  for (const file of planned) {
    try {
      out.push({ path: file.path, content: render(file), template: file.template.name });
    } catch (e) {
      diagnostics.push(error(wholeFile(file.template.file), 'template-error', `Rendering "${file.path}" failed: ${(e as Error).message.split('\n')[0]}`));
    }
  }
  return out;
}

/**
 * Render planned files through Handlebars (strict: a missing value is an
 * error, never an empty string; no HTML escaping, helpers escape instead).
 */
import Handlebars from 'handlebars';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { PlannedFile } from '../plan/plan-outputs.js';
import type { OutputTemplate } from '../load/read-templates.js';
import { sha256 } from '../hash.js';
import { helpers } from './helpers.js';

export interface RenderedFile {
  path: string;
  /** The bytes of the file (with `keepContent: false`, rendered again on each read). */
  readonly content: string;
  template: string;
  /** sha256 of the content, when known without reading it. */
  hash?: string;
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

/**
 * Render every planned file once; template errors become diagnostics.
 * Contents are kept up to `keepBytes` characters in all; past that, only each
 * file's hash is kept and its content is rendered again when read (rendering
 * is deterministic), so that memory does not grow with the size of the output.
 */
export function renderFiles(
  planned: readonly PlannedFile[],
  partials: ReadonlyMap<string, string>,
  diagnostics: Diagnostic[],
  keepBytes = Infinity,
): RenderedFile[] {
  const render = createRenderer(partials);
  const out: RenderedFile[] = [];
  let kept = 0;
  for (const file of planned) {
    let content: string;
    try {
      content = render(file);
    } catch (e) {
      diagnostics.push(
        error(
          wholeFile(file.template.file),
          'template-error',
          `Rendering "${file.path}" failed: ${(e as Error).message.split('\n')[0]}`,
        ),
      );
      continue;
    }
    kept += content.length;
    if (kept <= keepBytes) out.push({ path: file.path, content, template: file.template.name });
    else {
      out.push({
        path: file.path,
        template: file.template.name,
        hash: sha256(content),
        get content() {
          return render(file);
        },
      });
    }
  }
  return out;
}

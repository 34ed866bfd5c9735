/**
 * Render planned files through Handlebars (strict: a missing value is an
 * error, never an empty string; no HTML escaping, helpers escape instead).
 */
import Handlebars from 'handlebars';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import type { PlannedFile } from '../plan/plan-outputs.js';
import type { OutputTemplate } from '../load/read-templates.js';
import { sha256 } from '../hash.js';
import { markBlocks, memoEach, type MemoBlocks } from './block-memo.js';
import { helpers } from './helpers.js';

export interface RenderedFile {
  path: string;
  /** The bytes of the file (with `keepContent: false`, rendered again on each read). */
  readonly content: string;
  template: string;
  /** sha256 of the content, when known without reading it. */
  hash?: string;
}

/** A template's syntax tree with its remembered blocks marked, or undefined when it does not parse (the error shows when rendered). */
function parsed(hb: typeof Handlebars, source: string): hbs.AST.Program | undefined {
  try {
    return hb.parseWithoutProcessing(source);
  } catch {
    return undefined;
  }
}

/**
 * A function rendering planned files. Iterations of `{{#each}}` blocks whose
 * text depends only on their item are rendered once per item and renderer
 * (block-memo.ts): keep one renderer for a run's files.
 */
export function createRenderer(partials: ReadonlyMap<string, string>): (file: PlannedFile) => string {
  const hb = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  const blocks: MemoBlocks = [];
  const partialTrees = new Map([...partials].map(([name, body]) => [name, parsed(hb, body)]));
  const options = { strict: true, noEscape: true };
  for (const [name, body] of partials) {
    // Compiled here with the templates' options (Handlebars compiles string partials with them on first use).
    const tree = partialTrees.get(name);
    hb.registerPartial(name, tree ? hb.compile(markBlocks(tree, partialTrees, blocks), options) : body);
  }
  hb.registerHelper(
    'each',
    memoEach(hb.helpers.each, blocks, (data) => hb.createFrame(data) as Record<string, unknown>),
  );
  const compiled = new Map<OutputTemplate, HandlebarsTemplateDelegate>();
  return (file) => {
    let fn = compiled.get(file.template);
    if (!fn) {
      const tree = parsed(hb, file.template.body);
      fn = hb.compile(tree ? markBlocks(tree, partialTrees, blocks) : file.template.body, options);
      compiled.set(file.template, fn);
    }
    const out = fn(file.context);
    return file.template.finalNewline ? out : out.replace(/\n$/, '');
  };
}

/** The problem of a planned file whose template failed. */
export function renderError(file: PlannedFile, e: unknown): Diagnostic {
  return error(
    wholeFile(file.template.file),
    'template-error',
    `Rendering "${file.path}" failed: ${(e as Error).message.split('\n')[0]}`,
  );
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
      diagnostics.push(renderError(file, e));
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

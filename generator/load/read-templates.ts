/**
 * Output templates: a Handlebars body with front matter saying what the
 * template iterates over and where each output goes.
 *
 *   ---
 *   each: intake            # intake | catalog | outputs (once, after the others, seeing what they write)
 *   when: rules.length      # optional: render only when this path is truthy
 *   output: attack_{{intake.uuid}}_do_not_edit_manually.json
 *   final-newline: false    # optional: drop the body's last newline
 *   ---
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { readText } from './read-text.js';
import { displayPath } from './walk-files.js';

export const COLLECTIONS = ['intake', 'catalog', 'outputs'] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface OutputTemplate {
  /** File name of the template (unique within the folder). */
  name: string;
  file: string;
  each: Collection;
  when?: string;
  output: string;
  finalNewline: boolean;
  body: string;
}

const TEMPLATE_FILE = /\.hbs$/;

function parseTemplate(
  file: string,
  name: string,
  text: string,
  diagnostics: Diagnostic[],
): OutputTemplate | undefined {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text, {});
  } catch (e) {
    diagnostics.push(
      error(wholeFile(file), 'template-front-matter', `Invalid front matter: ${(e as Error).message.split('\n')[0]}`),
    );
    return undefined;
  }
  const data = parsed.data as Record<string, unknown>;
  const each = data.each;
  if (typeof each !== 'string' || !(COLLECTIONS as readonly string[]).includes(each)) {
    diagnostics.push(
      error(
        { file, line: 1, col: 1 },
        'template-each',
        `Unexpected "each: ${String(each)}", expected one of: ${COLLECTIONS.join(', ')}`,
      ),
    );
    return undefined;
  }
  if (typeof data.output !== 'string' || data.output.trim() === '') {
    diagnostics.push(
      error(
        { file, line: 1, col: 1 },
        'template-output',
        'Missing "output" in front matter, expected an output path (may use {{...}})',
      ),
    );
    return undefined;
  }
  if (data.when !== undefined && typeof data.when !== 'string') {
    diagnostics.push(
      error({ file, line: 1, col: 1 }, 'template-when', 'Unexpected "when", expected a path such as rules.length'),
    );
    return undefined;
  }
  return {
    name,
    file,
    each: each as Collection,
    when: data.when as string | undefined,
    output: data.output,
    finalNewline: data['final-newline'] !== false,
    body: parsed.content,
  };
}

/** Every `*.hbs` template of a folder, sorted by name. Partials (`_*.hbs`) are not outputs. */
export function loadTemplates(
  folder: string,
  cwd = process.cwd(),
): { templates: OutputTemplate[]; partials: Map<string, string>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const templates: OutputTemplate[] = [];
  const partials = new Map<string, string>();
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((n) => TEMPLATE_FILE.test(n))
      .sort();
  } catch {
    return {
      templates,
      partials,
      diagnostics: [error(wholeFile(folder), 'templates-missing', 'Templates folder does not exist')],
    };
  }
  for (const name of names) {
    const absolute = path.join(folder, name);
    const file = displayPath(absolute, cwd);
    const { text, diagnostics: problems } = readText(absolute, file, { kind: 'template' });
    diagnostics.push(...problems);
    if (text === undefined) continue;
    if (name.startsWith('_')) {
      partials.set(name.replace(TEMPLATE_FILE, '').slice(1), text);
      continue;
    }
    const template = parseTemplate(file, name, text, diagnostics);
    if (template) templates.push(template);
  }
  return { templates, partials, diagnostics };
}

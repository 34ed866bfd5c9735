/**
 * The file-system side of the audit: include lines of every markdown page
 * under the docs folder, and the generated intake pages of a folder.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { readText } from '../load/read-text.js';
import { walkFiles } from '../load/walk-files.js';
import type { GeneratedPage } from './audit-includes.js';
import { findIncludes, PAGE_NAME, type IncludeLine } from './find-includes.js';

/** Where the model site keeps generated pages, relative to the docs root. */
export const GENERATED_FOLDER = '_shared_content/operations_center/detection/generated';

export function readIncludes(docs: string, cwd: string): { includes: IncludeLine[]; diagnostics: Diagnostic[] } {
  const { files, diagnostics } = walkFiles(docs, (name) => /\.md$/i.test(name), cwd);
  const includes: IncludeLine[] = [];
  for (const file of files) {
    const { text, diagnostics: problems } = readText(file.absolute, file.display);
    diagnostics.push(...problems);
    if (text !== undefined) includes.push(...findIncludes(file.display, text));
  }
  return { includes, diagnostics };
}

const countRules = (text: string) => (text.match(/^\?\?\? abstract /gm) ?? []).length;

/** Generated intake pages of `folder` (none when it does not exist), by name. */
export function readGeneratedPages(folder: string): GeneratedPage[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => PAGE_NAME.test(name))
    .sort()
    .map((name) => {
      const { text } = readText(path.join(folder, name));
      return { name, uuid: PAGE_NAME.exec(name)![1].toLowerCase(), rules: countRules(text ?? '') };
    });
}

/**
 * Whether an include's target exists: in `out` by file name when the
 * generated folder is given, else at the included path under the docs root.
 */
export function targetExists(docs: string, out: string | undefined): (include: IncludeLine) => boolean {
  return (include) =>
    existsSync(out ? path.join(out, path.posix.basename(include.target)) : path.join(docs, include.target));
}

export function generatedFolder(docs: string, out: string | undefined): string {
  return out ?? path.join(docs, GENERATED_FOLDER);
}

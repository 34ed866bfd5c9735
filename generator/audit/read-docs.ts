/**
 * The file-system side of the audit: include lines of every markdown page
 * under the docs folder, and the generated intake pages of a folder. Every
 * read is bounded (load/read-text.ts): a FIFO, a device or a link leading
 * out of its folder is a diagnostic, never read.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { pseudoFileSystem } from '../load/pseudo-fs.js';
import { MiB, ReadScope, readText } from '../load/read-text.js';
import { displayPath, walkFiles } from '../load/walk-files.js';
import type { GeneratedPage } from './audit-includes.js';
import { findIncludes, PAGE_NAME, type IncludeLine } from './find-includes.js';

/** Where the model site keeps generated pages, relative to the docs root. */
export const GENERATED_FOLDER = '_shared_content/operations_center/detection/generated';

export function readIncludes(docs: string, cwd: string): { includes: IncludeLine[]; diagnostics: Diagnostic[] } {
  const { files, diagnostics } = walkFiles(docs, (name) => /\.md$/i.test(name), cwd);
  const includes: IncludeLine[] = [];
  for (const file of files) {
    const { text, diagnostics: problems } = readText(file.absolute, file.display, { kind: 'docs', noFollow: true });
    diagnostics.push(...problems);
    if (text !== undefined) includes.push(...findIncludes(file.display, text));
  }
  return { includes, diagnostics };
}

/** Largest generated page read (64 MiB; the largest Sekoia.io page is 68 kB). */
const PAGE_LIMIT = 64 * MiB;

const countRules = (text: string) => (text.match(/^\?\?\? abstract /gm) ?? []).length;

/** Generated intake pages of `folder` (none when it does not exist), by name, with the problems of pages that cannot be read. */
export function readGeneratedPages(
  folder: string,
  cwd = process.cwd(),
): { pages: GeneratedPage[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (!existsSync(folder)) return { pages: [], diagnostics };
  const shown = displayPath(folder, cwd);
  const pseudo = pseudoFileSystem(realpathSync(folder));
  if (pseudo) {
    diagnostics.push(
      error(
        wholeFile(shown),
        'pseudo-file-system',
        `Unexpected folder of the ${pseudo} pseudo file system, expected a folder of files on disk`,
      ),
    );
    return { pages: [], diagnostics };
  }
  const within = new ReadScope(folder);
  const pages = readdirSync(folder)
    .filter((name) => PAGE_NAME.test(name))
    .sort()
    .map((name) => {
      const { text, diagnostics: problems } = readText(path.join(folder, name), path.join(shown, name), {
        kind: 'output',
        limit: PAGE_LIMIT,
        within,
        withinDisplay: `the folder of generated pages (${shown})`,
      });
      diagnostics.push(...problems);
      return { name, uuid: PAGE_NAME.exec(name)![1].toLowerCase(), rules: countRules(text ?? '') };
    });
  return { pages, diagnostics };
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

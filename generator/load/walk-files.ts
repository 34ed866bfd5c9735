/**
 * List input files under folders: sorted by path (code points), never leaving
 * the folder through a symbolic link, never looping.
 */
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';

export interface FoundFile {
  /** Absolute path used to read the file. */
  absolute: string;
  /** Path shown in messages: the folder as the user gave it joined with the relative path. */
  display: string;
}

export interface WalkResult {
  files: FoundFile[];
  diagnostics: Diagnostic[];
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** How a path is shown in messages: relative to `cwd` (absolute when that is shorter to read). */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  if (rel === '') return '.';
  return path.isAbsolute(rel) || rel.startsWith(`..${path.sep}..`) ? file : rel;
}

/** Every file under `root` accepted by `accept(name)`, sorted by display path. */
export function walkFiles(root: string, accept: (name: string) => boolean, cwd = process.cwd()): WalkResult {
  const shownRoot = displayPath(path.resolve(cwd, root), cwd);
  const diagnostics: Diagnostic[] = [];
  const files: FoundFile[] = [];
  let rootReal: string;
  try {
    rootReal = realpathSync(path.resolve(cwd, root));
    if (!statSync(rootReal).isDirectory()) {
      return {
        files,
        diagnostics: [error(wholeFile(shownRoot), 'input-not-folder', 'Unexpected file, expected a folder')],
      };
    }
  } catch {
    return { files, diagnostics: [error(wholeFile(shownRoot), 'input-missing', 'Input folder does not exist')] };
  }
  const inside = (p: string) => p === rootReal || p.startsWith(rootReal + path.sep);
  // Folders read so far: a link to one of them is refused, so links cannot multiply the walk.
  const seen = new Set<string>();

  const visit = (dirReal: string, display: string, ancestors: Set<string>): void => {
    seen.add(dirReal);
    let entries: Dirent[];
    try {
      entries = readdirSync(dirReal, { withFileTypes: true });
    } catch (e) {
      diagnostics.push(
        error(wholeFile(display), 'unreadable', `Cannot read folder: ${(e as NodeJS.ErrnoException).code ?? e}`),
      );
      return;
    }
    entries.sort((a, b) => byCodePoint(a.name, b.name));
    for (const entry of entries) {
      const childDisplay = path.join(display, entry.name);
      let childReal = path.join(dirReal, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const isLink = entry.isSymbolicLink();
      if (isLink) {
        try {
          childReal = realpathSync(childReal);
        } catch {
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'symlink-broken',
              'Symbolic link is broken or loops, expected a link to a file or folder inside the input folder',
            ),
          );
          continue;
        }
        if (!inside(childReal)) {
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'symlink-outside',
              `Symbolic link points outside the input folder (${shownRoot}), expected a target inside it`,
            ),
          );
          continue;
        }
        const s = statSync(childReal);
        isDir = s.isDirectory();
        isFile = s.isFile();
      }
      if (isDir) {
        if (ancestors.has(childReal)) {
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'symlink-loop',
              'Symbolic link loops back to a parent folder, expected a tree',
            ),
          );
          continue;
        }
        if (isLink && seen.has(childReal)) {
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'symlink-duplicate',
              'Symbolic link leads to a folder already read, expected each folder once',
            ),
          );
          continue;
        }
        visit(childReal, childDisplay, new Set([...ancestors, childReal]));
      } else if (isFile && accept(entry.name)) {
        files.push({ absolute: childReal, display: childDisplay });
      }
    }
  };
  visit(rootReal, shownRoot, new Set([rootReal]));
  files.sort((a, b) => byCodePoint(a.display, b.display));
  return { files, diagnostics };
}

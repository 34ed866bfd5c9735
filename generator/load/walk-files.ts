/**
 * List input files under folders: sorted by path (code points), never leaving
 * the folder through a symbolic link, never looping, never below a pseudo
 * file system. Only regular files are listed: an entry whose name rulecat
 * reads that is a FIFO, a device or a socket is a diagnostic. A link whose
 * name rulecat would not read anyway (`LICENSE -> ../LICENSE`, a dangling
 * `notes.txt`) is ignored, wherever it leads.
 */
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { pseudoFileSystem } from './pseudo-fs.js';
import { describeFileType } from './read-text.js';

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
  const pseudo = pseudoFileSystem(rootReal);
  if (pseudo) {
    return {
      files,
      diagnostics: [
        error(
          wholeFile(shownRoot),
          'pseudo-file-system',
          `Unexpected folder of the ${pseudo} pseudo file system, expected a folder of files on disk`,
        ),
      ],
    };
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
      // Names rulecat reads; a link with another name is only followed when it leads to a folder.
      const wanted = accept(entry.name);
      let st: Stats | Dirent = entry;
      const isLink = entry.isSymbolicLink();
      if (isLink) {
        let target: Stats | undefined;
        try {
          childReal = realpathSync(childReal);
          target = statSync(childReal);
        } catch {
          if (!wanted) continue;
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'symlink-broken',
              'Symbolic link is broken or loops, expected a link to a file or folder inside the input folder',
            ),
          );
          continue;
        }
        if (!target.isDirectory() && !wanted) continue;
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
        st = target;
      }
      if (st.isDirectory()) {
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
      } else if (wanted) {
        if (st.isFile()) files.push({ absolute: childReal, display: childDisplay });
        else
          diagnostics.push(
            error(
              wholeFile(childDisplay),
              'not-regular-file',
              `Unexpected ${describeFileType(st)}${isLink ? ' (through a symbolic link)' : ''}, expected a regular file`,
            ),
          );
      }
    }
  };
  visit(rootReal, shownRoot, new Set([rootReal]));
  files.sort((a, b) => byCodePoint(a.display, b.display));
  return { files, diagnostics };
}

/**
 * The folders of a list, each read once: a folder given twice (`rules` and
 * `./rules/`, or through a link) is kept at its first place, a folder inside
 * another one of the list (`intakes/Acme` beside `intakes`) is dropped, its
 * files being read as part of the outer one. Folders that cannot be resolved
 * are kept (the walk reports them).
 */
export function distinctFolders(folders: readonly string[], cwd = process.cwd()): string[] {
  const reals = folders.map((f) => {
    try {
      return realpathSync(path.resolve(cwd, f));
    } catch {
      return undefined;
    }
  });
  const within = (p: string, dir: string) => p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
  return folders.filter((_, i) => {
    const real = reals[i];
    if (real === undefined) return true;
    return !reals.some((other, j) => other !== undefined && (within(real, other) || (other === real && j < i)));
  });
}

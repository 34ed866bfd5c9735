/**
 * Whether the output folder is a place rulecat can use, judged before any
 * work: a folder (or a path whose nearest existing part is a folder), not
 * on a pseudo file system (`/proc`, `/sys`, `/dev`: reading there can be
 * endless and creating folders there makes Node's recursive mkdir spin),
 * and, for a writing run, writable.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { pseudoFileSystem } from '../load/pseudo-fs.js';
import { describeFileType } from '../load/read-text.js';
import { displayPath } from '../load/walk-files.js';
import { describeWriteError } from './apply-output.js';

/** The output folder's problem, if any; `write`: the run will write there. */
export function checkOutputPlace(outDir: string, cwd: string, write: boolean): Diagnostic | undefined {
  const shown = displayPath(outDir, cwd);
  const problem = (code: string, message: string) => error(wholeFile(shown), code, message);
  // The nearest part of the path that exists (the folder itself once created).
  let existing = path.resolve(outDir);
  for (;;) {
    let st;
    try {
      st = statSync(existing);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && existing !== path.dirname(existing)) {
        existing = path.dirname(existing);
        continue;
      }
      if (code === 'ENOENT' || code === 'ENOTDIR')
        return problem('write-failed', `Cannot write output: ${describeWriteError(e)}`);
      return problem('out-unusable', `Output folder cannot be used: ${describeWriteError(e)}`);
    }
    if (!st.isDirectory()) {
      if (existing === path.resolve(outDir)) {
        const what = describeFileType(st);
        return problem(
          'out-not-folder',
          what === 'regular file'
            ? 'Output path is a file, expected a folder'
            : `Output path is a ${what}, expected a folder`,
        );
      }
      return problem('write-failed', 'Cannot write output: ENOTDIR (a part of the path is a file, not a folder)');
    }
    break;
  }
  let real: string;
  try {
    real = realpathSync(existing);
  } catch (e) {
    return problem('out-unusable', `Output folder cannot be used: ${describeWriteError(e)}`);
  }
  const pseudo = pseudoFileSystem(real);
  if (pseudo) {
    return problem(
      'out-pseudo-file-system',
      `Output folder is on the ${pseudo} pseudo file system (${real}), expected a folder on disk`,
    );
  }
  if (write) {
    try {
      accessSync(real, constants.W_OK | constants.X_OK);
    } catch (e) {
      return problem('write-failed', `Cannot write output: ${describeWriteError(e)}`);
    }
  }
  return undefined;
}

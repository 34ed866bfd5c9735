/**
 * Whether a path below the output folder really lies inside it: no folder
 * on the way may be a symbolic link leading elsewhere. Writes and removals
 * are only ever made inside the output folder.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';

function isWithin(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/** The nearest existing folder at or above `dir`, resolved through links. */
function realExisting(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      return realpathSync(d);
    } catch {
      if (d === path.dirname(d)) return d;
    }
  }
}

/** True when `outDir/rel` (a relative path without `..`) stays inside `outDir` once links are followed, up to its parent folder. */
export function staysInside(outDir: string, rel: string): boolean {
  const target = path.resolve(outDir, rel);
  if (!isWithin(path.resolve(outDir), target)) return false;
  return isWithin(realExisting(outDir), realExisting(path.dirname(target)));
}

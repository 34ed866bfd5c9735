/**
 * What output paths may be: on their own so that the ownership manifest (and
 * a run that stops at the run memo) does not load the planner.
 */

export const MANIFEST_NAME = '.rulecat-manifest.json';

/** A relative path that stays inside the output folder and is not rulecat's own bookkeeping. */
export function checkOutputPath(p: string): string | undefined {
  if (p === '' || p.includes('\0')) return 'is empty or contains a NUL byte';
  if (p.includes('\\')) return 'contains a backslash';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'is absolute';
  const segments = p.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  if (segments.some((s) => s.startsWith('.rulecat'))) return 'uses a name reserved for rulecat (.rulecat*)';
  return undefined;
}

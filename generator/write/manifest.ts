/**
 * The record of files rulecat wrote into an output folder. Only files listed
 * here (with the content rulecat wrote) are ever removed.
 */
import path from 'node:path';
import { readText } from '../load/read-text.js';
import { checkOutputPath, MANIFEST_NAME } from '../plan/output-paths.js';

export interface OutputManifest {
  /** Relative path → sha256 of the content rulecat wrote. */
  files: Record<string, string>;
}

export function manifestPath(outDir: string): string {
  return path.join(outDir, MANIFEST_NAME);
}

/**
 * The manifest's text, read boundedly: a regular file (not a link) of at
 * most 64 MiB. `problem` says why anything else present is not read.
 */
export function readManifestText(outDir: string): { text?: string; problem?: string } {
  const r = readText(manifestPath(outDir), MANIFEST_NAME, { kind: 'manifest', noFollow: true });
  if (r.text !== undefined) return { text: r.text };
  if (r.failure === 'missing') return {};
  return { problem: `${MANIFEST_NAME} cannot be read (${r.diagnostics[0]?.message}); no file is considered owned` };
}

/**
 * The previous manifest, or an empty one (and a reason) when absent or
 * unreadable. Entries whose path could leave the output folder (absolute,
 * `..`, backslashes) are dropped: such a file is never considered owned.
 */
export function readManifest(outDir: string): { manifest: OutputManifest; problem?: string } {
  const { text, problem } = readManifestText(outDir);
  if (text === undefined) return { manifest: { files: {} }, problem };
  try {
    const value = JSON.parse(text) as { files?: unknown };
    const files = value.files;
    if (
      files &&
      typeof files === 'object' &&
      !Array.isArray(files) &&
      Object.values(files).every((h) => typeof h === 'string')
    ) {
      const entries = Object.entries(files as Record<string, string>);
      const safe = entries.filter(([p]) => checkOutputPath(p) === undefined);
      if (safe.length === entries.length) return { manifest: { files: Object.fromEntries(safe) } };
      const bad = entries.filter(([p]) => checkOutputPath(p) !== undefined).map(([p]) => JSON.stringify(p));
      const shown = bad.slice(0, 3).join(', ') + (bad.length > 3 ? `, and ${bad.length - 3} more` : '');
      return {
        manifest: { files: Object.fromEntries(safe) },
        problem: `${MANIFEST_NAME} lists paths that are not plain relative paths inside the output folder (${shown}); they are not considered owned`,
      };
    }
  } catch {
    // fall through
  }
  return {
    manifest: { files: {} },
    problem: `${MANIFEST_NAME} is not a rulecat manifest; no file is considered owned`,
  };
}

export function serializeManifest(manifest: OutputManifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return (
    JSON.stringify(
      { generator: 'rulecat', note: 'Files written by rulecat; only these are ever removed by it.', files },
      null,
      2,
    ) + '\n'
  );
}

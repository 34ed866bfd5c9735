/**
 * The record of files rulecat wrote into an output folder. Only files listed
 * here (with the content rulecat wrote) are ever removed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST_NAME } from '../plan/plan-outputs.js';

export interface OutputManifest {
  /** Relative path → sha256 of the content rulecat wrote. */
  files: Record<string, string>;
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function manifestPath(outDir: string): string {
  return path.join(outDir, MANIFEST_NAME);
}

/** The previous manifest, or an empty one (and a reason) when absent or unreadable. */
export function readManifest(outDir: string): { manifest: OutputManifest; problem?: string } {
  let text: string;
  try {
    text = readFileSync(manifestPath(outDir), 'utf8');
  } catch {
    return { manifest: { files: {} } };
  }
  try {
    const value = JSON.parse(text) as { files?: unknown };
    const files = value.files;
    if (files && typeof files === 'object' && Object.values(files).every((h) => typeof h === 'string')) {
      return { manifest: { files: files as Record<string, string> } };
    }
  } catch {
    // fall through
  }
  return { manifest: { files: {} }, problem: `${MANIFEST_NAME} is not a rulecat manifest; no file is considered owned` };
}

export function serializeManifest(manifest: OutputManifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ generator: 'rulecat', note: 'Files written by rulecat; only these are ever removed by it.', files }, null, 2) + '\n';
}

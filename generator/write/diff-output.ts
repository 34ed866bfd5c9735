/**
 * Compare rendered files with the output folder: what would be added,
 * changed, left alone and removed. Reads only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RenderedFile } from '../render/render.js';
import { staysInside } from './inside.js';
import { readManifest, type OutputManifest } from './manifest.js';
import { sha256 } from '../hash.js';

export interface OutputDiff {
  outDir: string;
  added: RenderedFile[];
  changed: RenderedFile[];
  unchanged: string[];
  /** Owned files no longer generated, still as rulecat wrote them: removed. */
  removed: string[];
  /** Owned files no longer generated but edited since: left in place. */
  kept: string[];
  previous: OutputManifest;
  /** Problems with the previous manifest, if any. */
  notes: string[];
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** How one generated file (its bytes) compares with the output folder. */
export function compareWithDisk(outDir: string, rel: string, bytes: Buffer): 'added' | 'changed' | 'unchanged' {
  const current = readIfExists(path.join(outDir, rel));
  if (current === undefined) return 'added';
  return current.equals(bytes) ? 'unchanged' : 'changed';
}

/** Owned files (in the previous manifest) that are no longer generated: removed when still as written, else kept. */
export function ownedLeftovers(
  outDir: string,
  previous: OutputManifest,
  generated: ReadonlySet<string>,
): { removed: string[]; kept: string[]; notes: string[] } {
  const out = { removed: [] as string[], kept: [] as string[], notes: [] as string[] };
  for (const [owned, hash] of Object.entries(previous.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (generated.has(owned)) continue;
    if (!staysInside(outDir, owned)) {
      out.notes.push(`${owned} is reached through a symbolic link leading outside the output folder; left in place`);
      continue;
    }
    const current = readIfExists(path.join(outDir, owned));
    if (current === undefined) continue;
    if (sha256(current) === hash) out.removed.push(owned);
    else out.kept.push(owned);
  }
  return out;
}

export function diffOutput(outDir: string, files: readonly RenderedFile[]): OutputDiff {
  const { manifest: previous, problem } = readManifest(outDir);
  const diff: OutputDiff = {
    outDir,
    added: [],
    changed: [],
    unchanged: [],
    removed: [],
    kept: [],
    previous,
    notes: problem ? [problem] : [],
  };
  const generated = new Set<string>();
  for (const file of files) {
    generated.add(file.path);
    const current = readIfExists(path.join(outDir, file.path));
    if (current === undefined) diff.added.push(file);
    else if (
      file.hash !== undefined ? sha256(current) === file.hash : current.equals(Buffer.from(file.content, 'utf8'))
    )
      diff.unchanged.push(file.path);
    else diff.changed.push(file);
  }
  const leftovers = ownedLeftovers(outDir, previous, generated);
  diff.removed = leftovers.removed;
  diff.kept = leftovers.kept;
  diff.notes.push(...leftovers.notes);
  return diff;
}

export function hasChanges(diff: OutputDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length > 0;
}

/**
 * Apply a diff to the output folder in two phases:
 *  1. stage: every new content is written and fsynced in a staging folder
 *     inside the output folder (same file system). Any failure here removes
 *     the staging folder and leaves the output exactly as it was.
 *  2. commit: the manifest is written as the union of old and new ownership,
 *     each staged file is renamed over its target (atomic per file: readers
 *     and crashes only ever see the old or the new complete file), stale
 *     owned files are removed, and the manifest is written as the new
 *     ownership.
 * Staging folders left by a killed run are removed by the next one.
 */
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { OutputDiff } from './diff-output.js';
import { manifestPath, serializeManifest, sha256, type OutputManifest } from './manifest.js';

const STAGING_PREFIX = '.rulecat-staging-';

function writeAndSync(file: string, content: string): void {
  const fd = openSync(file, 'w', 0o644);
  try {
    writeSync(fd, content, null, 'utf8');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Write `content` to `file` atomically (temp file beside it, fsync, rename). */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.rulecat-tmp-${process.pid}`);
  try {
    writeAndSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Remove staging folders of runs that were killed (names reserved for rulecat). */
export function removeStaleStaging(outDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(outDir);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith(STAGING_PREFIX)) rmSync(path.join(outDir, name), { recursive: true, force: true });
}

export interface ApplyResult {
  written: string[];
  removed: string[];
}

/** Test hook: called between committed renames (used to kill a run mid-write). */
export type CommitObserver = (done: number, total: number) => void;

export function applyOutput(diff: OutputDiff, owned: ReadonlyMap<string, string>, observe?: CommitObserver): ApplyResult {
  const { outDir } = diff;
  const writes = [...diff.added, ...diff.changed];
  const next: OutputManifest = { files: Object.fromEntries(owned) };
  const finalText = serializeManifest(next);
  if (writes.length + diff.removed.length === 0 && readOrEmpty(manifestPath(outDir)) === finalText) {
    return { written: [], removed: [] };
  }
  mkdirSync(outDir, { recursive: true });
  removeStaleStaging(outDir);
  const staging = mkdtempSync(path.join(outDir, STAGING_PREFIX));
  try {
    const staged = writes.map((file, i) => {
      const tmp = path.join(staging, String(i));
      writeAndSync(tmp, file.content);
      return { tmp, target: path.join(outDir, file.path) };
    });
    if (staged.length + diff.removed.length > 0) {
      writeFileAtomic(manifestPath(outDir), serializeManifest({ files: { ...diff.previous.files, ...next.files } }));
    }
    staged.forEach(({ tmp, target }, i) => {
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(tmp, target);
      observe?.(i + 1, staged.length);
    });
    for (const stale of diff.removed) unlinkSync(path.join(outDir, stale));
    if (readOrEmpty(manifestPath(outDir)) !== finalText) writeFileAtomic(manifestPath(outDir), finalText);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { written: writes.map((f) => f.path), removed: diff.removed };
}

/** Ownership after a run: every generated file with the hash of its content. */
export function ownership(files: readonly { path: string; content: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, sha256(f.content)]));
}

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
 * If anything throws during the commit, every change made so far is undone
 * (the previous versions were hard-linked into the staging folder while
 * staging), so a failed run leaves the output as it was. A killed run leaves
 * each file either old or new; the next run finishes the job.
 * Staging folders left by a killed run are removed by the next one.
 * Nothing is written or removed through a folder link leading outside the
 * output folder.
 */
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { OutputDiff } from './diff-output.js';
import { readText } from '../load/read-text.js';
import { staysInside } from './inside.js';
import { manifestPath, serializeManifest, type OutputManifest } from './manifest.js';
import { sha256 } from '../hash.js';

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

/** The manifest's text, read boundedly (a FIFO or a link there reads as empty: it is replaced). */
function readOrEmpty(file: string): string {
  return readText(file, file, { kind: 'manifest', noFollow: true }).text ?? '';
}

/** Temporary files of writeFileAtomic (`.<name>.rulecat-tmp-<pid>`). */
const TMP_FILE = /^\..+\.rulecat-tmp-\d+$/;

/** Remove staging folders and temporary files of runs that were killed (names reserved for rulecat). */
export function removeStaleStaging(outDir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(outDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(STAGING_PREFIX) || TMP_FILE.test(name))
      rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
}

/** Best effort: once the output is committed (or rolled back), a leftover staging folder is only clutter, removed by the next run. */
function removeStaging(staging: string): void {
  try {
    rmSync(staging, { recursive: true, force: true });
  } catch {
    // removed next time
  }
}

export interface ApplyResult {
  written: string[];
  removed: string[];
}

/** Test hook: called after each committed rename or removal (used to kill or fail a run mid-write). */
export type CommitObserver = (done: number, total: number) => void;

/** Keep the current version of `file` (if any) as `backup`: a hard link, or a copy where links are refused. */
function keepPrevious(file: string, backup: string): string | undefined {
  try {
    linkSync(file, backup);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR' || code === 'EPERM') {
      copyFileSync(file, backup);
    } else throw e;
  }
  return backup;
}

function checkInside(outDir: string, rel: string): void {
  if (!staysInside(outDir, rel)) throw new Error(`${rel} leads outside the output folder through a symbolic link`);
}

/** One reversible change of the commit. */
interface Change {
  target: string;
  /** The previous version, kept in the staging folder; undefined when the target did not exist. */
  previous?: string;
}

/** Undo committed changes, newest first; best effort, so that one failure does not stop the others. */
function undo(changes: readonly Change[], createdDirs: readonly string[]): void {
  for (const { target, previous } of [...changes].reverse()) {
    try {
      if (previous) renameSync(previous, target);
      else rmSync(target, { force: true });
    } catch {
      // keep undoing the others
    }
  }
  for (const dir of [...createdDirs].reverse()) rmSync(dir, { recursive: true, force: true });
}

export function applyOutput(
  diff: OutputDiff,
  owned: ReadonlyMap<string, string>,
  observe?: CommitObserver,
): ApplyResult {
  const { outDir } = diff;
  const writes = [...diff.added, ...diff.changed];
  const next: OutputManifest = { files: Object.fromEntries(owned) };
  const finalText = serializeManifest(next);
  removeStaleStaging(outDir); // leftovers of a killed run go even when nothing else changes
  if (writes.length + diff.removed.length === 0 && readOrEmpty(manifestPath(outDir)) === finalText) {
    return { written: [], removed: [] };
  }
  mkdirSync(outDir, { recursive: true });
  const staging = mkdtempSync(path.join(outDir, STAGING_PREFIX));
  try {
    for (const rel of [...writes.map((f) => f.path), ...diff.removed]) checkInside(outDir, rel);
    const staged = writes.map((file, i) => {
      const tmp = path.join(staging, String(i));
      writeAndSync(tmp, file.content);
      const target = path.join(outDir, file.path);
      return { tmp, target, previous: keepPrevious(target, path.join(staging, `previous-${i}`)) };
    });
    const removals = diff.removed.map((rel, i) => {
      const target = path.join(outDir, rel);
      return { target, previous: keepPrevious(target, path.join(staging, `removed-${i}`)) };
    });
    const manifest = {
      target: manifestPath(outDir),
      previous: keepPrevious(manifestPath(outDir), path.join(staging, 'manifest')),
    };
    const done: Change[] = [];
    const createdDirs: string[] = [];
    const total = staged.length + removals.length;
    try {
      done.push(manifest);
      if (total > 0)
        writeFileAtomic(manifest.target, serializeManifest({ files: { ...diff.previous.files, ...next.files } }));
      for (const { tmp, target, previous } of staged) {
        const created = mkdirSync(path.dirname(target), { recursive: true });
        if (created) createdDirs.push(created);
        renameSync(tmp, target);
        done.push({ target, previous });
        observe?.(done.length - 1, total);
      }
      for (const removal of removals) {
        unlinkSync(removal.target);
        done.push(removal);
        observe?.(done.length - 1, total);
      }
      if (readOrEmpty(manifest.target) !== finalText) writeFileAtomic(manifest.target, finalText);
    } catch (e) {
      undo(done, createdDirs);
      throw e;
    }
  } finally {
    removeStaging(staging);
  }
  return { written: writes.map((f) => f.path), removed: diff.removed };
}

const WRITE_ERRORS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a folder is in the way of a file',
};

/** A failed write for people: the system's code and what it means. */
export function describeWriteError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (!err.code) return err.message;
  return WRITE_ERRORS[err.code] ? `${err.code} (${WRITE_ERRORS[err.code]})` : err.code;
}

/** Ownership after a run: every generated file with the hash of its content. */
export function ownership(files: readonly { path: string; content: string; hash?: string }[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.hash ?? sha256(f.content)]));
}

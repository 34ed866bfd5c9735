/**
 * Write new contents into the output folder in two phases:
 *  1. stage: each new content is written, as soon as it is known, into a
 *     staging folder inside the output folder (same file system), and the
 *     current version of its target is kept there as a hard link. Nothing
 *     visible changes; any failure here removes the staging folder and leaves
 *     the output exactly as it was. Contents are staged one at a time, so a
 *     run never holds the whole output in memory.
 *  2. commit: the manifest is written as the union of old and new ownership,
 *     each staged file is renamed over its target (atomic per file: readers
 *     and crashes only ever see the old or the new complete file), stale
 *     owned files are removed, and the manifest is written as the new
 *     ownership.
 * If anything throws during the commit, every change made so far is undone
 * (from the previous versions kept while staging), so a failed run leaves the
 * output as it was. A killed run leaves each file either old or new; the next
 * run finishes the job. Staging folders left by a killed run are removed by
 * the next one. Nothing is written or removed through a folder link leading
 * outside the output folder.
 *
 * Durability (`fsync`): with `each`, every staged file is flushed to disk
 * before it is renamed into place, so after a power loss each file is its old
 * or its new content. With `end` (the default: outputs are regenerable), files
 * are not flushed one by one; the manifest is, and the folders are synced
 * once at the end. A power loss during or just after a run may then leave a
 * renamed file empty or partial on file systems that do not order data before
 * renames; the next run sees it differs from what it generates and rewrites
 * it. A process that is killed (the usual interruption) loses nothing either
 * way: written data is in the operating system's cache.
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

/** When written files are flushed to disk: each before its rename, or only the folders at the end. */
export type FsyncMode = 'each' | 'end';
export const FSYNC_MODES: readonly FsyncMode[] = ['each', 'end'];
export const DEFAULT_FSYNC: FsyncMode = 'end';

function writeAll(fd: number, content: string | Uint8Array): void {
  if (typeof content === 'string') {
    writeSync(fd, content, null, 'utf8');
    return;
  }
  for (let done = 0; done < content.length;) done += writeSync(fd, content, done, content.length - done);
}

/** Test hook: told of every flush to disk (a file's data, or a folder's entries). */
export type SyncObserver = (what: 'file' | 'folder', file: string) => void;

function writeFile(file: string, content: string | Uint8Array, sync: boolean, onSync?: SyncObserver): void {
  const fd = openSync(file, 'w', 0o644);
  try {
    writeAll(fd, content);
    if (sync) {
      fsyncSync(fd);
      onSync?.('file', file);
    }
  } finally {
    closeSync(fd);
  }
}

/** Write `content` to `file` atomically (temp file beside it, fsync, rename). */
export function writeFileAtomic(file: string, content: string, onSync?: SyncObserver): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.rulecat-tmp-${process.pid}`);
  try {
    writeFile(tmp, content, true, onSync);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Flush a folder's entries (renames, removals) to disk; best effort where folders cannot be opened or synced. */
function syncFolder(dir: string, onSync?: SyncObserver): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
    onSync?.('folder', dir);
  } catch {
    // not supported here (some platforms refuse fsync on folders)
  } finally {
    if (fd !== undefined) closeSync(fd);
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

export interface WriteOptions {
  fsync?: FsyncMode;
  observe?: CommitObserver;
  /** Test hook: told of each flush to disk. */
  onSync?: SyncObserver;
}

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

interface Staged {
  rel: string;
  tmp: string;
  target: string;
  previous?: string;
}

/**
 * New contents of an output folder, staged one file at a time and committed
 * all together (or not at all). Create it under the output folder's lock:
 * it removes the leftovers of killed runs first.
 */
export class StagedOutput {
  private staging?: string;
  private readonly staged: Staged[] = [];
  private readonly fsync: FsyncMode;
  private done = false;

  constructor(
    readonly outDir: string,
    private readonly options: WriteOptions = {},
  ) {
    this.fsync = options.fsync ?? DEFAULT_FSYNC;
    removeStaleStaging(outDir); // leftovers of a killed run go even when nothing else changes
  }

  private stagingFolder(): string {
    if (!this.staging) {
      mkdirSync(this.outDir, { recursive: true });
      this.staging = mkdtempSync(path.join(this.outDir, STAGING_PREFIX));
    }
    return this.staging;
  }

  /** Folders (relative) already checked to stay inside the output folder during this run. */
  private readonly inside = new Set<string>();

  /**
   * Stage the new content of `rel` (relative to the output folder); nothing
   * visible changes yet. `absent`: the caller just saw that the file does not
   * exist (under the lock), so there is no previous version to keep.
   */
  stage(rel: string, content: string | Uint8Array, absent = false): void {
    if (this.done) throw new Error('already committed or aborted');
    // Folders are checked once per run: the run itself never makes links.
    const folder = path.posix.dirname(rel);
    if (!this.inside.has(folder)) {
      checkInside(this.outDir, rel);
      this.inside.add(folder);
    }
    const staging = this.stagingFolder();
    const i = this.staged.length;
    const tmp = path.join(staging, String(i));
    writeFile(tmp, content, this.fsync === 'each', this.options.onSync);
    const target = path.join(this.outDir, rel);
    const previous = absent ? undefined : keepPrevious(target, path.join(staging, `previous-${i}`));
    this.staged.push({ rel, tmp, target, previous });
  }

  /** Paths staged so far, in staging order. */
  get stagedPaths(): string[] {
    return this.staged.map((s) => s.rel);
  }

  /** Drop what was staged; the output folder is left as it was. */
  abort(): void {
    this.done = true;
    if (this.staging) removeStaging(this.staging);
  }

  /**
   * Put the staged files in place, remove `removed` (owned files no longer
   * generated) and record `owned` as the new ownership (`previous`: the
   * ownership read before). All or nothing.
   */
  commit(removed: readonly string[], previous: OutputManifest, owned: ReadonlyMap<string, string>): ApplyResult {
    if (this.done) throw new Error('already committed or aborted');
    this.done = true;
    const { outDir } = this;
    const next: OutputManifest = { files: Object.fromEntries(owned) };
    const finalText = serializeManifest(next);
    if (this.staged.length + removed.length === 0 && readOrEmpty(manifestPath(outDir)) === finalText) {
      if (this.staging) removeStaging(this.staging);
      return { written: [], removed: [] };
    }
    try {
      for (const rel of removed) checkInside(outDir, rel);
      const staging = this.stagingFolder();
      const removals = removed.map((rel, i) => {
        const target = path.join(outDir, rel);
        return { target, previous: keepPrevious(target, path.join(staging, `removed-${i}`)) };
      });
      const manifest = {
        target: manifestPath(outDir),
        previous: keepPrevious(manifestPath(outDir), path.join(staging, 'manifest')),
      };
      const done: Change[] = [];
      const createdDirs: string[] = [];
      const touched = new Set<string>([outDir]);
      const total = this.staged.length + removals.length;
      const observe = this.options.observe;
      try {
        done.push(manifest);
        if (total > 0)
          writeFileAtomic(
            manifest.target,
            serializeManifest({ files: { ...previous.files, ...next.files } }),
            this.options.onSync,
          );
        for (const { tmp, target, previous: kept } of this.staged) {
          const created = mkdirSync(path.dirname(target), { recursive: true });
          if (created) createdDirs.push(created);
          renameSync(tmp, target);
          touched.add(path.dirname(target));
          done.push({ target, previous: kept });
          observe?.(done.length - 1, total);
        }
        for (const removal of removals) {
          unlinkSync(removal.target);
          touched.add(path.dirname(removal.target));
          done.push(removal);
          observe?.(done.length - 1, total);
        }
        if (readOrEmpty(manifest.target) !== finalText)
          writeFileAtomic(manifest.target, finalText, this.options.onSync);
      } catch (e) {
        undo(done, createdDirs);
        throw e;
      }
      // Renames and removals reach the disk with their folders (innermost first: a new folder before its parent).
      for (const dir of [...touched].sort((a, b) => b.length - a.length)) syncFolder(dir, this.options.onSync);
    } finally {
      if (this.staging) removeStaging(this.staging);
    }
    return { written: this.staged.map((s) => s.rel), removed: [...removed] };
  }
}

/** Apply a whole diff at once (contents in memory): stage every added and changed file, then commit. */
export function applyOutput(
  diff: OutputDiff,
  owned: ReadonlyMap<string, string>,
  options: WriteOptions = {},
): ApplyResult {
  const out = new StagedOutput(diff.outDir, options);
  try {
    const writes = [...diff.added, ...diff.changed];
    // Every path is checked before anything is written.
    for (const rel of [...writes.map((f) => f.path), ...diff.removed]) checkInside(diff.outDir, rel);
    for (const file of writes) out.stage(file.path, file.content);
  } catch (e) {
    out.abort();
    throw e;
  }
  return out.commit(diff.removed, diff.previous, owned);
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

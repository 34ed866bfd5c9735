/**
 * A cache of parsed inputs keyed by content hashes, so that an unchanged
 * file is never parsed twice. It never changes results: an entry is used only
 * when the file's bytes (sha1), the loader code and the options that shape the
 * model are all the same as when it was stored.
 *
 * One pack file per input folder and kind, under the cache folder
 * (`--cache DIR`, default `$XDG_CACHE_HOME/rulecat` or `~/.cache/rulecat`;
 * `--no-cache` turns it off). A pack is read once and rewritten atomically
 * when something changed; an unreadable pack is ignored.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { warning, wholeFile, type Diagnostic } from '../diagnostics.js';
import { sha1 } from '../hash.js';
import { makeDirs } from './pseudo-fs.js';
import { readBytesOrThrow } from './read-text.js';

/** The default cache folder. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'rulecat');
}

const WHY: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left',
  ENOENT: 'the folder cannot be created there',
};

/** Whether `dir` itself exists and is not a folder (rather than a part of its path). */
function isFileItself(dir: string): boolean {
  try {
    return !statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

const checked = new Map<string, string | undefined>();

/**
 * Whether the cache folder can be used (created if needed, and writable);
 * otherwise a warning saying why, and the run goes on without the cache.
 * `display` is how messages show the folder. Checked once per process.
 */
export function cacheProblem(dir: string, display = dir): Diagnostic | undefined {
  if (!checked.has(dir)) {
    let why: string | undefined;
    try {
      // Created the way packs are written (makeDirs never spins where a recursive mkdir does: /proc/x).
      makeDirs(dir);
      accessSync(dir, constants.W_OK);
    } catch (e) {
      let code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (code === 'ENOTDIR' && isFileItself(dir)) code = 'EEXIST';
      why = WHY[code] ? `${code}: ${WHY[code]}` : code;
    }
    checked.set(dir, why);
  }
  const why = checked.get(dir);
  return why === undefined
    ? undefined
    : warning(
        wholeFile(display),
        'cache-unusable',
        `Cannot use the cache folder (${why}), expected a writable folder; running without the cache`,
      );
}

let fingerprint: string | undefined;

/** Hash of the code that builds cached models (this folder and ../model): any change invalidates every pack. */
export function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha1');
  for (const dir of [here, path.join(here, '..', 'model')]) {
    for (const name of readdirSync(dir)
      .filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith('.test.ts'))
      .sort()) {
      hash.update(name).update(readFileSync(path.join(dir, name)));
    }
  }
  fingerprint = hash.digest('hex');
  return fingerprint;
}

interface Entry<T> {
  hash: string;
  value: T;
}

const open = new Map<string, InputCache<unknown>>();

export class InputCache<T> {
  /** The pack of this process for these arguments (so that a prefill and a loader share it). */
  static open<T>(dir: string | undefined, kind: string, root: string, salt: string): InputCache<T> {
    if (!dir) return new InputCache<T>(undefined, kind, root, salt);
    const probe = new InputCache<T>(undefined, kind, root, salt, dir);
    let cache = open.get(probe.file) as InputCache<T> | undefined;
    if (!cache) {
      cache = new InputCache<T>(dir, kind, root, salt);
      open.set(cache.file, cache as InputCache<unknown>);
    }
    return cache;
  }

  private readonly file: string;
  /** The start of the pack's file name, the same for every version of rulecat (the code fingerprint follows it). */
  private readonly stem: string;
  /** Whether the pack was there when read: when it was not, packs of other versions are removed after writing it. */
  private existed = false;
  private readonly entries: Map<string, Entry<T>>;
  private readonly used = new Set<string>();
  private changed = false;
  /** False: entries not used by this run are kept (a run that reads only some of them, e.g. a preview). */
  prune = true;
  hits = 0;
  misses = 0;

  /** `dir` undefined: no caching (every lookup misses, nothing is written). `nameIn`: only name the pack file. */
  constructor(
    private readonly dir: string | undefined,
    kind: string,
    root: string,
    salt: string,
    nameIn?: string,
  ) {
    const folder = dir ?? nameIn;
    this.stem = `${kind}-${sha1(`${path.resolve(root)}\u0000${salt}`).slice(0, 20)}-`;
    this.file = folder ? path.join(folder, `${this.stem}${codeFingerprint().slice(0, 12)}.bin`) : '';
    this.entries = dir ? this.read() : new Map();
  }

  /** Whether an entry for `key` was computed from content with this hash (without counting a hit). */
  has(key: string, hash: string): boolean {
    return this.entries.get(key)?.hash === hash;
  }

  private read(): Map<string, Entry<T>> {
    try {
      const value = deserialize(readBytesOrThrow(this.file, { kind: 'cache' })) as unknown;
      this.existed = true;
      return value instanceof Map ? (value as Map<string, Entry<T>>) : new Map();
    } catch {
      return new Map();
    }
  }

  /** The value stored for `key` if it was computed from content with this hash. */
  get(key: string, hash: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.hash === hash) {
      this.used.add(key);
      this.hits++;
      return entry.value;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, hash: string, value: T): void {
    this.entries.set(key, { hash, value });
    this.used.add(key);
    this.changed = true;
  }

  /**
   * Remove the packs of the same inputs written by other versions of rulecat
   * (another code fingerprint): no run of this version can use them, and the
   * cache folder would otherwise grow with every upgrade.
   */
  private removeOtherVersions(): void {
    const own = path.basename(this.file);
    try {
      for (const name of readdirSync(this.dir!)) {
        if (name !== own && name.startsWith(this.stem) && /^[0-9a-f]+\.bin$/.test(name.slice(this.stem.length)))
          rmSync(path.join(this.dir!, name), { force: true });
      }
    } catch {
      // only disk space is lost
    }
  }

  /** Write the pack when entries were added or became unused; failures only cost the next run time. */
  save(): void {
    if (!this.dir) return;
    for (const key of this.entries.keys()) {
      if (this.prune && !this.used.has(key)) {
        this.entries.delete(key);
        this.changed = true;
      }
    }
    this.used.clear(); // a long-running process (serve) marks what its next load uses
    if (!this.changed) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      makeDirs(this.dir);
      writeFileSync(tmp, serialize(this.entries));
      renameSync(tmp, this.file);
      this.changed = false;
      if (!this.existed) this.removeOtherVersions();
      this.existed = true;
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the folder itself is unusable: nothing was written
      }
    }
  }
}

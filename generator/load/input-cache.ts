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
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { sha1 } from '../hash.js';
import { makeDirs } from './pseudo-fs.js';
import { readBytesOrThrow } from './read-text.js';

/** The default cache folder. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'rulecat');
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
  private readonly entries: Map<string, Entry<T>>;
  private readonly used = new Set<string>();
  private changed = false;
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
    this.file = folder
      ? path.join(
          folder,
          `${kind}-${sha1(`${path.resolve(root)}\u0000${salt}\u0000${codeFingerprint()}`).slice(0, 20)}.bin`,
        )
      : '';
    this.entries = dir ? this.read() : new Map();
  }

  /** Whether an entry for `key` was computed from content with this hash (without counting a hit). */
  has(key: string, hash: string): boolean {
    return this.entries.get(key)?.hash === hash;
  }

  private read(): Map<string, Entry<T>> {
    try {
      const value = deserialize(readBytesOrThrow(this.file, { kind: 'cache' })) as unknown;
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

  /** Write the pack when entries were added or became unused; failures only cost the next run time. */
  save(): void {
    if (!this.dir) return;
    for (const key of this.entries.keys()) {
      if (!this.used.has(key)) {
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
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/**
 * One writing run at a time per output folder. The lock is the file
 * `<out>/.rulecat-lock`, created with O_EXCL and holding who took it (pid,
 * host, start time, a random token). A run that finds it waits, up to a
 * timeout, and then gives up with a message naming the holder. A lock is
 * stale, and removed, when its process is gone (same host) or when it is
 * older than `staleAfterMs` (any host; a run takes seconds, not minutes).
 *
 * Removing a stale lock is a compare-and-delete: the lock is renamed aside
 * (atomic), and deleted only if it is still the stale one; a lock taken
 * meanwhile by another run is put back.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { makeDirs } from '../load/pseudo-fs.js';
import { readText } from '../load/read-text.js';

export const LOCK_NAME = '.rulecat-lock';
/** Seconds a run waits for another one by default (`--lock-timeout`, `lockTimeout:`). */
export const DEFAULT_LOCK_TIMEOUT_S = 30;
/** A lock older than this is stale whatever its pid says (pids are reused; other hosts cannot be asked). */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;
/** A lock file still empty after this long was left by a run killed while taking it. */
const EMPTY_GRACE_MS = 5_000;
/** Asides are named like staging folders, so that the next run removes one left by a crash. */
const ASIDE_PREFIX = '.rulecat-staging-lock-';

export interface LockHolder {
  pid: number;
  hostname: string;
  started: string;
  token: string;
}

export interface LockOptions {
  /** How long to wait for another run, in milliseconds (0: give up at once). */
  timeoutMs: number;
  staleAfterMs?: number;
  /** Pause between attempts (a little jitter is added). */
  pollMs?: number;
  /** Told when this run starts waiting, and when it removes a stale lock. */
  notify?: (message: string) => void;
}

export type LockResult = { ok: true; release: () => void } | { ok: false; message: string; holder?: LockHolder };

interface Found {
  text: string;
  holder?: LockHolder;
  mtimeMs: number;
}

export function lockPath(outDir: string): string {
  return path.join(outDir, LOCK_NAME);
}

/** The lock file's text, read boundedly (a regular file, not a link, of at most 64 kB); `refused` says why another thing there is not read. */
function readLockText(file: string): { text?: string; refused?: string } {
  const r = readText(file, file, { kind: 'lock', noFollow: true });
  if (r.text !== undefined) return { text: r.text };
  if (r.failure === undefined || r.failure === 'missing' || r.failure === 'unreadable') return {};
  return { refused: r.diagnostics[0]?.message.replace(/, expected .*$/, '') ?? 'unreadable' };
}

function readLock(file: string): Found | undefined {
  try {
    const { text } = readLockText(file);
    if (text === undefined) return undefined;
    const mtimeMs = statSync(file).mtimeMs;
    let holder: LockHolder | undefined;
    try {
      const v = JSON.parse(text) as Partial<LockHolder>;
      if (
        typeof v.pid === 'number' &&
        typeof v.hostname === 'string' &&
        typeof v.started === 'string' &&
        typeof v.token === 'string'
      )
        holder = v as LockHolder;
    } catch {
      // being written, or not ours: judged by its age
    }
    return { text, holder, mtimeMs };
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.hostname}, since ${holder.started}` : 'holder unknown';
}

/** Why the lock is stale, or undefined when it is live. */
function staleness(found: Found, staleAfterMs: number): string | undefined {
  const age = Date.now() - found.mtimeMs;
  const { holder } = found;
  if (!holder) return age > EMPTY_GRACE_MS ? 'the lock file is not a rulecat lock' : undefined;
  if (holder.hostname === hostname() && !processAlive(holder.pid)) return `process ${holder.pid} is no longer running`;
  if (age > staleAfterMs) return `it is older than ${Math.round(staleAfterMs / 1000)} s`;
  return undefined;
}

/** Remove the lock if it still is `staleText`; true when the way is free. */
function breakLock(file: string, staleText: string): boolean {
  const aside = path.join(path.dirname(file), `${ASIDE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    renameSync(file, aside);
  } catch {
    return true; // gone already: released, or broken by another run
  }
  // Empty when removed meanwhile by a run cleaning leftovers: nothing to put back.
  const moved = readLockText(aside).text ?? '';
  if (moved !== staleText) {
    try {
      linkSync(aside, file); // a live lock taken meanwhile: put it back unless yet another exists
    } catch {
      // EEXIST: another run holds the lock now; its holder's lock stays in place
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
  return moved === staleText;
}

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, JSON.stringify(holder) + '\n');
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(file); // an empty lock would hold others up until it is judged stale
    throw e;
  }
  closeSync(fd);
  return true;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Take the lock of `outDir` (created if missing). File-system errors other than "exists" are thrown. */
export async function acquireLock(outDir: string, options: LockOptions): Promise<LockResult> {
  const file = lockPath(outDir);
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const pollMs = options.pollMs ?? 100;
  const me: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    started: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  };
  const deadline = Date.now() + options.timeoutMs;
  makeDirs(outDir);
  let waiting = false;
  for (;;) {
    if (tryCreate(file, me)) return { ok: true, release: () => releaseLock(file, me.token) };
    const found = readLock(file);
    if (!found) {
      const { refused } = readLockText(file);
      if (refused)
        return {
          ok: false,
          message: `${refused} where the lock belongs, expected a file written by rulecat; remove it`,
        };
      // Released between our attempt and our look (try again), or not a file at all (give up in time).
      if (Date.now() >= deadline)
        return {
          ok: false,
          message: 'Output folder lock exists but cannot be read, expected a file written by rulecat; remove it',
        };
      await sleep(5);
      continue;
    }
    const stale = staleness(found, staleAfterMs);
    if (stale && breakLock(file, found.text)) {
      options.notify?.(`removed a stale lock (${describeHolder(found.holder)}): ${stale}`);
      continue;
    }
    if (Date.now() >= deadline) {
      return {
        ok: false,
        holder: found.holder,
        message: `Output folder is locked by another rulecat run (${describeHolder(found.holder)}), expected it to finish within ${options.timeoutMs / 1000} s; if no rulecat is running, remove this file`,
      };
    }
    if (!waiting) {
      waiting = true;
      options.notify?.(
        `output folder is locked by another rulecat run (${describeHolder(found.holder)}); waiting up to ${options.timeoutMs / 1000} s (--lock-timeout)`,
      );
    }
    await sleep(Math.min(pollMs + Math.random() * pollMs, Math.max(1, deadline - Date.now())));
  }
}

/** Remove our lock, unless it is no longer ours (broken as stale and retaken). */
function releaseLock(file: string, token: string): void {
  const found = readLock(file);
  if (found?.holder?.token !== token) return;
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Run `fn` holding the lock of `outDir`; always released afterwards, even when `fn` throws. */
export async function withLock<T>(
  outDir: string,
  options: LockOptions,
  fn: () => T,
): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  const lock = await acquireLock(outDir, options);
  if (!lock.ok) return lock;
  try {
    return { ok: true, value: fn() };
  } finally {
    lock.release();
  }
}

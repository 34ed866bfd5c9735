/**
 * Every file rulecat reads, read the same bounded way: inputs (rules, intake
 * files, test events, tables, templates, the configuration), docs pages (the
 * audit), and what it finds in the output folder and the cache (generated
 * files, the ownership manifest, the lock, the run record, cache packs).
 *
 * - Only regular files are read. A FIFO, a device, a socket or a folder is
 *   refused with a diagnostic, and judged before it is opened when possible
 *   (opening a device can have effects); the file is then opened with
 *   `O_NONBLOCK` (a FIFO never blocks) and judged again with `fstat` on the
 *   opened descriptor, so what is read is what was checked.
 * - A size limit per kind of file, checked on the descriptor before reading
 *   and enforced while reading (a file on a pseudo file system says 0 bytes
 *   and may never end): at most `limit + 1` bytes are ever read.
 * - Files on pseudo file systems (`/proc`, `/sys` …) are refused.
 * - With `within`, the file must lie inside that folder once links are
 *   followed, and is opened at its real path with `O_NOFOLLOW`; with
 *   `noFollow`, a link at the file itself is refused.
 *
 * Text is strict UTF-8 (BOM removed); every problem is a diagnostic.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  realpathSync,
  statSync,
  type Stats,
} from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { pseudoFileSystemOfDevice } from './pseudo-fs.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export const MiB = 1024 * 1024;

/** Kinds of files, each with its size limit. */
export type FileKind =
  | 'input'
  | 'rule'
  | 'intake'
  | 'test-event'
  | 'template'
  | 'docs'
  | 'config'
  | 'output'
  | 'manifest'
  | 'record'
  | 'lock'
  | 'cache';

interface KindInfo {
  /** Name in messages. */
  what: string;
  /** Default limit in bytes. */
  limit: number;
  /** Raised or lowered by `--max-file-size` / `maxFileSize:` (files a user writes). */
  input: boolean;
}

/**
 * Limits, with room above the largest real files (SigmaHQ's largest rule
 * is 0.3 MB, intake-formats' largest parser 0.1 MB and fields file 0.16 MB,
 * its largest test event 0.1 MB, the Sekoia.io rules index 1 MB, a cache
 * pack of the whole SigmaHQ corpus 10 MB, a run record 40 kB).
 */
export const FILE_KINDS: Readonly<Record<FileKind, KindInfo>> = {
  input: { what: 'input file', limit: 16 * MiB, input: true },
  rule: { what: 'rule file', limit: 16 * MiB, input: true },
  intake: { what: 'intake file', limit: 16 * MiB, input: true },
  'test-event': { what: 'test event', limit: 4 * MiB, input: true },
  template: { what: 'template', limit: 4 * MiB, input: true },
  docs: { what: 'docs page', limit: 16 * MiB, input: true },
  config: { what: 'configuration file', limit: 1 * MiB, input: false },
  output: { what: 'output file', limit: 256 * MiB, input: false },
  manifest: { what: 'ownership manifest', limit: 64 * MiB, input: false },
  record: { what: 'run record', limit: 64 * MiB, input: false },
  lock: { what: 'lock file', limit: 64 * 1024, input: false },
  cache: { what: 'cache pack', limit: 256 * MiB, input: false },
};

let inputLimit: number | undefined;

/** Set (bytes) or reset (undefined) the process-wide limit of the input kinds: `--max-file-size`, `maxFileSize:`. */
export function setMaxFileSize(bytes: number | undefined): void {
  inputLimit = bytes;
}

/** The limit of the run in progress (`withMaxFileSize`), which two runs in one process do not share. */
const runLimit = new AsyncLocalStorage<{ bytes: number | undefined }>();

/**
 * Run `fn` (and everything it awaits) with this limit for the input kinds,
 * whatever another run in the same process set: what a library call does
 * with its configuration's `maxFileSize`.
 */
export function withMaxFileSize<T>(bytes: number | undefined, fn: () => T): T {
  return runLimit.run({ bytes }, fn);
}

/** The size limit of a kind of file, in bytes. */
export function limitOf(kind: FileKind): number {
  const info = FILE_KINDS[kind];
  const scoped = runLimit.getStore();
  const limit = scoped ? scoped.bytes : inputLimit;
  return info.input && limit !== undefined ? limit : info.limit;
}

export type TextResult =
  { text: string; diagnostics: [] } | { text: undefined; diagnostics: Diagnostic[]; failure?: ReadFailure };

/** Why a file was not read. */
export type ReadFailure = 'missing' | 'not-regular' | 'outside' | 'pseudo' | 'too-large' | 'unreadable';

export type BytesResult =
  { bytes: Buffer; diagnostics: [] } | { bytes: undefined; failure: ReadFailure; diagnostics: Diagnostic[] };

export interface ReadOptions {
  /** Kind of file: its size limit and its name in messages (default `input`). */
  kind?: FileKind;
  /** Name in messages (default: the path). */
  display?: string;
  /** Largest size accepted in bytes, instead of the kind's limit. */
  limit?: number;
  /**
   * The folder the file must lie in once links are followed (the output
   * folder, a folder of generated pages); a `ReadScope` resolves the folders'
   * real paths once for many reads.
   */
  within?: string | ReadScope;
  /** Refuse a symbolic link at the file itself (its path was resolved already, e.g. by `walkFiles`). */
  noFollow?: boolean;
  /** How `within` is named in messages ("the output folder (out)"; default: its path). */
  withinDisplay?: string;
}

/**
 * A folder many files are read from (`within`): the real paths of the
 * folder and of the folders on the way to each file are resolved once per
 * scope (a scope is a snapshot: make one per pass over the folder).
 */
export class ReadScope {
  private readonly realDirs = new Map<string, string | NodeJS.ErrnoException>();

  constructor(readonly folder: string) {}

  /** The real path of a folder (cached), or the error resolving it. */
  realDir(dir: string): string | NodeJS.ErrnoException {
    let real = this.realDirs.get(dir);
    if (real === undefined) {
      try {
        real = realpathSync.native(dir);
      } catch (e) {
        real = e as NodeJS.ErrnoException;
      }
      this.realDirs.set(dir, real);
    }
    return real;
  }
}

/** Decode bytes as UTF-8; on invalid bytes, name the line and column of the first one. */
export function decodeUtf8(file: string, bytes: Uint8Array): TextResult {
  try {
    const text = decoder.decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, diagnostics: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const lines = before.split('\n');
    const place = { file, line: lines.length, col: lines[lines.length - 1].length + 1 };
    const hex = bytes[bad]?.toString(16).padStart(2, '0') ?? '??';
    return {
      text: undefined,
      diagnostics: [error(place, 'not-utf8', `Unexpected byte 0x${hex}, expected UTF-8 text`)],
    };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    try {
      decoder.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
}

type FileType = Pick<
  Stats,
  'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'
>;

/** What a file or folder entry is, for messages ("FIFO"). */
export function describeFileType(st: FileType): string {
  if (st.isFile()) return 'regular file';
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSymbolicLink()) return 'symbolic link';
  return 'special file';
}

/** A size for people: "20.5 MiB", "300 kB". */
export function formatSize(bytes: number): string {
  if (bytes >= MiB) {
    return `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;
  }
  return bytes >= 1024 ? `${Math.ceil(bytes / 1024)} kB` : `${bytes} bytes`;
}

const isWithin = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

const errnoCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? String(e);

/** libuv opens every file close-on-exec. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

type Opened = { fd: number; size: number } | { fd: undefined; failure: ReadFailure; diagnostics: Diagnostic[] };

/** Open `file` for reading after every check; the caller closes the descriptor. */
function openChecked(file: string, o: ReadOptions, limit: number): Opened {
  const display = o.display ?? file;
  const kind = FILE_KINDS[o.kind ?? 'input'];
  const fail = (failure: ReadFailure, code: string, message: string): Opened => ({
    fd: undefined,
    failure,
    diagnostics: [error(wholeFile(display), code, message)],
  });
  const notRegular = (what: string) =>
    fail('not-regular', 'not-regular-file', `Unexpected ${what}, expected a regular file (${kind.what})`);
  const failed = (e: unknown): Opened => {
    const code = errnoCode(e);
    if (code === 'ENOENT') return fail('missing', 'unreadable', 'Cannot read file: ENOENT');
    if (code === 'ELOOP') return notRegular('symbolic link that loops');
    return fail('unreadable', 'unreadable', `Cannot read file: ${code}`);
  };
  let target = file;
  let noFollow = o.noFollow === true;
  // What lies at the path, when already known (not a link).
  let seen: Stats | undefined;
  if (o.within !== undefined) {
    const scope = typeof o.within === 'string' ? new ReadScope(o.within) : o.within;
    const root = scope.realDir(scope.folder);
    if (typeof root !== 'string') return failed(root);
    const dir = scope.realDir(path.dirname(path.resolve(file)));
    if (typeof dir !== 'string') return failed(dir);
    let real = path.join(dir, path.basename(file));
    try {
      seen = lstatSync(real);
      if (seen.isSymbolicLink()) {
        seen = undefined;
        real = realpathSync.native(real);
      }
    } catch (e) {
      return failed(e);
    }
    if (!isWithin(real, root)) {
      return fail(
        'outside',
        'symlink-outside',
        `Symbolic link points outside ${o.withinDisplay ?? scope.folder} to ${real}, expected a regular file inside it`,
      );
    }
    target = real;
    noFollow = true;
  }
  // Judged before opening: a device is never opened (opening one can have effects).
  let before: Stats;
  try {
    before = seen ?? (noFollow ? lstatSync(target) : statSync(target));
  } catch (e) {
    return failed(e);
  }
  if (!before.isFile()) return notRegular(describeFileType(before));
  let fd: number;
  try {
    fd = openSync(target, OPEN_FLAGS | (noFollow ? constants.O_NOFOLLOW : 0));
  } catch (e) {
    if (errnoCode(e) === 'ELOOP') return notRegular('symbolic link');
    return failed(e);
  }
  const refuse = (r: Opened): Opened => {
    closeSync(fd);
    return r;
  };
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (e) {
    return refuse(failed(e));
  }
  if (!st.isFile()) return refuse(notRegular(describeFileType(st)));
  const pseudo = pseudoFileSystemOfDevice(st.dev, target);
  if (pseudo) {
    return refuse(
      fail(
        'pseudo',
        'pseudo-file-system',
        `Unexpected file of the ${pseudo} pseudo file system, expected a regular file on disk (${kind.what})`,
      ),
    );
  }
  if (st.size > limit) return refuse(tooLarge(display, o, st.size, limit));
  return { fd, size: st.size };
}

function tooLarge(display: string, o: ReadOptions, size: number | undefined, limit: number): Opened {
  const kind = FILE_KINDS[o.kind ?? 'input'];
  const hint = kind.input && o.limit === undefined ? '; raise it with --max-file-size (maxFileSize:)' : '';
  const found = size === undefined ? 'more than that' : formatSize(size);
  return {
    fd: undefined,
    failure: 'too-large',
    diagnostics: [
      error(
        wholeFile(display),
        'file-too-large',
        `Unexpected ${kind.what} of ${found}, expected at most ${formatSize(limit)}${hint}`,
      ),
    ],
  };
}

/** Read at most `limit + 1` bytes from an open descriptor (the file may grow, or say 0 bytes and never end). */
function readUpTo(fd: number, size: number, limit: number): { bytes: Buffer; over: boolean } {
  let buffer = Buffer.allocUnsafe(Math.min(size, limit) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return { bytes: buffer.subarray(0, length), over: true };
      const grown = Buffer.allocUnsafe(Math.min(Math.max(buffer.length * 2, 64 * 1024), limit + 1));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    let n: number;
    try {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    } catch (e) {
      if (errnoCode(e) === 'EAGAIN') return { bytes: buffer.subarray(0, length), over: false };
      throw e;
    }
    if (n === 0) return { bytes: buffer.subarray(0, length), over: false };
    length += n;
  }
}

/** The bytes of a regular file, bounded by its kind's limit; every refusal is a diagnostic (none for a missing file when the caller asks). */
export function readBytes(file: string, options: ReadOptions = {}): BytesResult {
  const limit = options.limit ?? limitOf(options.kind ?? 'input');
  const opened = openChecked(file, options, limit);
  if (opened.fd === undefined) {
    return { bytes: undefined, failure: opened.failure, diagnostics: opened.diagnostics };
  }
  try {
    const { bytes, over } = readUpTo(opened.fd, opened.size, limit);
    if (over) {
      const r = tooLarge(options.display ?? file, options, undefined, limit) as Extract<Opened, { fd: undefined }>;
      return { bytes: undefined, failure: 'too-large', diagnostics: r.diagnostics };
    }
    return { bytes, diagnostics: [] };
  } catch (e) {
    return {
      bytes: undefined,
      failure: 'unreadable',
      diagnostics: [error(wholeFile(options.display ?? file), 'unreadable', `Cannot read file: ${errnoCode(e)}`)],
    };
  } finally {
    closeSync(opened.fd);
  }
}

/** As `readBytes`, throwing (an Error with `code` `ERULECAT_READ` and the diagnostics) instead of returning a refusal. */
export function readBytesOrThrow(file: string, options: ReadOptions = {}): Buffer {
  const r = readBytes(file, options);
  if (r.bytes !== undefined) return r.bytes;
  const e = new Error(r.diagnostics.map((d) => d.message).join('; ') || `Cannot read ${file}`) as Error & {
    code: string;
    failure: ReadFailure;
    diagnostics: Diagnostic[];
  };
  e.code = r.failure === 'missing' ? 'ENOENT' : 'ERULECAT_READ';
  e.failure = r.failure;
  e.diagnostics = r.diagnostics;
  throw e;
}

/**
 * The sha256 of a regular file, read in chunks (memory stays constant
 * whatever the size), bounded like `readBytes`.
 */
export function hashFile(
  file: string,
  options: ReadOptions = {},
):
  | { hash: string; size: number; diagnostics: [] }
  | { hash: undefined; failure: ReadFailure; diagnostics: Diagnostic[] } {
  const limit = options.limit ?? limitOf(options.kind ?? 'input');
  const opened = openChecked(file, options, limit);
  if (opened.fd === undefined) return { hash: undefined, failure: opened.failure, diagnostics: opened.diagnostics };
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(Math.min(Math.max(opened.size, 4096), MiB));
  let total = 0;
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(opened.fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if (errnoCode(e) === 'EAGAIN') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > limit) {
        const r = tooLarge(options.display ?? file, options, undefined, limit) as Extract<Opened, { fd: undefined }>;
        return { hash: undefined, failure: 'too-large', diagnostics: r.diagnostics };
      }
      hash.update(chunk.subarray(0, n));
    }
    return { hash: hash.digest('hex'), size: total, diagnostics: [] };
  } catch (e) {
    return {
      hash: undefined,
      failure: 'unreadable',
      diagnostics: [error(wholeFile(options.display ?? file), 'unreadable', `Cannot read file: ${errnoCode(e)}`)],
    };
  } finally {
    closeSync(opened.fd);
  }
}

/** Read a file as UTF-8 text (synchronously: many small files read faster without the thread pool), bounded as `readBytes`. */
export function readText(file: string, displayName = file, options: Omit<ReadOptions, 'display'> = {}): TextResult {
  const r = readBytes(file, { ...options, display: displayName });
  if (r.bytes === undefined) return { text: undefined, diagnostics: r.diagnostics, failure: r.failure };
  return decodeUtf8(displayName, r.bytes);
}

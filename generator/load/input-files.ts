/**
 * The input files of a run, each read and hashed once. The run memo's key,
 * the input cache's lookups, the parsers (on this thread or on workers) and
 * the places found later for messages all take the bytes and hashes kept
 * here, so that no input file is read twice in a run.
 *
 * The one read is the bounded read of `read-text.ts` (regular files only,
 * a size limit per kind of file, no pseudo file systems): a file found by
 * walking a folder is read as its kind (rule, intake, template) without
 * following a link at the file itself (the walk resolved it already).
 */
import { createHash, type Hash } from 'node:crypto';
import { lstatSync, statSync, type BigIntStats } from 'node:fs';
import type { Diagnostic } from '../diagnostics.js';
import { SHIPPED_LOGSOURCES } from '../package-paths.js';
import { sha1 } from '../hash.js';
import { decodeUtf8, readBytes, readText, type FileKind, type ReadFailure, type TextResult } from './read-text.js';
import { displayPath, walkFiles, type FoundFile, type WalkResult } from './walk-files.js';

/** How an input file is read: its kind (limit, name in messages) and whether a link at the file itself is refused. */
export interface ReadHow {
  kind: FileKind;
  /** The file was found by walking a folder (its path is resolved): a link at it is refused. */
  walked?: boolean;
}

/** Text of an input file, with the problems of reading or decoding it (read as `how` unless its kind is known). */
export type TextSource = (file: { absolute: string; display: string }, how?: ReadHow) => TextResult;

export const RULE: ReadHow = { kind: 'rule', walked: true };
export const INTAKE: ReadHow = { kind: 'intake', walked: true };
export const TEST_EVENT: ReadHow = { kind: 'test-event', walked: true };
export const TEMPLATE: ReadHow = { kind: 'template' };

/** How a file found in an intake folder is read: a test event (`tests/*.json`) or another intake file. */
export function intakeFileHow(absolute: string): ReadHow {
  return /[\\/]tests[\\/][^\\/]+\.json$/i.test(absolute) ? TEST_EVENT : INTAKE;
}

/** Text straight from disk (bounded), for loaders used without a run's store. */
export const readFromDisk: TextSource = (f, how) =>
  readText(f.absolute, f.display, how ? { kind: how.kind, noFollow: how.walked === true } : {});

interface Stored {
  bytes?: Buffer;
  hash?: string;
  failure?: ReadFailure;
  problems: Diagnostic[];
}

/**
 * What a previous run knew of an input file: its size, modification and
 * change times (nanoseconds), inode and the sha1 of its bytes. As git's
 * index does, a file whose stat is the same is taken to have the same bytes
 * without reading it (any write changes the change time, which no tool can
 * set back).
 */
export type KnownFile = [size: string, mtimeNs: string, ctimeNs: string, ino: string, sha1: string];

/** Files known from a previous run, and when their stats were taken (ms since the epoch). */
export interface KnownFiles {
  files: Record<string, KnownFile>;
  at: number;
}

/**
 * A change within this many milliseconds of the stat being taken could be
 * followed by another within the same tick of the file system's clock: such
 * a file is not remembered by its stat (it is read again next time).
 */
export const RACY_MS = 2000;

type Ref = { absolute: string; display: string };

/** Files read once: their bytes and sha1, by absolute path. */
export class InputFiles {
  private readonly files = new Map<string, Stored>();
  /** How files found by walking are read (their kind), by absolute path. */
  private readonly kinds = new Map<string, ReadHow>();

  /** Files found by walking a folder: read as `how` says (their kind), links at them refused. */
  expect(files: Iterable<Ref>, how: ReadHow | ((absolute: string) => ReadHow)): void {
    for (const f of files) this.kinds.set(f.absolute, typeof how === 'function' ? how(f.absolute) : how);
  }

  private stored(file: Ref, how: ReadHow | undefined): Stored {
    let s = this.files.get(file.absolute);
    if (!s) {
      const h = this.kinds.get(file.absolute) ?? how ?? { kind: 'input' };
      const read = readBytes(file.absolute, { kind: h.kind, display: file.display, noFollow: h.walked === true });
      s =
        read.bytes === undefined
          ? { problems: read.diagnostics, failure: read.failure }
          : { bytes: read.bytes, problems: [] };
      this.files.set(file.absolute, s);
      const vouched = this.trusted.get(file.absolute);
      if (vouched !== undefined) {
        this.trusted.delete(file.absolute);
        if (s.bytes === undefined || (s.hash = sha1(s.bytes)) !== vouched) this.statMismatch = true;
      }
    }
    return s;
  }

  /** The file's bytes (undefined when it cannot be read). */
  bytes(file: Ref, how?: ReadHow): Buffer | undefined {
    return this.stored(file, how).bytes;
  }

  /** The sha1 of the file's bytes (undefined when it cannot be read). */
  hash(file: Ref, how?: ReadHow): string | undefined {
    const s = this.stored(file, how);
    if (s.bytes !== undefined) s.hash ??= sha1(s.bytes);
    return s.hash;
  }

  /** Why the file cannot be read (undefined when it can). */
  failure(file: Ref, how?: ReadHow): ReadFailure | undefined {
    return this.stored(file, how).failure;
  }

  /** The file as UTF-8 text, or why it cannot be read (named as `display`). */
  readonly text: TextSource = (file, how) => {
    const s = this.stored(file, how);
    if (s.bytes === undefined)
      return {
        text: undefined,
        diagnostics: s.problems.map((d) => ({ ...d, file: file.display })),
        failure: s.failure,
      };
    return decodeUtf8(file.display, s.bytes);
  };

  /** Hashes taken from a previous run's stats (the bytes were not read to know them). */
  private readonly trusted = new Map<string, string>();
  /** Set when bytes read later differ from the hash a stat vouched for: the run must not be remembered. */
  statMismatch = false;

  /** The file's hash as a previous run's stats vouch for it; checked against the bytes if they are read later. */
  trust(absolute: string, hash: string): void {
    if (this.files.has(absolute)) return;
    this.trusted.set(absolute, hash);
  }

  /** The hash of a file known by its stat, or read and hashed now. */
  knownHash(file: Ref, how?: ReadHow): string | undefined {
    return this.trusted.get(file.absolute) ?? this.hash(file, how);
  }

  /** Forget files (changed on disk): the next question reads them again. */
  forget(absolutes: Iterable<string>): void {
    for (const p of absolutes) {
      this.files.delete(p);
      this.trusted.delete(p);
    }
  }
}

/** Which files a run reads: folders walked for the files they accept, and single files. */
export interface RunFileSpec {
  rules: readonly string[];
  intakes: readonly string[];
  /** Template folder (its `*.hbs` files). */
  templates?: string;
  /** Single input files (mapping, tables, index); undefined entries are skipped. */
  files: readonly (string | undefined)[];
  cwd: string;
}

export const isRuleFile = (name: string) => /\.ya?ml$/i.test(name);
export const isIntakeFile = (name: string) => /\.(ya?ml|json)$/i.test(name);
export const isTemplateFile = (name: string) => /\.hbs$/.test(name);

/** The walks of a run's input folders and the store their files are read through. */
export class RunFiles {
  readonly store = new InputFiles();
  readonly ruleWalks = new Map<string, WalkResult>();
  readonly intakeWalks = new Map<string, WalkResult>();
  templateWalk?: WalkResult;

  constructor(readonly spec: RunFileSpec) {
    for (const root of spec.rules) this.ruleWalks.set(root, walkFiles(root, isRuleFile, spec.cwd));
    for (const root of spec.intakes) this.intakeWalks.set(root, walkFiles(root, isIntakeFile, spec.cwd));
    if (spec.templates) this.templateWalk = walkFiles(spec.templates, isTemplateFile, spec.cwd);
    for (const w of this.ruleWalks.values()) this.store.expect(w.files, RULE);
    for (const w of this.intakeWalks.values()) this.store.expect(w.files, intakeFileHow);
    if (this.templateWalk) this.store.expect(this.templateWalk.files, TEMPLATE);
  }

  /** Whether every folder could be walked without problem. */
  get clean(): boolean {
    return [
      ...this.ruleWalks.values(),
      ...this.intakeWalks.values(),
      ...(this.templateWalk ? [this.templateWalk] : []),
    ].every((w) => w.diagnostics.length === 0);
  }

  /** What this run knew of each input file, for the next run (set by `digest`). */
  known?: KnownFiles;
  /** How many files `digest` read because no previous stat vouched for them. */
  readForDigest = 0;

  /**
   * A hash of every input file's path and bytes, in a fixed order (the run
   * memo's view of the inputs). A file whose stat is the one `previous`
   * recorded is not read (its hash is taken from there); any other file is
   * read here, once, for the run. Undefined when a file exists but cannot be
   * read (a full run says why).
   */
  digest(previous?: KnownFiles): string | undefined {
    const hash = createHash('sha1');
    const at = Date.now();
    const known: Record<string, KnownFile> = {};
    const add = (file: FoundFile, walked: boolean): boolean => {
      const stat = statOf(file.absolute, walked);
      const before = previous?.files[file.absolute];
      if (stat && before && stillKnown(stat, before, previous!.at)) this.store.trust(file.absolute, before[4]);
      else this.readForDigest++;
      const h = hashInto(hash, this.store, file);
      if (h === false) return false;
      if (stat && h !== undefined && stat.isFile()) known[file.absolute] = knownFile(stat, h);
      return true;
    };
    for (const walk of [...this.ruleWalks.values(), ...this.intakeWalks.values()])
      for (const f of walk.files) if (!add(f, true)) return undefined;
    for (const f of this.templateWalk?.files ?? []) if (!add(f, false)) return undefined;
    for (const f of singleFiles(this.spec)) if (!add(f, false)) return undefined;
    this.known = { files: known, at };
    return hash.digest('hex');
  }
}

/** The single input files of a run (mapping, tables, index), named for messages. */
function singleFiles(spec: RunFileSpec): Ref[] {
  return spec.files.flatMap((file) => (file ? [{ absolute: file, display: displayPath(file, spec.cwd) }] : []));
}

/**
 * Add a file's path and the hash of its bytes (as known, or read now) to
 * `hash`: the hash, undefined for a missing file, false when the file exists
 * but cannot be read.
 */
function hashInto(hash: Hash, store: InputFiles, file: Ref): string | undefined | false {
  const h = store.knownHash(file);
  if (h === undefined && store.failure(file) !== 'missing') return false;
  hash
    .update(file.absolute)
    .update('\u0000')
    .update(h ?? '\u0001missing')
    .update('\u0000');
  return h;
}

/**
 * A hash of the path and bytes of every intake file and single input file
 * (mapping, tables): what matching depends on besides the rules (and the
 * settings). Undefined when a folder could not be walked cleanly or a file
 * cannot be read. Takes the hashes `digest` found (each file read once).
 */
export function matchInputsDigest(files: RunFiles): string | undefined {
  if (!files.clean) return undefined;
  const hash = createHash('sha1');
  for (const walk of files.intakeWalks.values())
    for (const f of walk.files) if (hashInto(hash, files.store, f) === false) return undefined;
  for (const f of singleFiles(files.spec)) if (hashInto(hash, files.store, f) === false) return undefined;
  return hash.digest('hex');
}

function statOf(absolute: string, walked: boolean): BigIntStats | undefined {
  try {
    return (walked ? lstatSync : statSync)(absolute, { bigint: true });
  } catch {
    return undefined;
  }
}

const nsToMs = (ns: string) => Number(BigInt(ns) / 1_000_000n);

/** What a record keeps of a file: its stat and the hash of its bytes. */
export function knownFile(stat: BigIntStats, hash: string): KnownFile {
  return [String(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), String(stat.ino), hash];
}

/**
 * Whether a regular file still has the stat a record taken at `at` (ms)
 * remembered, and changed last outside the racy window before that record:
 * then it still has the bytes the record hashed.
 */
export function stillKnown(stat: BigIntStats, known: KnownFile, at: number): boolean {
  return (
    stat.isFile() &&
    String(stat.size) === known[0] &&
    String(stat.mtimeNs) === known[1] &&
    String(stat.ctimeNs) === known[2] &&
    String(stat.ino) === known[3] &&
    at - RACY_MS > nsToMs(known[2])
  );
}

/** The parts of a configuration that name input files. */
export interface InputSettings {
  rules: readonly string[];
  intakes: readonly string[];
  templates: string;
  fieldMapping: readonly string[];
  pipelines: readonly string[];
  logsources?: string;
  attack: string;
  rulesIndex?: string;
  cwd: string;
}

/** The input files of a run over a configuration (with a published index, no rule folders). */
export function runFilesOf(config: InputSettings): RunFiles {
  return new RunFiles({
    rules: config.rulesIndex ? [] : config.rules,
    intakes: config.intakes,
    templates: config.templates,
    files: [
      ...config.fieldMapping,
      ...config.pipelines,
      config.logsources,
      config.attack,
      config.rulesIndex,
      SHIPPED_LOGSOURCES,
    ],
    cwd: config.cwd,
  });
}

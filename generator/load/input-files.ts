/**
 * The input files of a run, each read and hashed once. The run memo's key,
 * the input cache's lookups, the parsers (on this thread or on workers) and
 * the places found later for messages all take the bytes and hashes kept
 * here, so that no input file is read twice in a run.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostics.js';
import { SHIPPED_LOGSOURCES } from '../package-paths.js';
import { sha1 } from '../hash.js';
import { decodeUtf8, readBytes, type TextResult } from './read-text.js';
import { displayPath, walkFiles, type FoundFile, type WalkResult } from './walk-files.js';

/** Text of an input file, with the problems of reading or decoding it. */
export type TextSource = (file: { absolute: string; display: string }) => TextResult;

interface Stored {
  bytes?: Uint8Array;
  hash?: string;
  problems: Diagnostic[];
}

/** Files read once: their bytes and sha1, by absolute path. */
export class InputFiles {
  private readonly files = new Map<string, Stored>();

  private stored(absolute: string, display: string): Stored {
    let s = this.files.get(absolute);
    if (!s) {
      const read = readBytes(absolute, display);
      s = read.bytes === undefined ? { problems: read.diagnostics } : { bytes: read.bytes, problems: [] };
      this.files.set(absolute, s);
    }
    return s;
  }

  /** The file's bytes (undefined when it cannot be read). */
  bytes(file: { absolute: string; display: string }): Uint8Array | undefined {
    return this.stored(file.absolute, file.display).bytes;
  }

  /** The sha1 of the file's bytes (undefined when it cannot be read). */
  hash(file: { absolute: string; display: string }): string | undefined {
    const s = this.stored(file.absolute, file.display);
    if (s.bytes !== undefined) s.hash ??= sha1(s.bytes);
    return s.hash;
  }

  /** The file as UTF-8 text, or why it cannot be read (named as `display`). */
  readonly text: TextSource = (file) => {
    const s = this.stored(file.absolute, file.display);
    if (s.bytes === undefined)
      return { text: undefined, diagnostics: s.problems.map((d) => ({ ...d, file: file.display })) };
    return decodeUtf8(file.display, s.bytes);
  };

  /** Forget files (changed on disk): the next question reads them again. */
  forget(absolutes: Iterable<string>): void {
    for (const p of absolutes) this.files.delete(p);
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
  }

  /** Whether every folder could be walked without problem. */
  get clean(): boolean {
    return [
      ...this.ruleWalks.values(),
      ...this.intakeWalks.values(),
      ...(this.templateWalk ? [this.templateWalk] : []),
    ].every((w) => w.diagnostics.length === 0);
  }

  /**
   * A hash of every input file's path and bytes, in a fixed order (the run
   * memo's view of the inputs); each file is read here, once, for the run.
   */
  digest(): string {
    const hash = createHash('sha1');
    const add = (file: FoundFile) => {
      hash
        .update(file.absolute)
        .update('\u0000')
        .update(this.store.hash(file) ?? '\u0001missing')
        .update('\u0000');
    };
    for (const walk of [...this.ruleWalks.values(), ...this.intakeWalks.values()]) walk.files.forEach(add);
    this.templateWalk?.files.forEach(add);
    for (const file of this.spec.files) if (file) add({ absolute: file, display: displayPath(file, this.spec.cwd) });
    return hash.digest('hex');
  }
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

/**
 * Compare rendered files with the output folder: what would be added,
 * changed, left alone and removed. Reads only, and boundedly: a file found
 * where rulecat writes one must be a regular file inside the output folder
 * (a FIFO, a device, a folder or a link leading outside is a problem the run
 * stops on, never read); a generated file is compared by size first and
 * read at most to its expected size; an owned file is hashed in chunks.
 */
import path from 'node:path';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { hashFile, readBytes, ReadScope } from '../load/read-text.js';
import { displayPath } from '../load/walk-files.js';
import type { RenderedFile } from '../render/render.js';
import { staysInside } from './inside.js';
import { readManifest, type OutputManifest } from './manifest.js';

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
  /** Files in the way of generated ones that are not regular files of the folder: the run stops (exit 2). */
  problems: Diagnostic[];
}

/** How the output folder is named in messages. */
function folderPhrase(outDir: string, cwd: string): string {
  return `the output folder (${displayPath(outDir, cwd)})`;
}

/** A problem with what lies at a generated file's place: the message says what to do. */
function inTheWay(d: Diagnostic): Diagnostic {
  const what = d.message.replace(/, expected .*$/, '');
  return error(wholeFile(d.file), d.code, `${what}, expected a regular file written by rulecat or nothing; remove it`);
}

/** Where and how the output folder is read: bounded, inside the folder, named as the user named it. */
export interface DiskReader {
  /** How one generated file compares with the folder, or the problems in its way. */
  compare(file: { path: string; content?: string; hash?: string; bytes?: Buffer }): {
    status: 'added' | 'changed' | 'unchanged' | 'problem';
    problems?: Diagnostic[];
  };
}

export function diskReader(outDir: string, cwd = process.cwd()): DiskReader {
  const where = { within: new ReadScope(outDir), withinDisplay: folderPhrase(outDir, cwd), kind: 'output' as const };
  const shown = (rel: string) => displayPath(path.join(outDir, rel), cwd);
  return {
    compare(file) {
      const target = path.join(outDir, file.path);
      if (file.hash !== undefined && file.bytes === undefined) {
        const current = hashFile(target, { ...where, display: shown(file.path) });
        if (current.hash === undefined) {
          if (current.failure === 'missing') return { status: 'added' };
          if (current.failure === 'too-large') return { status: 'changed' };
          return { status: 'problem', problems: current.diagnostics.map(inTheWay) };
        }
        return { status: current.hash === file.hash ? 'unchanged' : 'changed' };
      }
      const expected = file.bytes ?? Buffer.from(file.content ?? '', 'utf8');
      // Read at most one byte more than expected: a larger file differs, whatever it holds.
      const current = readBytes(target, { ...where, display: shown(file.path), limit: expected.length });
      if (current.bytes !== undefined) return { status: current.bytes.equals(expected) ? 'unchanged' : 'changed' };
      if (current.failure === 'missing') return { status: 'added' };
      if (current.failure === 'too-large') return { status: 'changed' };
      return { status: 'problem', problems: current.diagnostics.map(inTheWay) };
    },
  };
}

/** Owned files (in the previous manifest) that are no longer generated: removed when still as written, else kept. */
export function ownedLeftovers(
  outDir: string,
  previous: OutputManifest,
  generated: ReadonlySet<string>,
  cwd = process.cwd(),
): { removed: string[]; kept: string[]; notes: string[] } {
  const where = { within: new ReadScope(outDir), withinDisplay: folderPhrase(outDir, cwd), kind: 'output' as const };
  const shown = (rel: string) => displayPath(path.join(outDir, rel), cwd);
  const out = { removed: [] as string[], kept: [] as string[], notes: [] as string[] };
  for (const [owned, hash] of Object.entries(previous.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (generated.has(owned)) continue;
    if (!staysInside(outDir, owned)) {
      out.notes.push(`${owned} is reached through a symbolic link leading outside the output folder; left in place`);
      continue;
    }
    const current = hashFile(path.join(outDir, owned), { ...where, display: shown(owned) });
    if (current.hash === undefined) {
      if (current.failure !== 'missing')
        out.notes.push(`${owned} is not the file rulecat wrote (${current.diagnostics[0]?.message}); left in place`);
      continue;
    }
    if (current.hash === hash) out.removed.push(owned);
    else out.kept.push(owned);
  }
  return out;
}

/** A diff with nothing compared yet, over the output folder's ownership manifest (read here). */
export function startDiff(outDir: string): OutputDiff {
  const { manifest: previous, problem } = readManifest(outDir);
  return {
    outDir,
    added: [],
    changed: [],
    unchanged: [],
    removed: [],
    kept: [],
    previous,
    notes: problem ? [problem] : [],
    problems: [],
  };
}

export function diffOutput(outDir: string, files: readonly RenderedFile[], cwd = process.cwd()): OutputDiff {
  const diff = startDiff(outDir);
  const reader = diskReader(outDir, cwd);
  const generated = new Set<string>();
  for (const file of files) {
    generated.add(file.path);
    const { status, problems } = reader.compare(file);
    if (status === 'added') diff.added.push(file);
    else if (status === 'changed') diff.changed.push(file);
    else if (status === 'unchanged') diff.unchanged.push(file.path);
    else diff.problems.push(...(problems ?? []));
  }
  const leftovers = ownedLeftovers(outDir, diff.previous, generated, cwd);
  diff.removed = leftovers.removed;
  diff.kept = leftovers.kept;
  diff.notes.push(...leftovers.notes);
  return diff;
}

export function hasChanges(diff: OutputDiff): boolean {
  return diff.added.length + diff.changed.length + diff.removed.length > 0;
}

/**
 * Intakes in, from folders in the intake-formats layout:
 *   <Module>/_meta/manifest.yml              a vendor module (not an intake)
 *   <Module>/<intake>/_meta/manifest.yml     an intake
 *   <Module>/<intake>/_meta/fields.yml       its custom fields
 *   <Module>/<intake>/ingest/parser.yml      its parser
 *   <Module>/<intake>/tests/*.json           parsed test events
 * A manifest is a module's when another manifest lies below its folder.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { error, type Diagnostic, type Place } from '../diagnostics.js';
import type { Scalar } from '../model/detection.js';
import { buildIntake, eventPaths, readFieldsFile, readManifest, type Intake } from '../model/intake.js';
import { readParserFacts, type ParserFacts } from '../model/parser.js';
import { jsonDepth } from './json-depth.js';
import {
  InputFiles,
  INTAKE,
  intakeFileHow,
  isIntakeFile,
  readFromDisk,
  TEST_EVENT,
  type TextSource,
} from './input-files.js';
import { InputCache } from './input-cache.js';
import { locatorsOf, readYamlFile } from './read-yaml-file.js';
import { packPlaces, unpackPlacesOnRead } from '../model/intake-places.js';
import { revivePlaces } from '../model/source-doc.js';
import { walkFiles, type FoundFile } from './walk-files.js';

export { isIntakeFile };

export interface IntakeOptions {
  platformFields: readonly string[];
}

/** Deepest test event read (events are walked recursively). */
const MAX_EVENT_DEPTH = 200;

const MANIFEST = `${path.sep}_meta${path.sep}manifest.yml`;

function jsonErrorPlace(file: string, text: string, message: string) {
  const m = /position (\d+)/.exec(message);
  if (!m) return { file, line: 1, col: 1 };
  const before = text.slice(0, Number(m[1])).split('\n');
  return { file, line: before.length, col: before[before.length - 1].length + 1 };
}

/** Line and column of offsets in a text, from the offsets where its lines start (found once, when first asked). */
class LineIndex {
  private starts: number[] | undefined;
  /** Where `"expected"` is first written (0 when it is not). */
  readonly expected: number;

  constructor(private readonly text: string) {
    this.expected = Math.max(0, text.indexOf('"expected"'));
  }

  place(file: string, offset: number): Place {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - starts[lo] + 1 };
  }
}

/** Where a dot-path of an event's `expected` output is written: its last key after `"expected"`, else the file's start. */
function expectedPlace(file: string, text: string, lines: LineIndex, dotPath: string): Place {
  const start = lines.expected;
  const key = JSON.stringify(dotPath.slice(dotPath.lastIndexOf('.') + 1));
  const offset = text.indexOf(key, start);
  if (offset < 0) return { file, line: 1, col: 1 };
  return lines.place(file, offset);
}

function readTestEvents(
  files: FoundFile[],
  diagnostics: Diagnostic[],
  source: TextSource,
): { observed: Map<string, Scalar[]>; places: Map<string, Place>; count: number } {
  const observed = new Map<string, Scalar[]>();
  const places = new Map<string, Place>();
  let count = 0;
  for (const file of files) {
    const { text, diagnostics: problems } = source(file, TEST_EVENT);
    diagnostics.push(...problems);
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      diagnostics.push(
        error(
          jsonErrorPlace(file.display, text, String(e)),
          'test-json',
          `Invalid JSON in test event: ${(e as Error).message}`,
        ),
      );
      continue;
    }
    const expected =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>).expected : undefined;
    if (expected === undefined) continue;
    if (jsonDepth(expected, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH) {
      diagnostics.push(
        error(
          { file: file.display, line: 1, col: 1 },
          'test-json-depth',
          `Test event nests deeper than ${MAX_EVENT_DEPTH} levels, expected a flatter event`,
        ),
      );
      continue;
    }
    count++;
    // Paths seen first in this event are added to `observed` (and placed) as they are met, in eventPaths' order.
    const lines = new LineIndex(text);
    eventPaths(expected, '', observed, (p) => places.set(p, expectedPlace(file.display, text, lines, p)));
  }
  return { observed, places, count };
}

export interface IntakeFolder {
  dir: string;
  display: string;
  manifest: FoundFile;
  module: { folder: string; manifest?: FoundFile };
  files: FoundFile[];
}

/** Group found files into intake folders; manifests with manifests below them are modules. */
export function findIntakeFolders(files: FoundFile[]): IntakeFolder[] {
  const manifests = new Map<string, FoundFile>();
  for (const f of files) if (f.absolute.endsWith(MANIFEST)) manifests.set(f.absolute.slice(0, -MANIFEST.length), f);
  const modules = new Set<string>();
  for (const dir of manifests.keys()) {
    for (let up = path.dirname(dir); up !== path.dirname(up); up = path.dirname(up)) {
      if (manifests.has(up)) modules.add(up);
    }
  }
  const folders = new Map<string, IntakeFolder>();
  for (const [dir, manifest] of manifests) {
    if (modules.has(dir)) continue;
    let moduleDir = path.dirname(dir);
    while (!modules.has(moduleDir) && moduleDir !== path.dirname(moduleDir)) moduleDir = path.dirname(moduleDir);
    const hasModule = modules.has(moduleDir);
    folders.set(dir, {
      dir,
      display: manifest.display.slice(0, -MANIFEST.length),
      manifest,
      module: {
        folder: path.basename(hasModule ? moduleDir : path.dirname(dir)),
        manifest: hasModule ? manifests.get(moduleDir) : undefined,
      },
      files: [],
    });
  }
  for (const f of files) {
    for (let up = path.dirname(f.absolute); up !== path.dirname(up); up = path.dirname(up)) {
      const folder = folders.get(up);
      if (folder) {
        folder.files.push(f);
        break;
      }
      if (modules.has(up)) break;
    }
  }
  return [...folders.values()];
}

export function readIntakeFolder(
  folder: IntakeFolder,
  options: IntakeOptions,
  source: TextSource = readFromDisk,
): { intake?: Intake; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const local = (f: FoundFile) =>
    f.absolute
      .slice(folder.dir.length + 1)
      .split(path.sep)
      .join('/');
  const manifestDoc = readYamlFile(
    folder.manifest.absolute,
    folder.manifest.display,
    diagnostics,
    false,
    source,
    INTAKE,
  );
  const manifest = manifestDoc && readManifest(manifestDoc, diagnostics);
  const moduleDoc =
    folder.module.manifest &&
    readYamlFile(folder.module.manifest.absolute, folder.module.manifest.display, diagnostics, false, source, INTAKE);
  const moduleName =
    moduleDoc && typeof (moduleDoc.value as Record<string, unknown> | null)?.name === 'string'
      ? String((moduleDoc.value as Record<string, unknown>).name)
      : undefined;
  let parser: ParserFacts | undefined;
  const parserFile = folder.files.find((f) => local(f) === 'ingest/parser.yml');
  if (parserFile) {
    const doc = readYamlFile(parserFile.absolute, parserFile.display, diagnostics, false, source, INTAKE);
    if (doc) parser = readParserFacts(doc, diagnostics);
  }
  let declaredFields: string[] = [];
  const declaredPlaces = new Map<string, Place>();
  const fieldsFile = folder.files.find((f) => local(f) === '_meta/fields.yml');
  if (fieldsFile) {
    const doc = readYamlFile(fieldsFile.absolute, fieldsFile.display, diagnostics, true, source, INTAKE);
    if (doc) declaredFields = readFieldsFile(doc, diagnostics, declaredPlaces);
  }
  const tests = readTestEvents(
    folder.files.filter((f) => /^tests\/[^/]+\.json$/.test(local(f))),
    diagnostics,
    source,
  );
  if (!manifest || !manifestDoc) return { diagnostics };
  const intake = buildIntake({
    manifest,
    manifestFile: folder.manifest.display,
    place: manifestDoc.place([]),
    folder: folder.display,
    module: { folder: folder.module.folder, name: moduleName },
    parser,
    declaredFields,
    declaredPlaces,
    observed: tests.observed,
    observedPlaces: tests.places,
    testEvents: tests.count,
    platformFields: options.platformFields,
  });
  return { intake, diagnostics };
}

/** The YAML files of an intake folder (where the places of its model can be). */
function folderYamlFiles(folder: IntakeFolder): FoundFile[] {
  return [folder.manifest, ...(folder.module.manifest ? [folder.module.manifest] : []), ...folder.files].filter((f) =>
    /\.ya?ml$/i.test(f.absolute),
  );
}

/** Hash of everything an intake is built from: its files (names and bytes) and its module manifest. */
export function folderHash(folder: IntakeFolder, store: InputFiles, known = false): string | undefined {
  const hash = createHash('sha1');
  for (const f of [...(folder.module.manifest ? [folder.module.manifest] : []), ...folder.files]) {
    const h = known ? store.knownHash(f, intakeFileHow(f.absolute)) : store.hash(f, intakeFileHow(f.absolute));
    if (h === undefined) return undefined; // unreadable: parse it to report why
    hash.update(f.display).update('\u0000').update(h).update('\u0000');
  }
  return hash.digest('hex');
}

export type CachedIntake = { intake?: Intake; diagnostics: Diagnostic[] };

/** The input cache of the intake folders under `root`. */
export function openIntakeCache(
  cacheDir: string | undefined,
  root: string,
  options: IntakeOptions,
): InputCache<CachedIntake> {
  return InputCache.open<CachedIntake>(cacheDir, 'intakes', root, JSON.stringify(options));
}

/** One intake folder, from the input cache when none of its files changed; files read through `store`. */
export function readIntakeFolderCached(
  folder: IntakeFolder,
  options: IntakeOptions,
  cache: InputCache<CachedIntake>,
  store: InputFiles,
): CachedIntake {
  // Looked up by the hashes a previous run's stats vouch for; stored under the hashes of the bytes parsed.
  const known = folderHash(folder, store, true);
  const hit = known === undefined ? undefined : cache.get(folder.display, known);
  const locatorOf = locatorsOf(folderYamlFiles(folder), store.text, INTAKE);
  const unpacked = (r: CachedIntake) => {
    if (r.intake) unpackPlacesOnRead(r.intake, locatorOf);
    return r;
  };
  if (hit) return unpacked(revivePlaces(hit, locatorOf));
  // Kept and stored with its places packed (most of an intake's size, read only by explain and gaps).
  const result = readIntakeFolder(folder, options, store.text);
  if (result.intake) packPlaces(result.intake);
  const hash = folderHash(folder, store);
  if (hash !== undefined) cache.set(folder.display, hash, result);
  return unpacked(result);
}

/** All intakes under the given folders, in path order (unchanged folders come from the input cache). */
export function readIntakes(
  roots: readonly string[],
  options: IntakeOptions,
  cwd = process.cwd(),
  cacheDir?: string,
): { intakes: Intake[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const intakes: Intake[] = [];
  const store = new InputFiles();
  for (const root of roots) {
    const walked = walkFiles(root, isIntakeFile, cwd);
    diagnostics.push(...walked.diagnostics);
    const cache = openIntakeCache(cacheDir, root, options);
    for (const folder of findIntakeFolders(walked.files)) {
      const result = readIntakeFolderCached(folder, options, cache, store);
      if (result.intake) intakes.push(result.intake);
      diagnostics.push(...result.diagnostics);
    }
    cache.save();
  }
  return { intakes, diagnostics };
}

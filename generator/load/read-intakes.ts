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
import { readBytesOrThrow, readText } from './read-text.js';
import { InputCache } from './input-cache.js';
import { readYamlFile } from './read-yaml-file.js';
import { walkFiles, type FoundFile } from './walk-files.js';

export const isIntakeFile = (name: string) => /\.(ya?ml|json)$/i.test(name);

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

/** Where a dot-path of an event's `expected` output is written: its last key after `"expected"`, else the file's start. */
function expectedPlace(file: string, text: string, dotPath: string): Place {
  const start = Math.max(0, text.indexOf('"expected"'));
  const key = JSON.stringify(dotPath.slice(dotPath.lastIndexOf('.') + 1));
  const offset = text.indexOf(key, start);
  if (offset < 0) return { file, line: 1, col: 1 };
  const before = text.slice(0, offset).split('\n');
  return { file, line: before.length, col: before[before.length - 1].length + 1 };
}

function readTestEvents(
  files: FoundFile[],
  diagnostics: Diagnostic[],
): { observed: Map<string, Scalar[]>; places: Map<string, Place>; count: number } {
  const observed = new Map<string, Scalar[]>();
  const places = new Map<string, Place>();
  let count = 0;
  for (const file of files) {
    const { text, diagnostics: problems } = readText(file.absolute, file.display, {
      kind: 'test-event',
      noFollow: true,
    });
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
    for (const [p, values] of eventPaths(expected)) {
      if (!places.has(p)) places.set(p, expectedPlace(file.display, text, p));
      const list = observed.get(p) ?? [];
      for (const v of values) if (!list.includes(v)) list.push(v);
      observed.set(p, list);
    }
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
): { intake?: Intake; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const local = (f: FoundFile) =>
    f.absolute
      .slice(folder.dir.length + 1)
      .split(path.sep)
      .join('/');
  const manifestDoc = readYamlFile(folder.manifest.absolute, folder.manifest.display, diagnostics);
  const manifest = manifestDoc && readManifest(manifestDoc, diagnostics);
  const moduleDoc =
    folder.module.manifest &&
    readYamlFile(folder.module.manifest.absolute, folder.module.manifest.display, diagnostics);
  const moduleName =
    moduleDoc && typeof (moduleDoc.value as Record<string, unknown> | null)?.name === 'string'
      ? String((moduleDoc.value as Record<string, unknown>).name)
      : undefined;
  let parser: ParserFacts | undefined;
  const parserFile = folder.files.find((f) => local(f) === 'ingest/parser.yml');
  if (parserFile) {
    const doc = readYamlFile(parserFile.absolute, parserFile.display, diagnostics);
    if (doc) parser = readParserFacts(doc, diagnostics);
  }
  let declaredFields: string[] = [];
  const declaredPlaces = new Map<string, Place>();
  const fieldsFile = folder.files.find((f) => local(f) === '_meta/fields.yml');
  if (fieldsFile) {
    const doc = readYamlFile(fieldsFile.absolute, fieldsFile.display, diagnostics, true);
    if (doc) declaredFields = readFieldsFile(doc, diagnostics, declaredPlaces);
  }
  const tests = readTestEvents(
    folder.files.filter((f) => /^tests\/[^/]+\.json$/.test(local(f))),
    diagnostics,
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

/** Hash of everything an intake is built from: its files (names and bytes) and its module manifest. */
export function folderHash(folder: IntakeFolder): string | undefined {
  const hash = createHash('sha1');
  try {
    for (const f of [...(folder.module.manifest ? [folder.module.manifest] : []), ...folder.files]) {
      hash
        .update(f.display)
        .update('\u0000')
        .update(readBytesOrThrow(f.absolute, { kind: 'intake', noFollow: true }))
        .update('\u0000');
    }
  } catch {
    return undefined; // unreadable: parse it to report why
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

/** One intake folder, from the input cache when none of its files changed. */
export function readIntakeFolderCached(
  folder: IntakeFolder,
  options: IntakeOptions,
  cache: InputCache<CachedIntake>,
): CachedIntake {
  const hash = folderHash(folder);
  let result = hash === undefined ? undefined : cache.get(folder.display, hash);
  if (!result) {
    result = readIntakeFolder(folder, options);
    if (hash !== undefined) cache.set(folder.display, hash, result);
  }
  return result;
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
  for (const root of roots) {
    const walked = walkFiles(root, isIntakeFile, cwd);
    diagnostics.push(...walked.diagnostics);
    const cache = openIntakeCache(cacheDir, root, options);
    for (const folder of findIntakeFolders(walked.files)) {
      const result = readIntakeFolderCached(folder, options, cache);
      if (result.intake) intakes.push(result.intake);
      diagnostics.push(...result.diagnostics);
    }
    cache.save();
  }
  return { intakes, diagnostics };
}

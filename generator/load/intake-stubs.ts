/**
 * One intake without reading every intake: the intake folders are listed,
 * only their manifests are read (to resolve a uuid, name or slug and the
 * rules' `intakes:` lists), and only the chosen folder is read in full.
 */
import type { Diagnostic, Place } from '../diagnostics.js';
import { InputCache } from './input-cache.js';
import { sha1 } from '../hash.js';
import { findIntakeFolders, readIntakeFolder, type IntakeFolder, type IntakeOptions } from './read-intakes.js';
import { readBytesOrThrow } from './read-text.js';
import { readYamlFile } from './read-yaml-file.js';
import { walkFiles, type FoundFile } from './walk-files.js';
import { buildIntake, readManifest, type Intake, type Manifest } from '../model/intake.js';

export interface IntakeCandidates {
  /**
   * One intake per readable manifest, in the order `readIntakes` gives:
   * identity only (uuid, name, slug, folder), no fields.
   */
  stubs: Intake[];
  /** The folder each stub was read from. */
  folderOf: Map<Intake, IntakeFolder>;
  diagnostics: Diagnostic[];
}

const INTAKE_FILE = (name: string) => /\.(ya?ml|json)$/i.test(name);

type ReadManifest = { manifest?: Manifest; place?: Place; diagnostics: Diagnostic[] };

function readManifestFile(file: FoundFile): ReadManifest {
  const diagnostics: Diagnostic[] = [];
  const doc = readYamlFile(file.absolute, file.display, diagnostics);
  const manifest = doc && readManifest(doc, diagnostics);
  return { manifest, place: doc?.place([]), diagnostics };
}

/** The manifest's identity, from the input cache when its bytes did not change. */
function cachedManifest(file: FoundFile, cache: InputCache<ReadManifest>): ReadManifest {
  let bytes: Buffer;
  try {
    bytes = readBytesOrThrow(file.absolute, { kind: 'intake', noFollow: true });
  } catch {
    return readManifestFile(file);
  }
  const hash = sha1(bytes);
  const hit = cache.get(file.display, hash);
  if (hit) return hit;
  const read = readManifestFile(file);
  cache.set(file.display, hash, read);
  return read;
}

/** List the intake folders under `roots` and read their manifests only (through the input cache in `cacheDir`). */
export function listIntakes(roots: readonly string[], cwd: string, cacheDir?: string): IntakeCandidates {
  const diagnostics: Diagnostic[] = [];
  const stubs: Intake[] = [];
  const folderOf = new Map<Intake, IntakeFolder>();
  for (const root of roots) {
    const walked = walkFiles(root, INTAKE_FILE, cwd);
    diagnostics.push(...walked.diagnostics);
    const cache = new InputCache<ReadManifest>(cacheDir, 'manifests', root, '');
    for (const folder of findIntakeFolders(walked.files)) {
      const { manifest, place, diagnostics: problems } = cachedManifest(folder.manifest, cache);
      diagnostics.push(...problems);
      if (!manifest || !place) continue;
      const stub = buildIntake({
        manifest,
        manifestFile: folder.manifest.display,
        place,
        folder: folder.display,
        module: { folder: folder.module.folder },
        declaredFields: [],
        observed: new Map(),
        testEvents: 0,
        platformFields: [],
      });
      stubs.push(stub);
      folderOf.set(stub, folder);
    }
    cache.save();
  }
  return { stubs, folderOf, diagnostics };
}

/**
 * Read the chosen intake's folder in full (manifest, module manifest, parser,
 * fields, test events). `intakes` is the list of stubs with the chosen one
 * replaced by the full intake, in folder order.
 */
export function readChosenIntake(
  candidates: IntakeCandidates,
  stub: Intake,
  options: IntakeOptions,
): { intake?: Intake; intakes: Intake[]; diagnostics: Diagnostic[] } {
  const folder = candidates.folderOf.get(stub);
  if (!folder) throw new Error(`readChosenIntake: ${stub.name} is not one of the candidates`);
  const { intake, diagnostics } = readIntakeFolder(folder, options);
  const intakes = intake ? candidates.stubs.map((s) => (s === stub ? intake : s)) : candidates.stubs;
  return { intake, intakes, diagnostics };
}

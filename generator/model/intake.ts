/**
 * An intake: a log source with the fields its parser produces and the facts
 * about their values, from the intake-formats layout.
 */
import { error, type Diagnostic, type Place } from '../diagnostics.js';
import type { YamlDoc } from './source-doc.js';
import type { Scalar } from './detection.js';
import type { ParserFacts } from './parser.js';
import { isMap } from './yaml-values.js';

export type FieldOrigin = 'parser' | 'fields.yml' | 'tests' | 'platform';

export interface Intake {
  uuid: string;
  name: string;
  slug: string;
  description: string;
  /** Names of the manifest's `data_sources`. */
  dataSources: string[];
  /** The vendor module the intake belongs to (its folder, and its manifest name when there is one). */
  module: { folder: string; name?: string };
  /** Folder of the intake as shown in messages. */
  folder: string;
  manifestFile: string;
  place: Place;
  /** Every field the intake's events can carry, with why we believe so. */
  fields: Map<string, FieldOrigin[]>;
  /** Fields that only ever take literal values (from the parser, consistent with the tests). */
  constants: Map<string, Scalar[]>;
  /** ECS field → raw source paths the parser fills it from. */
  sources: Map<string, string[]>;
  /**
   * Where each field is produced: the parser's `set` key or `translate` target, else its `_meta/fields.yml`
   * entry, else the first test event showing it (platform fields have none). Absent on intakes built in memory.
   */
  fieldPlaces?: Map<string, Place>;
  /** ECS field → raw source path → where the parser's template copies it. */
  sourcePlaces?: Map<string, Map<string, Place>>;
  /**
   * `fieldPlaces` and `sourcePlaces` packed in one string (`intake-places.ts`): how loaders keep them, unpacked
   * when first read.
   */
  packedPlaces?: string;
  /** Raw paths the parser's templates read without copying them (filters, conditions…) → where first read. */
  reads?: Map<string, Place | undefined>;
  /** Parser external stage names → their kind (`json_event` → `json.parse-json`). */
  externals: Map<string, string>;
  /**
   * Values seen in the test events, per dot-path (strings longer than
   * `MAX_OBSERVED_LENGTH` left out): evidence of what the intake is (an
   * operating system named in `host.os.type`, the style of its paths).
   */
  observed: Map<string, Scalar[]>;
  /** Number of test events read. */
  testEvents: number;
}

/** Longest observed string kept on the intake (raw messages are no evidence of a kind and cost memory). */
export const MAX_OBSERVED_LENGTH = 512;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Manifest {
  uuid: string;
  name: string;
  slug: string;
  description: string;
  dataSources: string[];
}

/** Read an intake manifest; the uuid must be a UUID (it becomes part of output file names). */
export function readManifest(doc: YamlDoc, diagnostics: Diagnostic[]): Manifest | undefined {
  const root = doc.value;
  if (!isMap(root)) {
    diagnostics.push(
      error(doc.place([]), 'manifest-type', 'Unexpected value at top level, expected a map with uuid, name and slug'),
    );
    return undefined;
  }
  let ok = true;
  const text = (key: string, required: boolean): string => {
    const v = root[key];
    if (typeof v === 'string' && v.trim() !== '') return v;
    if (typeof v === 'number') return String(v);
    if (required) {
      diagnostics.push(
        error(
          v === undefined ? doc.place([]) : doc.place([key]),
          `manifest-${key}`,
          v === undefined
            ? `Missing "${key}", expected a non-empty string`
            : `Unexpected value for "${key}", expected a non-empty string`,
        ),
      );
      ok = false;
    }
    return '';
  };
  const uuid = text('uuid', true);
  if (uuid && !UUID.test(uuid)) {
    diagnostics.push(
      error(
        doc.place(['uuid']),
        'manifest-uuid',
        `Unexpected uuid ${JSON.stringify(uuid)}, expected a UUID such as 0b5c0d2a-6c7e-4d1a-9f0e-2b8f6d3c4a51`,
      ),
    );
    ok = false;
  }
  const name = text('name', true);
  const slug = text('slug', false);
  const dataSources = isMap(root.data_sources)
    ? Object.keys(root.data_sources)
    : Array.isArray(root.data_sources)
      ? root.data_sources.filter((x): x is string => typeof x === 'string')
      : [];
  if (!ok) return undefined;
  return { uuid: uuid.toLowerCase(), name, slug, description: text('description', false), dataSources };
}

/** Field names declared in `_meta/fields.yml` (a map name → {name, type, description}); their places go to `places`. */
export function readFieldsFile(doc: YamlDoc, diagnostics: Diagnostic[], places?: Map<string, Place>): string[] {
  const root = doc.value;
  if (root === null || root === undefined) return [];
  if (!isMap(root)) {
    diagnostics.push(
      error(
        doc.place([]),
        'fields-type',
        'Unexpected value at top level, expected a map of field name: {name, type, description}',
      ),
    );
    return [];
  }
  return Object.entries(root).map(([key, v]) => {
    const name = isMap(v) && typeof v.name === 'string' ? v.name : key;
    if (places && !places.has(name)) places.set(name, doc.place([key], 'key'));
    return name;
  });
}

/** Dot-paths of the leaf values of a parsed test event (arrays of objects are walked through). */
export function eventPaths(
  event: unknown,
  prefix = '',
  out = new Map<string, Scalar[]>(),
  added?: (path: string) => void,
): Map<string, Scalar[]> {
  if (Array.isArray(event)) {
    if (event.some(isMap)) for (const e of event) eventPaths(e, prefix, out, added);
    else if (prefix) {
      if (event.length === 0) listOf(out, prefix, added); // the path is observed, with no value
      for (const v of event) addValue(out, prefix, v, added);
    }
    return out;
  }
  if (isMap(event)) {
    for (const k in event) {
      if (Object.prototype.hasOwnProperty.call(event, k))
        eventPaths(event[k], prefix ? `${prefix}.${k}` : k, out, added);
    }
    return out;
  }
  if (prefix) addValue(out, prefix, event, added);
  return out;
}

function listOf(out: Map<string, Scalar[]>, path: string, added?: (path: string) => void): Scalar[] {
  let list = out.get(path);
  if (!list) {
    out.set(path, (list = []));
    added?.(path);
  }
  return list;
}

/** Add one value of `path` (a scalar, or another value as JSON) unless it is there; `added` hears of a new path. */
function addValue(out: Map<string, Scalar[]>, path: string, v: unknown, added?: (path: string) => void): void {
  const list = listOf(out, path, added);
  const t = typeof v;
  const s = (v === null || t === 'string' || t === 'number' || t === 'boolean' ? v : JSON.stringify(v)) as Scalar;
  if (!list.includes(s)) list.push(s);
}

export interface IntakeParts {
  manifest: Manifest;
  manifestFile: string;
  place: Place;
  folder: string;
  module: { folder: string; name?: string };
  parser?: ParserFacts;
  declaredFields: string[];
  /** Where `declaredFields` are declared. */
  declaredPlaces?: Map<string, Place>;
  /** Observed values per dot-path over all test events. */
  observed: Map<string, Scalar[]>;
  /** Where each observed dot-path is first shown. */
  observedPlaces?: Map<string, Place>;
  testEvents: number;
  platformFields: readonly string[];
}

/** Where each field is produced, by the first origin that knows: parser, fields.yml, tests. */
function fieldPlaces(parts: IntakeParts): Map<string, Place> {
  const out = new Map(parts.parser?.fieldPlaces ?? []);
  for (const places of [parts.declaredPlaces, parts.observedPlaces])
    for (const [field, place] of places ?? []) if (!out.has(field)) out.set(field, place);
  return out;
}

/** Paths only read, with where they are read first. */
function readPlaces(parser: ParserFacts | undefined): Map<string, Place | undefined> {
  const out = new Map<string, Place | undefined>();
  for (const path of parser?.reads ?? []) out.set(path, parser?.readPlaces?.get(path));
  return out;
}

/** Combine what the manifest, parser, fields.yml and tests say into one intake. */
export function buildIntake(parts: IntakeParts): Intake {
  const fields = new Map<string, FieldOrigin[]>();
  const add = (field: string, origin: FieldOrigin) => {
    const list = fields.get(field);
    if (!list) fields.set(field, [origin]);
    else if (!list.includes(origin)) list.push(origin);
  };
  for (const f of parts.parser?.fields ?? []) add(f, 'parser');
  for (const f of parts.declaredFields) add(f, 'fields.yml');
  for (const f of parts.observed.keys()) add(f, 'tests');
  for (const f of parts.platformFields) add(f, 'platform');
  // A literal-only field stays constant only if no test event shows another value.
  const constants = new Map<string, Scalar[]>();
  for (const [field, values] of parts.parser?.literals ?? []) {
    const seen = parts.observed.get(field) ?? [];
    if (seen.every((v) => values.includes(v))) constants.set(field, values);
  }
  const observed = new Map<string, Scalar[]>();
  for (const [field, values] of parts.observed) {
    const kept = values.filter((v) => typeof v !== 'string' || v.length <= MAX_OBSERVED_LENGTH);
    if (kept.length > 0) observed.set(field, kept);
  }
  return {
    uuid: parts.manifest.uuid,
    name: parts.manifest.name,
    slug: parts.manifest.slug,
    description: parts.manifest.description,
    dataSources: parts.manifest.dataSources,
    module: parts.module,
    folder: parts.folder,
    manifestFile: parts.manifestFile,
    place: parts.place,
    fields,
    constants,
    sources: parts.parser?.sources ?? new Map(),
    fieldPlaces: fieldPlaces(parts),
    sourcePlaces: parts.parser?.sourcePlaces ?? new Map(),
    reads: readPlaces(parts.parser),
    externals: parts.parser?.externals ?? new Map(),
    observed,
    testEvents: parts.testEvents,
  };
}

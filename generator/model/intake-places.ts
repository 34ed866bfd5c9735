/**
 * An intake's places (where each field is produced, where each source path is
 * copied) kept packed: one string per intake instead of two maps of place
 * objects. They are only read by explain and gaps, yet they were most of an
 * intake's model (about 60% of the input cache, and of the memory of a run
 * over thousands of intakes). A packed intake gets its `fieldPlaces` and
 * `sourcePlaces` back, unchanged and in the same order, the first time
 * something reads them.
 *
 * Packed form (JSON): `[files, prefixes, fields, sources]` where `files` lists
 * the file names once and `prefixes` the paths of refs but their last step
 * (places of one parser action share one); `fields` is `[field, ...place]`
 * and `sources` is `[field, [raw, ...place]...]`, a place being
 * `[file, prefix]` (a lazy place whose ref ends with the key it is stored
 * under), `[file, prefix, last]` (its last step; null for a ref without steps)
 * or `[-1 - file, line, col]` (a place already known, as in a test event).
 */
import type { Place } from '../diagnostics.js';
import type { Intake } from './intake.js';
import { SourcePlace, type Locator } from './source-doc.js';

/** A place as packed (see above). */
type PackedPlace = number[] | [number, number, string | null];

const SEP = '\u0000';

/** Tables shared by the places of one intake: file names, and ref prefixes (a ref's path but its last step). */
class Tables {
  readonly files = new Map<string, number>();
  readonly prefixes = new Map<string, number>();

  index(map: Map<string, number>, key: string): number {
    let i = map.get(key);
    if (i === undefined) map.set(key, (i = map.size));
    return i;
  }

  pack(place: Place, key: string): PackedPlace {
    const file = this.index(this.files, place.file);
    const stored = place as Partial<{ ref: string; line: number }>;
    // A SourcePlace, or one read back from the input cache before its revival (`{file, ref}`).
    const ref = place instanceof SourcePlace ? place.ref : stored.line === undefined ? stored.ref : undefined;
    if (typeof ref !== 'string') return [-1 - file, place.line, place.col];
    const cut = ref.lastIndexOf(SEP);
    const prefix = this.index(this.prefixes, cut < 0 ? ref : ref.slice(0, cut));
    if (cut < 0) return [file, prefix, null];
    const last = ref.slice(cut + 1);
    return last === key ? [file, prefix] : [file, prefix, last];
  }
}

/**
 * Replace the intake's `fieldPlaces` and `sourcePlaces` by their packed form
 * (`packedPlaces`). Changes `intake` and returns it; an intake without places
 * (built in memory) is left as it is.
 */
export function packPlaces(intake: Intake): Intake {
  if (intake.packedPlaces !== undefined || (!intake.fieldPlaces && !intake.sourcePlaces)) return intake;
  const t = new Tables();
  const fields = [...(intake.fieldPlaces ?? [])].map(([field, place]) => [field, ...t.pack(place, field)]);
  const sources = [...(intake.sourcePlaces ?? [])].map(([field, raws]) => [
    field,
    ...[...raws].map(([raw, place]) => [raw, ...t.pack(place, field)]),
  ]);
  intake.packedPlaces = JSON.stringify([[...t.files.keys()], [...t.prefixes.keys()], fields, sources]);
  delete intake.fieldPlaces;
  delete intake.sourcePlaces;
  return intake;
}

/**
 * Give a packed intake its `fieldPlaces` and `sourcePlaces` again, unpacked
 * when first read (places in YAML files bound to `locatorOf`'s locators).
 * The properties are not enumerable: the intake is stored and sent packed.
 */
export function unpackPlacesOnRead(intake: Intake, locatorOf: (file: string) => Locator | undefined): Intake {
  const packed = intake.packedPlaces;
  if (packed === undefined) return intake;
  let unpacked: { fieldPlaces: Map<string, Place>; sourcePlaces: Map<string, Map<string, Place>> } | undefined;
  const unpack = () => {
    if (unpacked) return unpacked;
    const [files, prefixes, fields, sources] = JSON.parse(packed) as [string[], string[], unknown[][], unknown[][]];
    const place = (p: unknown[], key: string): Place => {
      const at = p[0] as number;
      if (at < 0) return { file: files[-1 - at], line: p[1] as number, col: p[2] as number };
      const file = files[at];
      const prefix = prefixes[p[1] as number];
      const ref = p.length < 3 ? `${prefix}${SEP}${key}` : p[2] === null ? prefix : `${prefix}${SEP}${p[2] as string}`;
      return new SourcePlace(file, ref, locatorOf(file));
    };
    unpacked = {
      fieldPlaces: new Map(fields.map(([field, ...p]) => [field as string, place(p, field as string)])),
      sourcePlaces: new Map(
        sources.map(([field, ...raws]) => [
          field as string,
          new Map((raws as unknown[][]).map(([raw, ...p]) => [raw as string, place(p, field as string)])),
        ]),
      ),
    };
    return unpacked;
  };
  Object.defineProperty(intake, 'fieldPlaces', {
    get: () => unpack().fieldPlaces,
    enumerable: false,
    configurable: true,
  });
  Object.defineProperty(intake, 'sourcePlaces', {
    get: () => unpack().sourcePlaces,
    enumerable: false,
    configurable: true,
  });
  return intake;
}

/**
 * A document as the model builders see it: a plain value, and where each
 * part of it was written (for messages such as `rules/x.yml:12:3`). The
 * loaders make these from YAML (`load/read-yaml.ts`); the model never reads
 * files itself.
 *
 * Places are lazy: the loaders parse without positions, and a place finds
 * its line and column (by parsing its file again, with positions) only when
 * something reads them, in practice when a diagnostic is made from it. A
 * place kept in a model costs a small object until then, and survives the
 * input cache's serialisation as plain data (`revivePlaces` makes it a place
 * again, bound to its file).
 */
import type { Place } from '../diagnostics.js';

/** Keys and list indexes from the document's root to a value. */
export type YamlPath = readonly (string | number)[];

/** One document: its plain value and the places of its parts. */
export interface YamlDoc {
  file: string;
  value: unknown;
  /** Place of the value at `path` (or of its key), falling back to the nearest known ancestor. */
  place(path: YamlPath, of?: 'key' | 'value'): Place;
  /** Place of the character at `offset` inside the string value at `path`. */
  textPlace(path: YamlPath, offset: number): Place;
}

/** Finds places of one file's documents (parsing it with positions once, when first asked). */
export interface Locator {
  locate(ref: string): { line: number; col: number };
}

const SEP = '\u0000';

/**
 * Where a place is, as text: `<doc>|<k or v>|<offset or empty>` then each
 * step of the path prefixed by \0 (the form the locator's tables use).
 */
export function placeRef(doc: number, path: YamlPath, of: 'key' | 'value', offset?: number): string {
  let out = `${doc}|${of === 'key' ? 'k' : 'v'}|${offset ?? ''}`;
  for (const step of path) out += SEP + step;
  return out;
}

/** The parts of a `placeRef`. */
export function readPlaceRef(ref: string): { doc: number; of: 'key' | 'value'; offset?: number; path: string[] } {
  const [head, ...path] = ref.split(SEP);
  const [doc, of, offset] = head.split('|');
  return {
    doc: Number(doc),
    of: of === 'k' ? 'key' : 'value',
    offset: offset === '' ? undefined : Number(offset),
    path,
  };
}

/**
 * A place found when its line or column is first read. Serialised (v8 or
 * JSON) it is `{file, ref}` plus, for JSON, the resolved line and column.
 */
export class SourcePlace implements Place {
  // Private fields: invisible to serialisation, spreading and equality (two places are equal when their refs are).
  #locator: Locator | undefined;
  #resolved: { line: number; col: number } | undefined;

  constructor(
    readonly file: string,
    readonly ref: string,
    locator: Locator | undefined,
  ) {
    this.#locator = locator;
  }

  #resolve(): { line: number; col: number } {
    // A copy made without the constructor (a test's diff printer) has no file to read.
    if (!(#resolved in this)) return { line: 1, col: 1 };
    if (!this.#resolved) {
      this.#resolved = this.#locator?.locate(this.ref) ?? { line: 1, col: 1 };
      this.#locator = undefined; // the resolved place no longer needs its file
    }
    return this.#resolved;
  }

  get line(): number {
    return this.#resolve().line;
  }

  get col(): number {
    return this.#resolve().col;
  }

  toJSON(): Place {
    return { file: this.file, line: this.line, col: this.col };
  }
}

/** A place as plain data: what a SourcePlace becomes through the input cache. */
function isStoredPlace(v: object): v is { file: string; ref: string } {
  return (
    Object.getPrototypeOf(v) === Object.prototype &&
    typeof (v as { ref?: unknown }).ref === 'string' &&
    typeof (v as { file?: unknown }).file === 'string' &&
    !('line' in v)
  );
}

/**
 * `value` (a model read back from the input cache) with every stored place
 * made a SourcePlace again, bound to the locator of its file. Changes
 * `value` in place and returns it.
 */
export function revivePlaces<T>(value: T, locatorOf: (file: string) => Locator | undefined): T {
  // Every stored place carries its own copy of its file's name: the places of one file share one (memory only).
  const names = new Map<string, string>();
  const shared = (file: string) => {
    const known = names.get(file);
    if (known !== undefined) return known;
    names.set(file, file);
    return file;
  };
  const visit = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof SourcePlace) return v;
    if (isStoredPlace(v)) {
      const file = shared(v.file);
      return new SourcePlace(file, v.ref, locatorOf(file));
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item = v[i];
        if (item !== null && typeof item === 'object') v[i] = visit(item);
      }
    } else if (v instanceof Map) {
      for (const [k, item] of v) if (item !== null && typeof item === 'object') v.set(k, visit(item));
    } else if (!(v instanceof Set)) {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const item = o[k];
        if (item !== null && typeof item === 'object') o[k] = visit(item);
      }
    }
    return v;
  };
  return visit(value) as T;
}

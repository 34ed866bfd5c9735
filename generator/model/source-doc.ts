/**
 * A document as the model builders see it: a plain value, and where each
 * part of it was written (for messages such as `rules/x.yml:12:3`). The
 * loaders make these from YAML (`load/read-yaml.ts`); the model never reads
 * files itself.
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

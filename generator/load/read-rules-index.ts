/**
 * A published `rules_index.json` in (docs/format.md#input-rules-index): a list of entries
 * {uuid, name, effort, data_sources, description, attack, intake-formats},
 * each with the place of the entry and of its `attack` items so that
 * problems can say `rules_index.json:1:2345`.
 */
import { error, wholeFile, type Diagnostic, type Place } from '../diagnostics.js';
import type { IndexEntry } from '../model/index-catalog.js';
import { readFromDisk, type TextSource } from './input-files.js';
import { isMap } from '../model/yaml-values.js';

export type { IndexEntry };

/** A string as JSON writes it, in both spellings of non-ASCII characters (raw, or `\uXXXX` as Python writes it). */
function spellings(s: string): string[] {
  const plain = JSON.stringify(s);
  return [plain, plain.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))];
}

const ATTACK_ITEM = /^(.*?) - (.*) \((T\d{4}(?:\.\d{3})?)\)$/;

/** Offsets of the values of the top-level array (where each entry starts). */
function entryOffsets(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      if (depth === 1) starts.push(i);
    } else if (c === '{' || c === '[') {
      if (depth === 1) starts.push(i);
      depth++;
    } else if (c === '}' || c === ']') depth--;
  }
  return starts;
}

function placer(file: string, text: string): (offset: number) => Place {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - lineStarts[lo] + 1 };
  };
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Entries of an index text; an entry with a problem is reported and skipped. */
export function parseRulesIndex(file: string, text: string): { entries: IndexEntry[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      entries: [],
      diagnostics: [error(wholeFile(file), 'index-json', `Invalid JSON: ${(e as Error).message}`)],
    };
  }
  if (!Array.isArray(value))
    return {
      entries: [],
      diagnostics: [
        error(wholeFile(file), 'index-type', 'Unexpected value at top level, expected a list of rule entries'),
      ],
    };
  const at = placer(file, text);
  const offsets = entryOffsets(text);
  const entries: IndexEntry[] = [];
  value.forEach((raw, i) => {
    const start = offsets[i] ?? 0;
    const end = offsets[i + 1] ?? text.length;
    const place = at(start);
    const bad = (what: string) => diagnostics.push(error(place, 'index-entry', `Unexpected entry ${i}: ${what}`));
    if (!isMap(raw)) return bad('expected an object');
    const { uuid, name, effort, description } = raw;
    if (typeof uuid !== 'string' || uuid === '') return bad('missing "uuid", expected a string');
    if (typeof name !== 'string' || name === '') return bad('missing "name", expected a string');
    if (effort !== null && effort !== undefined && typeof effort !== 'string')
      return bad('"effort" is not a string or null');
    if (description !== undefined && description !== null && typeof description !== 'string')
      return bad('"description" is not a string');
    const dataSources = raw.data_sources ?? [];
    const attack = raw.attack ?? [];
    const intakes = raw['intake-formats'] ?? [];
    if (!isStringList(dataSources) || !isStringList(attack) || !isStringList(intakes))
      return bad('"data_sources", "attack" and "intake-formats" must be lists of strings');
    const items: IndexEntry['attack'] = [];
    for (const item of attack) {
      const m = ATTACK_ITEM.exec(item);
      const offset = spellings(item)
        .map((s) => text.indexOf(s, start))
        .find((o) => o >= 0 && o < end);
      const itemPlace = offset === undefined ? place : at(offset);
      if (!m) {
        diagnostics.push(
          error(
            itemPlace,
            'index-attack',
            `Unexpected attack item ${JSON.stringify(item)}, expected "<tactic> - <Technique name> (T####[.###])"`,
          ),
        );
        continue;
      }
      items.push({ tactic: m[1], name: m[2], id: m[3], place: itemPlace });
    }
    entries.push({
      uuid,
      name,
      effort: (effort as string | null | undefined) ?? null,
      dataSources,
      description: (description as string | undefined) ?? '',
      attack: items,
      intakes,
      place,
    });
  });
  return { entries, diagnostics };
}

export function readRulesIndex(
  file: string,
  display = file,
  source: TextSource = readFromDisk,
): { entries: IndexEntry[]; diagnostics: Diagnostic[] } {
  const { text, diagnostics } = source({ absolute: file, display });
  if (text === undefined) return { entries: [], diagnostics };
  return parseRulesIndex(display, text);
}

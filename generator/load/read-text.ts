/**
 * Input files as text: strict UTF-8, BOM removed, problems as diagnostics.
 */
import { readFileSync } from 'node:fs';
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export type TextResult = { text: string; diagnostics: [] } | { text: undefined; diagnostics: Diagnostic[] };

/** Decode bytes as UTF-8; on invalid bytes, name the line and column of the first one. */
export function decodeUtf8(file: string, bytes: Uint8Array): TextResult {
  try {
    const text = decoder.decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, diagnostics: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const lines = before.split('\n');
    const place = { file, line: lines.length, col: lines[lines.length - 1].length + 1 };
    const hex = bytes[bad]?.toString(16).padStart(2, '0') ?? '??';
    return {
      text: undefined,
      diagnostics: [error(place, 'not-utf8', `Unexpected byte 0x${hex}, expected UTF-8 text`)],
    };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    try {
      decoder.decode(bytes.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return bytes.length;
}

export type BytesResult = { bytes: Uint8Array; diagnostics: [] } | { bytes: undefined; diagnostics: Diagnostic[] };

/** Read a file's bytes (synchronously: many small files read faster without the thread pool). */
export function readBytes(file: string, displayName = file): BytesResult {
  try {
    return { bytes: readFileSync(file), diagnostics: [] };
  } catch (e) {
    return {
      bytes: undefined,
      diagnostics: [
        error(
          wholeFile(displayName),
          'unreadable',
          `Cannot read file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        ),
      ],
    };
  }
}

/** Read a file as UTF-8 text. */
export function readText(file: string, displayName = file): TextResult {
  const read = readBytes(file, displayName);
  return read.bytes === undefined
    ? { text: undefined, diagnostics: read.diagnostics }
    : decodeUtf8(displayName, read.bytes);
}

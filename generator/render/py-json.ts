/**
 * JSON text exactly as Python's `json.dumps(value)` writes it by default:
 * `", "` and `": "` separators, non-ASCII (and DEL) as `\uXXXX`, keys in
 * insertion order.
 *
 * Written directly from the value for plain data (objects, arrays, strings,
 * finite numbers, booleans, null), which is what views hold: strings go
 * through the native JSON.stringify (whose escapes of `"`, `\`, control
 * characters and lone surrogates are Python's too) only when they hold a
 * character to escape. Anything else (`toJSON`, boxed primitives, other
 * objects) goes through JSON.stringify and a rewrite of its output, so the
 * result is always what JSON.stringify would give with Python's separators.
 */

/** A string that JSON writes as it is between quotes and Python leaves alone: printable ASCII without `"` or `\`. */
const PLAIN = /^[\u0020\u0021\u0023-\u005b\u005d-\u007e]*$/;
const NON_ASCII = /[\u007f-\uffff]/g;

const escapeNonAscii = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

function pyString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(NON_ASCII, escapeNonAscii);
}

/**
 * Python's separators (`", "`, `": "`) and `\uXXXX` escapes, on JSON.stringify's output.
 * A plain scan: a regular expression over a whole string literal overflows V8's
 * backtracking stack on strings of a few megabytes.
 */
function pythonize(json: string): string {
  const parts: string[] = [];
  let last = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // an escape: the next character is part of it
      else if (c === 0x22) inString = false;
      else if (c >= 0x7f) {
        parts.push(json.slice(last, i), '\\u' + c.toString(16).padStart(4, '0'));
        last = i + 1;
      }
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a) {
      parts.push(json.slice(last, i + 1), ' ');
      last = i + 1;
    }
  }
  parts.push(json.slice(last));
  return parts.join('');
}

function finite(v: number): number {
  if (!Number.isFinite(v)) throw new Error(`Cannot write ${v} as JSON`);
  return v;
}

/** The value through JSON.stringify (refusing non-finite numbers), with Python's separators. */
function viaStringify(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' ? finite(v) : v));
  return json === undefined ? 'null' : pythonize(json);
}

/** Plain objects and arrays: written directly (anything JSON.stringify would treat specially is not). */
function isPlain(v: object): boolean {
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** Skipped as an object member, `null` as an array item (as JSON.stringify does). */
const absent = (v: unknown) => v === undefined || typeof v === 'function' || typeof v === 'symbol';

/** The value as Python writes it (strings are concatenated: V8 joins them lazily, cheaper than arrays of parts). */
function write(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return pyString(v);
    case 'number':
      return JSON.stringify(finite(v));
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (!isPlain(v)) return viaStringify(v);
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          out += (i > 0 ? ', ' : '') + (absent(item) ? 'null' : write(item));
        }
        return out + ']';
      }
      let out = '{';
      let first = true;
      for (const key of Object.keys(v)) {
        const item = (v as Record<string, unknown>)[key];
        if (absent(item)) continue;
        out += (first ? '' : ', ') + pyString(key) + ': ' + write(item);
        first = false;
      }
      return out + '}';
    }
    default:
      // bigint throws as in JSON.stringify; undefined, functions and symbols are handled by the caller
      return viaStringify(v);
  }
}

export function pyJson(value: unknown): string {
  return absent(value) ? 'null' : write(value);
}

/** The same text through JSON.stringify and a rewrite of its output (the reference the tests compare with). */
export function pyJsonViaStringify(value: unknown): string {
  return viaStringify(value === undefined ? null : value);
}

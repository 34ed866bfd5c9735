/**
 * JSON text exactly as Python's `json.dumps(value)` writes it by default:
 * `", "` and `": "` separators, non-ASCII (and DEL) as `\uXXXX`, keys in
 * insertion order. Built on the native JSON.stringify, whose escapes of
 * `"`, `\`, control characters and lone surrogates are Python's too; only
 * separators and non-ASCII characters differ, and are rewritten in one pass.
 * The pass is a plain scan: a regular expression over a whole string literal
 * overflows V8's backtracking stack on strings of a few megabytes.
 */

/** Python's separators (`", "`, `": "`) and `\uXXXX` escapes, on JSON.stringify's output. */
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

export function pyJson(value: unknown): string {
  const json = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`Cannot write ${v} as JSON`);
    return v;
  });
  return pythonize(json);
}

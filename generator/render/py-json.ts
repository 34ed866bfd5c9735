/**
 * JSON text exactly as Python's `json.dumps(value)` writes it by default:
 * `", "` and `": "` separators, non-ASCII (and DEL) as `\uXXXX`, keys in
 * insertion order. Built on the native JSON.stringify, whose escapes of
 * `"`, `\`, control characters and lone surrogates are Python's too; only
 * separators and non-ASCII characters differ, and are rewritten in one pass.
 */

const TOKENS = /("(?:[^"\\]|\\.)*")|([,:])/g;
const NON_ASCII = /[\u007f-\uffff]/g;

function escapeNonAscii(text: string): string {
  return text.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function pyJson(value: unknown): string {
  const json = JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`Cannot write ${v} as JSON`);
    return v;
  });
  return json.replace(TOKENS, (_m, str: string | undefined, sep: string | undefined) => (str !== undefined ? escapeNonAscii(str) : `${sep} `));
}

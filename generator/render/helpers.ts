/**
 * Handlebars helpers: the only ways templates put data into outputs, each
 * escaping for its destination (markdown title, markdown block, JSON, URL).
 */
import { admonitionTitle, indentedBlock, inlineName } from './markdown.js';
import { pyJson } from './py-json.js';

type HelperOptions = { hash?: Record<string, unknown> };

function text(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new Error(`${name}: expected a string, got ${v === undefined ? 'nothing' : typeof v}`);
}

export const helpers: Record<string, (...args: unknown[]) => unknown> = {
  /** `??? abstract "{{mdTitle name}}"` — one line, `"` and `<` as entities. */
  mdTitle: (v: unknown) => admonitionTitle(text(v, 'mdTitle')),
  /** Multi-line text inside an indented block: `    {{mdBlock description}}`. Optional `indent=8`. */
  mdBlock: (v: unknown, options?: unknown) => {
    const width = (options as HelperOptions | undefined)?.hash?.indent;
    return indentedBlock(text(v, 'mdBlock'), ' '.repeat(typeof width === 'number' ? width : 4));
  },
  /** A name inside a sentence or link text: verbatim but on one line, no raw HTML, no include. */
  mdName: (v: unknown) => inlineName(text(v, 'mdName')),
  /** JSON as Python's json.dumps writes it. */
  pyjson: (v: unknown) => pyJson(v),
  /** Pretty JSON (2 spaces), for outputs read by people and programs. */
  json: (v: unknown) => JSON.stringify(v, null, 2),
  /** Percent-encoding of a URL component. */
  uri: (v: unknown) => encodeURIComponent(text(v, 'uri')),
  /** `YYYY-MM-DD` → `DD/MM/YYYY`. */
  dmy: (v: unknown) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text(v, 'dmy'));
    if (!m) throw new Error(`dmy: expected YYYY-MM-DD, got ${String(v)}`);
    return `${m[3]}/${m[2]}/${m[1]}`;
  },
  /** Text in a markdown table cell: one line, `|` escaped, no raw HTML. */
  mdCell: (v: unknown) => admonitionTitle(text(v, 'mdCell')).replace(/\|/g, '\\|'),
  eq: (a: unknown, b: unknown) => a === b,
};

/**
 * Handlebars helpers: the only ways templates put data into outputs, each
 * escaping for its destination (see markdown.ts for the markdown ones; JSON
 * outputs get JSON escaping only).
 */
import {
  admonitionTitle,
  codeSpan,
  headingText,
  indentedBlock,
  inlineName,
  linkTarget,
  linkText,
  tableCell,
} from './markdown.js';
import { pyJson } from './py-json.js';

type HelperOptions = { hash?: Record<string, unknown> };

function text(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new Error(`${name}: expected a string, got ${v === undefined ? 'nothing' : typeof v}`);
}

export const helpers: Record<string, (...args: unknown[]) => unknown> = {
  /** `??? abstract "{{mdTitle name}}"` — one line, `"` and `<` as entities, inline syntax neutralised. */
  mdTitle: (v: unknown) => admonitionTitle(text(v, 'mdTitle')),
  /** `### {{mdHeading name}}` — as mdTitle, and trailing `#`s escaped. */
  mdHeading: (v: unknown) => headingText(text(v, 'mdHeading')),
  /** Multi-line text inside an indented block: `    {{mdBlock description}}`. Optional `indent=8`. */
  mdBlock: (v: unknown, options?: unknown) => {
    const width = (options as HelperOptions | undefined)?.hash?.indent;
    return indentedBlock(text(v, 'mdBlock'), ' '.repeat(typeof width === 'number' ? width : 4));
  },
  /** A name inside a sentence (`**{{mdName name}}**`): verbatim but on one line, inline syntax neutralised. */
  mdName: (v: unknown) => inlineName(text(v, 'mdName')),
  /** The text of a link (`[{{mdLinkText name}}](…)`): as mdName, brackets escaped when they could end the link. */
  mdLinkText: (v: unknown) => linkText(text(v, 'mdLinkText')),
  /** A configured pattern with its `{key}` placeholders filled from the hash: `(fill words.layerName name=intake.name)`. */
  fill: (pattern: unknown, options?: unknown) => {
    const hash = (options as { hash?: Record<string, unknown> } | undefined)?.hash ?? {};
    return text(pattern, 'fill').replace(/\{(\w+)\}/g, (all, key: string) => (key in hash ? String(hash[key]) : all));
  },
  /** The target of a link (`(…)`): http, https, mailto or relative only, else a template error. */
  mdUrl: (v: unknown) => linkTarget(text(v, 'mdUrl')),
  /** A code span, backticks included: `{{mdCode field}}`. */
  mdCode: (v: unknown) => codeSpan(text(v, 'mdCode')),
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
  /** Text in a markdown table cell: one line, `|` escaped (also after backslashes), inline syntax neutralised. */
  mdCell: (v: unknown) => tableCell(text(v, 'mdCell')),
  eq: (a: unknown, b: unknown) => a === b,
};

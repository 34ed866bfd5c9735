/**
 * Putting rule text into a page without letting it change the page's
 * structure: admonition titles stay one quoted string, descriptions stay
 * inside their indented block, raw HTML is shown as text.
 *
 * Descriptions are looked at as markdown (remark) only when they contain `<`
 * (raw HTML) or `](` / `]:` (links); everything else is left byte-identical.
 */
import type { Root, Nodes } from 'mdast';

type MarkdownParser = (text: string) => Root;

let parser: MarkdownParser | undefined;

/** Texts that may hold raw HTML or a link: only these are parsed. */
const MAY_HOLD_MARKUP = /<|\]\(|\]:/;

/** Load the markdown parser if any of `texts` could hold raw HTML or links (keeps start-up small otherwise). */
export async function prepareMarkdown(texts: Iterable<string>): Promise<void> {
  if (parser) return;
  for (const t of texts) {
    if (MAY_HOLD_MARKUP.test(t)) {
      const [{ unified }, { default: remarkParse }] = await Promise.all([import('unified'), import('remark-parse')]);
      const processor = unified().use(remarkParse).freeze();
      parser = (text) => processor.parse(text) as Root;
      return;
    }
  }
}

/** Title of an admonition: one line, no `"` to end the quoted string, no raw HTML, no include directive. */
export function admonitionTitle(title: string): string {
  return title.replace(/\r\n?|\n/g, ' ').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/\{!/g, '{\\!');
}

/**
 * Longer texts are not parsed (parsing takes ~1 s and ~130 MB per MB of
 * text): every `<` that may open markup is escaped, code spans included, and
 * when `](` or `]:` occurs every `[` is escaped (no link at all).
 */
export const MAX_PARSED_LENGTH = 100_000;

/** Autolinks both CommonMark and Python-Markdown read as links (web and mail addresses only). */
const AUTOLINK = /^<(?:(?:https?|ftp):\/\/[^<>\s]*|[^<> !]+@[^@<> ]+)>$/i;

/** URLs a browser would run rather than open (it ignores tabs, newlines and leading controls first). */
const SCRIPT_URL = /^[\u0000-\u0020]*(?:javascript|vbscript|data):/i;

/** Where a description needs escaping: `<` that may open markup, `[` that opens a link to a script URL. */
interface Unsafe {
  /** Offsets of `<` that stay as they are: in one-line code spans, opening autolinks. */
  keepLt: Set<number>;
  /** Ranges [start, end) of what CommonMark reads as raw HTML: every `<` in them is escaped. */
  html: [number, number][];
  /** Offsets of `[` to escape. */
  links: number[];
  /** Not parsed (too long): every `<` that may open markup is escaped. */
  unparsed?: boolean;
}

function findUnsafe(text: string): Unsafe {
  if (text.length > MAX_PARSED_LENGTH) {
    const links: number[] = [];
    if (/\]\(|\]:/.test(text)) for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) links.push(i);
    return { keepLt: new Set(), html: [], links, unparsed: true };
  }
  if (!parser) throw new Error('prepareMarkdown() must run before rendering text containing "<", "](" or "]:"');
  const found: Unsafe = { keepLt: new Set(), html: [], links: [] };
  const visit = (node: Nodes) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start !== undefined && end !== undefined) {
      const source = text.slice(start, end);
      if (node.type === 'html') found.html.push([start, end]);
      if (node.type === 'inlineCode' && !source.includes('\n')) {
        for (let i = source.indexOf('<'); i >= 0; i = source.indexOf('<', i + 1)) found.keepLt.add(start + i);
      }
      if (node.type === 'link' && AUTOLINK.test(source)) found.keepLt.add(start);
      if ((node.type === 'link' || node.type === 'image' || node.type === 'definition') && SCRIPT_URL.test(node.url.replace(/[\t\n\r]/g, ''))) {
        const bracket = text.indexOf('[', start);
        if (bracket >= 0 && bracket < end) found.links.push(bracket);
      }
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(parser(text));
  return found;
}

/**
 * Make a description safe to pass to MkDocs: every `<` of what CommonMark
 * reads as raw HTML, and every `<` that could open a tag, comment or
 * processing instruction for Python-Markdown (a letter, `/`, `!` or `?` after
 * it, a `>` somewhere later) becomes `&lt;`, except in one-line code spans and
 * web or mail autolinks; links to `javascript:`, `vbscript:` and `data:` URLs are shown as
 * text. Deliberately stricter than CommonMark (Python-Markdown, which MkDocs
 * uses, accepts more as raw HTML, e.g. `<img/src=x/onerror=...>`). Text
 * without any of these is returned unchanged.
 */
const neutralized = new Map<string, string>();

export function neutralizeHtml(text: string): string {
  if (!MAY_HOLD_MARKUP.test(text)) return text;
  // A description appears on every page its rule is listed on: look at it once.
  let known = neutralized.get(text);
  if (known === undefined) {
    if (neutralized.size >= 50_000) neutralized.clear(); // bounded in a long-running preview server
    neutralized.set(text, (known = neutralizeMarkup(text)));
  }
  return known;
}

function neutralizeMarkup(text: string): string {
  const { keepLt, html, links, unparsed } = findUnsafe(text);
  // Python-Markdown's inline HTML needs a `>` to close the tag; a long text is not looked at that closely.
  const lastGt = unparsed ? text.length : text.lastIndexOf('>');
  const inHtml = new Set<number>();
  for (const [start, end] of html) for (let i = text.indexOf('<', start); i >= 0 && i < end; i = text.indexOf('<', i + 1)) inHtml.add(i);
  const escapeBracket = new Set(links);
  const parts: string[] = [];
  let last = 0;
  for (let i = text.search(/[<[]/); i >= 0 && i < text.length; i++) {
    const c = text[i];
    const escaped =
      c === '<' && (inHtml.has(i) || (i < lastGt && /[A-Za-z/!?]/.test(text[i + 1] ?? '') && !keepLt.has(i))) ? '&lt;' : c === '[' && escapeBracket.has(i) ? '\\[' : undefined;
    if (escaped === undefined) continue;
    parts.push(text.slice(last, i), escaped);
    last = i + 1;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * Lines that would open structure of their own inside a rule's block
 * (a nested admonition, a heading, a setext underline, an include) get their
 * first significant character escaped.
 */
function guardLine(line: string, previous: string | undefined): string {
  let out = line
    .replace(/^( {0,3})(\?\?\?|!!!)/, '$1\\$2')
    .replace(/^( {0,3})(#{1,6})(?=[ \t]|$)/, '$1\\$2')
    .replace(/\{!/g, '{\\!');
  if (previous !== undefined && previous.trim() !== '' && /^ {0,3}(=+|-+)[ \t]*$/.test(out)) {
    out = out.replace(/^( {0,3})([=-])/, '$1\\$2');
  }
  return out;
}

/**
 * A description as the body of an indented block: newlines normalised,
 * structure guarded, every line after the first indented by `indent`
 * (empty lines get the indent alone, as the model pages do).
 */
export function indentedBlock(text: string, indent = '    '): string {
  const lines = neutralizeHtml(text.replace(/\r\n?/g, '\n')).split('\n');
  return lines
    .map((line, i) => {
      const guarded = guardLine(line, i > 0 ? lines[i - 1] : undefined);
      return i === 0 ? guarded : indent + guarded;
    })
    .join('\n');
}

/**
 * An intake name inside a sentence or link text: verbatim (`[BETA]`, `&` and
 * all, as the model pages print it), but on one line, without raw HTML and
 * without an include directive.
 */
export function inlineName(name: string): string {
  return name.replace(/\r\n?|\n/g, ' ').replace(/</g, '&lt;').replace(/\{!/g, '{\\!');
}

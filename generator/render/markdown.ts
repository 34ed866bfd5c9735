/**
 * Putting rule text into a page without letting it change the page's
 * structure: admonition titles stay one quoted string, descriptions stay
 * inside their indented block, raw HTML is shown as text.
 *
 * Descriptions are looked at as markdown (remark) only when they contain `<`,
 * the one character raw HTML needs; everything else is left byte-identical.
 */
import type { Root, Nodes } from 'mdast';

type MarkdownParser = (text: string) => Root;

let parser: MarkdownParser | undefined;

/** Load the markdown parser if any of `texts` could hold raw HTML (keeps start-up small otherwise). */
export async function prepareMarkdown(texts: Iterable<string>): Promise<void> {
  if (parser) return;
  for (const t of texts) {
    if (t.includes('<')) {
      const [{ unified }, { default: remarkParse }] = await Promise.all([import('unified'), import('remark-parse')]);
      const processor = unified().use(remarkParse).freeze();
      parser = (text) => processor.parse(text) as Root;
      return;
    }
  }
}

/** Title of an admonition: one line, no `"` to end the quoted string, no raw HTML. */
export function admonitionTitle(title: string): string {
  return title.replace(/\r\n?|\n/g, ' ').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** Offsets [start, end) of raw HTML in the markdown text (code spans and code blocks excluded). */
function rawHtmlRanges(text: string): [number, number][] {
  if (!parser) throw new Error('prepareMarkdown() must run before rendering text containing "<"');
  const ranges: [number, number][] = [];
  const visit = (node: Nodes) => {
    if (node.type === 'html' && node.position?.start.offset !== undefined && node.position.end.offset !== undefined) {
      ranges.push([node.position.start.offset, node.position.end.offset]);
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(parser(text));
  return ranges;
}

/** Escape `<` of raw HTML so MkDocs shows it as text instead of passing it to the browser. */
export function neutralizeHtml(text: string): string {
  if (!text.includes('<')) return text;
  const ranges = rawHtmlRanges(text);
  if (ranges.length === 0) return text;
  let out = '';
  let last = 0;
  for (const [start, end] of ranges) {
    out += text.slice(last, start) + text.slice(start, end).replace(/</g, '&lt;');
    last = end;
  }
  return out + text.slice(last);
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

/**
 * The one escaping layer between catalog text and the markdown pages.
 *
 * Pages are rendered by MkDocs (Python-Markdown) with the extensions the
 * Sekoia.io site enables: admonition, pymdownx.details, superfences, tabbed,
 * attr_list, md_in_html, pymdownx.snippets and markdown_include (its pages
 * include ours with a `{!path!}` line). Text from rules, intakes and
 * configuration must never turn into structure or behaviour there:
 *
 * - raw HTML (any `<` that could open a tag, comment or declaration);
 * - links and images to anything but http(s), mailto or a relative address,
 *   and reference definitions (they are global to a page);
 * - attribute lists (`{: onclick=…}`, `{ … }` after an inline element, at
 *   the end of a heading, a table cell or a block, on a fence);
 * - include lines (`{!file!}`) and snippet lines (`--8<-- "file"`, its
 *   block and escaped forms, any number of dashes);
 * - block openers inside a rule's block (headings with or without a space,
 *   `!!!`, `???`, `???+`, `===` tabs, `///` blocks, setext underlines);
 * - line breaks where one line is expected, table pipes, link brackets.
 *
 * Each output context has its function; the Handlebars helpers call them.
 * Escapes render to the same text (`\{`, `&lt;`, `&#63;`…), and text
 * holding none of these comes out byte-identical. The rendered HTML is
 * checked with the real Python-Markdown in test/reliability/mkdocs-render.test.ts.
 */
import type { Root, Nodes } from 'mdast';

type MarkdownParser = (text: string) => Root;

let parser: MarkdownParser | undefined;

/**
 * Texts that may hold a code span in which an escape could be spared: only
 * these are parsed (with remark, as CommonMark reads them).
 */
function maySpareInCode(text: string): boolean {
  return text.includes('`') && /<|\{|\]\(/.test(text);
}

/** Load the markdown parser if any of `texts` needs it (keeps start-up small otherwise). */
export async function prepareMarkdown(texts: Iterable<string>): Promise<void> {
  if (parser) return;
  for (const t of texts) {
    if (maySpareInCode(t.replace(PLACEHOLDER_MARKS, ''))) {
      const [{ unified }, { default: remarkParse }] = await Promise.all([import('unified'), import('remark-parse')]);
      const processor = unified().use(remarkParse).freeze();
      parser = (text) => processor.parse(text) as Root;
      return;
    }
  }
}

/** Longer block texts are not parsed (parsing takes ~1 s and ~130 MB per MB): nothing is spared in code. */
export const MAX_PARSED_LENGTH = 100_000;

// ---------------------------------------------------------------------------
// URLs

const ALLOWED_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Whether a link target is one a browser opens rather than runs: http,
 * https, mailto or relative. Judged the way a browser reads the attribute
 * after Python-Markdown wrote it: numeric character references decoded,
 * tabs, line breaks, controls and spaces dropped (backslashes too,
 * Python-Markdown may drop them as escapes). Any other `&` before the first
 * `/`, `?` or `#` is refused (a named reference such as `&colon;` may hide
 * a `:`).
 */
export function isSafeUrl(url: string): boolean {
  const strip = (s: string) => s.replace(/[\u0000-\u0020\u007f-\u009f\\]/g, '');
  const decoded = strip(
    strip(url).replace(/&#x([0-9a-f]+);?|&#(\d+);?/gi, (_, hex: string | undefined, dec: string | undefined) => {
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }),
  );
  const head = decoded.split(/[/?#]/, 1)[0];
  if (head.includes('&')) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(head);
  return scheme === null || ALLOWED_SCHEMES.has(scheme[1].toLowerCase());
}

/**
 * A link target written by a template `[text](URL)`: refused unless safe
 * (it comes from configuration: a template error is the right answer), and
 * characters that would end or break the target percent-encoded.
 */
export function linkTarget(url: string): string {
  if (!isSafeUrl(url))
    throw new Error(`refused link target ${JSON.stringify(url)}: only http, https, mailto or relative addresses`);
  return url.replace(/[\u0000-\u0020\u007f-\u009f\u2028\u2029"()<>\\`{}|]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''),
  );
}

/** How far a link target is read to judge its scheme; a longer one without `/`, `?` or `#` is refused. */
const MAX_TARGET_HEAD = 2_048;

/** The target of the inline link whose `(` is at `open`, as far as it matters for its scheme. */
function inlineTarget(text: string, open: number): string {
  let depth = 0;
  let end = open + 1;
  const limit = Math.min(text.length, open + 1 + MAX_TARGET_HEAD);
  for (; end < limit; end++) {
    const c = text[end];
    if (c === '\\') end++;
    else if (c === '(') depth++;
    else if (c === ')' && depth-- === 0) break;
  }
  const target = text.slice(open + 1, end).replace(/^\s*</, '');
  // Cut short before its scheme was settled: judged as a script URL.
  return end >= limit && limit < text.length && !/[/?#]/.test(target) ? 'javascript:' : target;
}

// ---------------------------------------------------------------------------
// Edits: escapes inserted at offsets of the text, applied in one pass.

type Edits = Map<number, string>;

function applyEdits(text: string, edits: Edits, replaced: Set<number> = new Set()): string {
  if (edits.size === 0) return text;
  const at = [...edits.keys()].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const i of at) {
    parts.push(text.slice(last, i), edits.get(i)!);
    last = replaced.has(i) ? i + 1 : i;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** Whether the character at `i` is already escaped (an odd run of backslashes before it). */
function isEscaped(text: string, i: number): boolean {
  let n = 0;
  for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) n++;
  return n % 2 === 1;
}

/** Web and mail autolinks, which both parsers turn into http(s) or mailto links. */
const AUTOLINK = /<(?:https?:\/\/[^<>\s]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)>/y;

interface InlineOptions {
  /** Offsets spared from `<`, `{` and link escapes: inside a code span for both parsers. */
  spared?: ReadonlySet<number>;
  /** Every `<` becomes `&lt;` (one-line contexts); else only those that could open markup. */
  allLt?: boolean;
}

/**
 * Escapes for inline syntax anywhere in `text`: raw HTML, attribute lists,
 * include directives, links to refused targets. `replaced` collects offsets
 * whose character the edit replaces (rather than precedes).
 */
function inlineEdits(text: string, edits: Edits, replaced: Set<number>, options: InlineOptions): void {
  const spared = options.spared ?? new Set<number>();
  const lastGt = text.lastIndexOf('>');
  // Linear in the length of the text, whatever it holds: the next `}` and line end are found once per stretch.
  let lineStart = true;
  let nextClose = -1;
  let nextNewline = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      lineStart = true;
      continue;
    }
    const atLineStart = lineStart;
    if (c !== ' ' && c !== '\t') lineStart = false;
    if (SPLITLINES_BREAKS.test(c)) {
      edits.set(i, `&#${c.charCodeAt(0)};`);
      replaced.add(i);
    } else if (c === '<') {
      if (spared.has(i)) continue;
      let open = options.allLt === true;
      if (!open && /[A-Za-z/!?]/.test(text[i + 1] ?? '')) {
        AUTOLINK.lastIndex = i;
        open = (i < lastGt || atLineStart) && !AUTOLINK.test(text);
      }
      if (open) {
        edits.set(i, '&lt;');
        replaced.add(i);
      }
    } else if (c === '{') {
      // An include directive is read before anything else, code spans included.
      if (text[i + 1] === '!') edits.set(i + 1, '\\');
      if (spared.has(i) || isEscaped(text, i)) continue;
      if (nextClose < i) nextClose = text.indexOf('}', i);
      if (nextNewline < i) nextNewline = text.indexOf('\n', i);
      // `{`, something, `}` on one line: what attr_list (and superfences) could read as attributes.
      if (nextClose >= 0 && (nextNewline < 0 || nextClose < nextNewline)) edits.set(i, '\\');
    } else if (c === ']' && text[i + 1] === '(' && !spared.has(i)) {
      if (!isSafeUrl(inlineTarget(text, i + 1))) edits.set(i + 1, '\\');
    }
  }
}

/**
 * Characters Python's `str.splitlines()` breaks lines at, besides `\r` and
 * `\n`: markdown_include splits an included page with it, so each would
 * start a new line of the page (a snippet line, the end of a rule's block).
 * Written as character references.
 */
const SPLITLINES_BREAKS = /[\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;

/** Characters Python-Markdown drops from its input (its placeholder markers): dropped here first, so they cannot join pieces. */
const PLACEHOLDER_MARKS = /[\u0002\u0003]/g;

/**
 * On one line; a backslash ending the text is escaped (Python-Markdown
 * would otherwise take it with what the template writes next: a heading
 * ending with one is no heading).
 */
function oneLine(text: string): string {
  const line = text.replace(PLACEHOLDER_MARKS, '').replace(/\r\n?|\n/g, ' ');
  return line.endsWith('\\') && !isEscaped(line, line.length - 1) ? line + '\\' : line;
}

function inline(text: string, extra?: (t: string, edits: Edits, replaced: Set<number>) => void): string {
  const edits: Edits = new Map();
  const replaced = new Set<number>();
  inlineEdits(text, edits, replaced, { allLt: true });
  extra?.(text, edits, replaced);
  return applyEdits(text, edits, replaced);
}

function quoteEdits(text: string, edits: Edits, replaced: Set<number>): void {
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) {
    edits.set(i, '&quot;');
    replaced.add(i);
  }
}

// ---------------------------------------------------------------------------
// One-line contexts

/** The title of an admonition, inside `"…"`: one line, no `"` to end it, inline syntax neutralised. */
export function admonitionTitle(title: string): string {
  return inline(oneLine(title), quoteEdits);
}

/**
 * The text of a heading (`### TEXT`): as an admonition title, and trailing
 * `#`s (which a heading drops) escaped.
 */
export function headingText(text: string): string {
  const line = oneLine(text);
  return inline(line, (t, edits, replaced) => {
    quoteEdits(t, edits, replaced);
    const trailing = /#+[ \t]*$/.exec(t);
    if (!trailing) return;
    // An escaped `#` stays; the run after it is the one a heading would drop.
    const at = isEscaped(t, trailing.index) ? trailing.index + 1 : trailing.index;
    if (t[at] === '#') edits.set(at, (edits.get(at) ?? '') + '\\');
  });
}

/**
 * A name inside a sentence (`**NAME**`) or a list item: verbatim
 * (`[BETA]`, `&` and all, as the model pages print it), but on one line,
 * inline syntax neutralised.
 */
export function inlineName(name: string): string {
  return inline(oneLine(name));
}

/**
 * The text of a link (`[TEXT](…)`): as `inlineName`, and when its brackets
 * could end the link early or nest one (unbalanced, `](`, `][`, `]:`), every
 * bracket escaped.
 */
export function linkText(text: string): string {
  const line = oneLine(text);
  let depth = 0;
  let balanced = true;
  for (let i = 0; i < line.length && balanced; i++) {
    if (isEscaped(line, i)) continue;
    if (line[i] === '[') depth++;
    else if (line[i] === ']' && --depth < 0) balanced = false;
  }
  const nested = depth !== 0 || !balanced || /\][([:]|\]\s+\[/.test(line);
  return inline(line, (t, edits) => {
    if (!nested) return;
    for (let i = t.search(/[[\]]/); i >= 0 && i < t.length; i++) {
      if ((t[i] === '[' || t[i] === ']') && !isEscaped(t, i)) edits.set(i, (edits.get(i) ?? '') + '\\');
    }
  });
}

/** Text in a table cell: one line, `|` escaped (an escaped one stays so), `"` as an entity. */
export function tableCell(text: string): string {
  return inline(oneLine(text), (t, edits, replaced) => {
    quoteEdits(t, edits, replaced);
    for (let i = t.indexOf('|'); i >= 0; i = t.indexOf('|', i + 1)) if (!isEscaped(t, i)) edits.set(i, '\\');
  });
}

/**
 * A code span `` `TEXT` `` (backticks included): a fence longer than any
 * run of backticks inside. Text that no code span can hold safely (an
 * include directive, which is read inside code too; a character Python
 * reads as a line break) is written as an escaped name instead.
 */
export function codeSpan(text: string): string {
  const line = oneLine(text);
  if (line.includes('{!') || line.trim() === '' || /[\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/.test(line))
    return inlineName(line);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return fence + pad + line + pad + fence;
}

// ---------------------------------------------------------------------------
// Blocks

/**
 * Offsets spared from inline escapes: inside a one-line code span for
 * CommonMark (remark) and, for Python-Markdown, inside a code span whichever
 * lines of its paragraph Python-Markdown takes for one block. Where unsure,
 * nothing is spared (the escape then shows inside the code).
 */
function sparedInCode(text: string): Set<number> {
  const spared = new Set<number>();
  if (text.length > MAX_PARSED_LENGTH || !maySpareInCode(text)) return spared;
  if (!parser) throw new Error('prepareMarkdown() must run before rendering text with code spans and "<", "{" or "]("');
  const candidates: number[] = [];
  const visit = (node: Nodes) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (node.type === 'inlineCode' && start !== undefined && end !== undefined) {
      const source = text.slice(start, end);
      if (!source.includes('\n'))
        for (let i = source.search(/[<{\]]/); i >= 0 && i < source.length; i++)
          if ('<{]'.includes(source[i])) candidates.push(start + i);
    }
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(parser(text));
  if (candidates.length === 0) return spared;
  for (const i of pythonMarkdownCode(text, candidates)) spared.add(i);
  return spared;
}

/** Python-Markdown's code span (markdown.inlinepatterns.BACKTICK_RE). */
const PM_BACKTICK = /(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)([^]+?)(?<!`)\2(?!`)/g;

/** A paragraph (lines between blank lines) longer than this spares nothing: every split of it is tried. */
const MAX_CHUNK_LINES = 24;
const MAX_CHUNK_LENGTH = 4_000;

/**
 * The offsets among `candidates` that are inside a Python-Markdown code span
 * for every block Python-Markdown could make of the lines around them.
 * Blocks are runs of lines between blank lines, which block syntax (headings,
 * quotes, rules, lists) may split further: every run of lines of the
 * paragraph is tried. A paragraph that could be a table (cells are split
 * before code spans are read) spares nothing.
 */
function pythonMarkdownCode(text: string, candidates: readonly number[]): number[] {
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const lineOf = (at: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Candidates by paragraph (first line of the paragraph → offsets).
  const byChunk = new Map<number, number[]>();
  for (const at of candidates) {
    let first = lineOf(at);
    while (first > 0 && lines[first - 1].trim() !== '') first--;
    const list = byChunk.get(first) ?? [];
    list.push(at);
    byChunk.set(first, list);
  }
  const kept: number[] = [];
  for (const [first, offsets] of byChunk) {
    let last = first;
    while (last < lines.length - 1 && lines[last + 1].trim() !== '') last++;
    const chunk = lines.slice(first, last + 1);
    if (chunk.length > MAX_CHUNK_LINES || chunk.join('\n').length > MAX_CHUNK_LENGTH) continue;
    if (chunk.some((l) => /^[ \t|:-]+$/.test(l) && l.includes('-') && l.includes('|'))) continue;
    const inside = new Map(offsets.map((at) => [at, true]));
    for (let s = first; s <= last; s++) {
      for (let e = s; e <= last; e++) {
        const here = offsets.filter((at) => inside.get(at) && starts[s] <= at && at < starts[e] + lines[e].length);
        if (here.length === 0) continue;
        const from = starts[s];
        const spans: [number, number][] = [];
        for (const m of lines
          .slice(s, e + 1)
          .join('\n')
          .matchAll(PM_BACKTICK))
          if (m[2] !== undefined) spans.push([from + m.index, from + m.index + m[0].length]);
        for (const at of here) if (!spans.some(([a, b]) => a < at && at < b)) inside.set(at, false);
      }
    }
    for (const [at, yes] of inside) if (yes) kept.push(at);
  }
  return kept;
}

/**
 * Line starts that open structure of their own inside a rule's block: a
 * heading (Python-Markdown needs no space after `#`), an admonition, a
 * details or tab block, a pymdownx block, a snippet line, a reference
 * definition, a setext underline. The escape replaces or precedes the first
 * significant character.
 */
/** Blanks, quote markers and list markers before a line's content. */
const CONTAINER = /^(?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d+[.)][ \t]+))*[ \t]*/;

function lineEdits(text: string, edits: Edits, replaced: Set<number>): void {
  const hasDefinition = text.includes(']:');
  let start = 0;
  let previous: string | undefined;
  for (const line of text.split('\n')) {
    const blank = /^[ \t]*/.exec(line)![0].length;
    // Openers count inside quotes and list items too (`> !!! note`, `- # x`, `1. ??? x`).
    const lead = CONTAINER.exec(line)![0].length;
    const at = start + lead;
    const rest = line.slice(lead);
    const snippet = /^;*-+8</.exec(line.slice(blank));
    if (snippet) {
      edits.set(start + blank + snippet[0].length - 1, '&lt;');
      replaced.add(start + blank + snippet[0].length - 1);
    } else if (/^(?:#|!!!)/.test(rest) || (hasDefinition && /^\*?\[/.test(rest))) {
      if (!isEscaped(text, at)) edits.set(at, '\\');
    } else if (rest.startsWith('???')) {
      edits.set(at, '&#63;');
      replaced.add(at);
    } else if (
      rest.startsWith('===') ||
      (/^=+[ \t]*$/.test(rest) && previous !== undefined && previous.trim() !== '')
    ) {
      edits.set(at, '&#61;');
      replaced.add(at);
    } else if (rest.startsWith('///')) {
      edits.set(at, '&#47;');
      replaced.add(at);
    } else if (/^-+[ \t]*$/.test(rest) && previous !== undefined && previous.trim() !== '') {
      edits.set(at, '\\');
    }
    previous = line;
    start += line.length + 1;
  }
}

const neutralized = new Map<string, string>();

/**
 * A block text (description, author, notice, changelog text) with every
 * line's structure and every inline syntax neutralised, newlines
 * normalised. Text without any of these is returned unchanged.
 */
export function neutralizeBlock(text: string): string {
  // A description appears on every page its rule is listed on: look at it once.
  let known = neutralized.get(text);
  if (known === undefined) {
    if (neutralized.size >= 50_000) neutralized.clear(); // bounded in a long-running preview server
    const normal = text.replace(PLACEHOLDER_MARKS, '').replace(/\r\n?/g, '\n');
    const edits: Edits = new Map();
    const replaced = new Set<number>();
    lineEdits(normal, edits, replaced);
    const inlineSet: Edits = new Map();
    inlineEdits(normal, inlineSet, replaced, { spared: sparedInCode(normal) });
    for (const [i, e] of inlineSet) if (!edits.has(i)) edits.set(i, e);
    neutralized.set(text, (known = applyEdits(normal, edits, replaced)));
  }
  return known;
}

/**
 * A block text as the body of an indented block: neutralised, every line
 * after the first indented by `indent` (empty lines get the indent alone,
 * as the model pages do).
 */
export function indentedBlock(text: string, indent = '    '): string {
  return neutralizeBlock(text)
    .split('\n')
    .join('\n' + indent);
}

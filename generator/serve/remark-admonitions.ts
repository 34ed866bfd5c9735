/**
 * remark plugin: MkDocs admonitions as MkDocs Material shows them.
 *
 *   ??? abstract "Title"      collapsible, closed  → <details class="admonition abstract"><summary>Title</summary>…</details>
 *   ???+ note "Title"         collapsible, open    → <details open …>
 *   !!! warning "Title"       not collapsible      → <div class="admonition warning"><p class="admonition-title">Title</p>…</div>
 *
 * CommonMark reads such a block as a one-line paragraph followed by an
 * indented code block (the body). The body is parsed again as markdown (so
 * admonitions nest) and the title as inline markdown (so `&quot;` is a quote).
 * As in Python-Markdown, the body is the indented lines; a line without
 * indent ends it. Admonitions are recognised at the top level of the
 * document and of bodies.
 */
import type { Code, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type { Processor } from 'unified';

export interface AdmonitionOptions {
  /** A link appended to the body of the n-th admonition of the document (0-based), e.g. to explain a rule. */
  footer?: (index: number, title: string) => { href: string; text: string } | undefined;
  /** The key of the n-th admonition (0-based), written as its `data-key` attribute, e.g. a rule id. */
  key?: (index: number, title: string) => string | undefined;
}

const HEAD = /^(\?\?\?\+?|!!!)[ \t]*([\w-]+(?:[ \t]+[\w-]+)*)?(?:[ \t]*"(.*)")?[ \t]*$/;
const INDENTED = /^(?: {4}|\t)/;

const el = (hName: string, className: string[] | undefined, children: unknown[], extra: Record<string, unknown> = {}) =>
  ({ type: 'admonition', data: { hName, hProperties: { className, ...extra } }, children }) as unknown as RootContent;

const plain = (nodes: readonly unknown[]): string =>
  nodes
    .map((n) => {
      const node = n as { value?: string; children?: unknown[] };
      return node.value ?? plain(node.children ?? []);
    })
    .join('');

export default function remarkAdmonitions(this: Processor, options: AdmonitionOptions = {}) {
  const parse = (text: string) => this.parse(text) as Root;
  let count = 0;

  const transform = (tree: Root, source: string): void => {
    const out: RootContent[] = [];
    const kids = tree.children;
    for (let i = 0; i < kids.length; i++) {
      const node = kids[i];
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      const lines =
        node.type === 'paragraph' && start !== undefined && end !== undefined
          ? source.slice(start, end).split('\n')
          : [];
      // As in Python-Markdown, an admonition may start on any line of a paragraph: the lines before it stay a paragraph.
      const at = lines.findIndex((l) => HEAD.test(l) && /\S/.test(l.replace(/^\S+/, '')));
      if (at < 0) {
        out.push(node);
        continue;
      }
      if (at > 0) out.push(...parse(lines.slice(0, at).join('\n')).children);
      const [, marker, kinds = '', rawTitle] = HEAD.exec(lines[at])!;
      // Continuation lines of the paragraph: indented ones are body, the first unindented one ends the block.
      const rest = lines.slice(at + 1);
      const cut = rest.findIndex((l) => !INDENTED.test(l));
      const bodyLines = (cut < 0 ? rest : rest.slice(0, cut)).map((l) => l.replace(INDENTED, ''));
      const after = cut < 0 ? '' : rest.slice(cut).join('\n');
      const next = kids[i + 1];
      let body = bodyLines.join('\n');
      if (!after && next?.type === 'code' && next.position && INDENTED.test(source.slice(next.position.start.offset))) {
        body += (body ? '\n\n' : '') + (next as Code).value;
        i++;
      }
      const kind = kinds.split(/[ \t]+/)[0] || 'note';
      const titleNodes: PhrasingContent[] =
        rawTitle === undefined
          ? [{ type: 'text', value: kind.charAt(0).toUpperCase() + kind.slice(1) }]
          : ((parse(rawTitle).children[0] as Paragraph | undefined)?.children ?? []);
      const inner = parse(body);
      transform(inner, body);
      const index = count++;
      const link = options.footer?.(index, plain(titleNodes));
      const key = options.key?.(index, plain(titleNodes));
      const keyed = key === undefined ? {} : { dataKey: key };
      if (link)
        inner.children.push({
          type: 'paragraph',
          children: [
            {
              type: 'link',
              url: link.href,
              children: [{ type: 'text', value: link.text }],
              data: { hProperties: { className: ['explain-link'] } },
            },
          ],
        });
      const classes = ['admonition', ...kinds.split(/[ \t]+/).filter(Boolean)];
      if (marker === '!!!')
        out.push(el('div', classes, [el('p', ['admonition-title'], titleNodes), ...inner.children], keyed));
      else
        out.push(
          el(
            'details',
            classes,
            [el('summary', undefined, titleNodes), ...inner.children],
            marker === '???+' ? { open: true, ...keyed } : keyed,
          ),
        );
      if (after) {
        const tail = parse(after);
        transform(tail, after);
        out.push(...tail.children);
      }
    }
    tree.children = out;
  };

  return (tree: Root, file: { value: unknown }) => {
    count = 0;
    transform(tree, String(file.value));
  };
}

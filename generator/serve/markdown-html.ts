/**
 * An intake page's markdown → HTML, as MkDocs Material shows it:
 * remark-parse → admonitions → attribute lists on links → remark-rehype →
 * safe links → rehype-stringify. Raw HTML in the markdown is dropped
 * (remark-rehype's default), so rule text can only ever be text.
 * The unified packages are imported when the first renderer is made.
 */
import type { AdmonitionOptions } from './remark-admonitions.js';

export type MarkdownToHtml = (markdown: string, options?: AdmonitionOptions) => string;

export async function createMarkdownToHtml(): Promise<MarkdownToHtml> {
  const [
    { unified },
    { default: remarkParse },
    { default: remarkRehype },
    { default: rehypeStringify },
    { default: remarkAdmonitions },
    { default: remarkAttrLinks },
    { default: rehypeSafeLinks },
  ] = await Promise.all([
    import('unified'),
    import('remark-parse'),
    import('remark-rehype'),
    import('rehype-stringify'),
    import('./remark-admonitions.js'),
    import('./remark-attr-links.js'),
    import('./rehype-safe-links.js'),
  ]);
  return (markdown, options = {}) =>
    String(
      unified()
        .use(remarkParse)
        .use(remarkAdmonitions, options)
        .use(remarkAttrLinks)
        .use(remarkRehype)
        .use(rehypeSafeLinks)
        .use(rehypeStringify)
        .processSync(markdown),
    );
}

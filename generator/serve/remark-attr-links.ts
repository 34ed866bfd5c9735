/**
 * remark plugin: the part of Python-Markdown's `attr_list` that intake pages
 * use, `[text](url){ .md-button }`: an attribute list right after a link
 * gives the link its classes (and id) instead of showing as text. Other
 * attributes (`key=value`) are dropped, never copied into the HTML.
 */
import type { Link, Parent, Root, Text } from 'mdast';

const ATTR_LIST = /^\{:?[ \t]*([^{}\n]*?)[ \t]*\}/;

function visitParents(node: Root | Parent, fn: (parent: Parent) => void): void {
  fn(node);
  for (const child of node.children) if ('children' in child) visitParents(child as Parent, fn);
}

export default function remarkAttrLinks() {
  return (tree: Root) => {
    visitParents(tree, (parent) => {
      parent.children.forEach((node, i) => {
        const next = parent.children[i + 1];
        if (node.type !== 'link' || next?.type !== 'text') return;
        const m = ATTR_LIST.exec((next as Text).value);
        if (!m) return;
        const tokens = m[1].split(/[ \t]+/).filter(Boolean);
        const classes = tokens.filter((t) => /^\.[\w-]+$/.test(t)).map((t) => t.slice(1));
        const id = tokens
          .filter((t) => /^#[\w-]+$/.test(t))
          .map((t) => t.slice(1))
          .pop();
        const link = node as Link;
        link.data = {
          ...link.data,
          hProperties: {
            ...(link.data?.hProperties ?? {}),
            ...(classes.length ? { className: classes } : {}),
            ...(id ? { id } : {}),
          },
        };
        (next as Text).value = (next as Text).value.slice(m[0].length);
      });
    });
  };
}

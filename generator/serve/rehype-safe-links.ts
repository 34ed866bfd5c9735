/**
 * rehype plugin: links and images keep their address only when it is a web
 * or mail address, or relative; anything a browser would run (`javascript:`,
 * `data:`, …) is removed. External links open without a referrer or opener.
 */
import type { Element, Root, RootContent } from 'hast';

/** True for `http:`, `https:`, `mailto:` and relative addresses (browsers ignore controls and spaces in a scheme). */
export function isSafeUrl(url: string): boolean {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.replace(/[\u0000-\u0020]/g, ''));
  return !scheme || ['http', 'https', 'mailto'].includes(scheme[1].toLowerCase());
}

function visit(node: Root | Element): void {
  for (const child of node.children as RootContent[]) {
    if (child.type !== 'element') continue;
    for (const attr of ['href', 'src'] as const) {
      const value = child.properties?.[attr];
      if (typeof value === 'string' && !isSafeUrl(value)) delete child.properties[attr];
    }
    if (child.tagName === 'a' && typeof child.properties.href === 'string' && /^https?:/i.test(child.properties.href)) {
      child.properties.rel = ['noopener', 'noreferrer'];
      child.properties.target = '_blank';
    }
    visit(child);
  }
}

export default function rehypeSafeLinks() {
  return (tree: Root) => visit(tree);
}

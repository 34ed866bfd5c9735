/**
 * Where a rule's documentation is, from a URL pattern with placeholders:
 * `{id}` (the rule id), `{slug}` (the title as MkDocs makes heading anchors)
 * and `{title}` (the title as a text fragment, `#:~:text={title}` scrolls to
 * the rule's block on the catalog page, which has no anchor of its own).
 */

/** The catalog page published beside the layers, at the rule's title. */
export const CATALOG_PAGE = 'built_in_rules_do_not_edit_manually.md';

export function defaultRuleUrl(baseUrl: string): string {
  return `${baseUrl}${CATALOG_PAGE}#:~:text={title}`;
}

/** Percent-encoding for a text fragment: `-`, `,` and `&` are syntax there. */
export function textFragment(text: string): string {
  return encodeURIComponent(text).replace(/-/g, '%2D');
}

/** MkDocs' default heading anchor: lower case, word characters, spaces and hyphens kept, spaces to hyphens. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\s-]/gu, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}

export function ruleUrl(pattern: string, rule: { id: string; title: string }): string {
  return pattern.replace(/\{(id|slug|title)\}/g, (_, key: string) =>
    key === 'id'
      ? encodeURIComponent(rule.id)
      : key === 'slug'
        ? encodeURIComponent(slugify(rule.title))
        : textFragment(rule.title),
  );
}

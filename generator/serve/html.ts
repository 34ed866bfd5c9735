/**
 * HTML built by rulecat itself: every interpolated value is escaped unless it
 * is already `SafeHtml` (made by `html` or `raw`), so rule and intake text is
 * always shown as text.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → HTML text or attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Trusted HTML, passed through as is (only for markup rulecat produced itself). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

function piece(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Tagged template: html`<td>${name}</td>` escapes `name`; arrays are joined; null, undefined and false are empty. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

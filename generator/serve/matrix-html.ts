/**
 * The coverage matrix drawn in HTML: tactics as columns, covered techniques
 * as cells shaded by rule count (five steps from 1 to the highest count),
 * sub-techniques listed in their technique's cell. Colours are classes, not
 * inline styles, so the page's Content-Security-Policy can forbid inline styles.
 */
import type { CoverageMatrix } from './coverage-matrix.js';
import { html, type SafeHtml } from './html.js';

export const SHADES = 5;

/** Shade step 1..SHADES of a rule count on the scale 1..max. */
export function shadeOf(count: number, max: number): number {
  if (max <= 1) return SHADES;
  return 1 + Math.round(((Math.min(count, max) - 1) / (max - 1)) * (SHADES - 1));
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "28 techniques, 11 sub-techniques": what the page header and the matrix both say is covered. */
export function coverageText(counts: { techniqueCount: number; subtechniqueCount: number }): string {
  return `${plural(counts.techniqueCount, 'technique')}, ${plural(counts.subtechniqueCount, 'sub-technique')}`;
}

export function matrixHtml(matrix: CoverageMatrix): SafeHtml {
  const columns = matrix.columns.map(
    (col) => html`<div class="tactic" data-tactic="${col.tactic.shortname}">
<h3 title="${col.tactic.id}">${col.tactic.name} <small>${col.techniques.length}</small></h3>
${col.techniques.map(
  (
    t,
  ) => html`<div class="technique shade-${shadeOf(t.rules.length, matrix.maxRules)}" data-technique="${t.id}" title="${t.rules.join('\n')}">
<div class="thead"><span><span class="tname">${t.name}</span> <span class="tid">${t.id}</span></span> <span class="count" aria-label="${plural(t.rules.length, 'rule')}">${t.rules.length}</span></div>
${t.subtechniques.length > 0 ? html`<ul class="subs">${t.subtechniques.map((s) => html`<li data-technique="${s.id}" title="${s.rules.join('\n')}"><span>${s.name} <span class="tid">${s.id}</span></span> <span class="count">${s.rules.length}</span></li>`)}</ul>` : ''}
</div>`,
)}
</div>`,
  );
  const outside =
    matrix.outside.length > 0
      ? html`<p class="outside">Not in ATT&amp;CK v${matrix.attackVersion}: ${matrix.outside.map((o, i) => html`${i > 0 ? ', ' : ''}<span class="tid">${o.id}</span> (${o.status}, ${plural(o.rules.length, 'rule')})`)}</p>`
      : '';
  return html`<section class="coverage" aria-labelledby="coverage-title">
<h2 id="coverage-title">ATT&amp;CK coverage</h2>
<p class="legend" data-testid="coverage-count">${coverageText(matrix)} covered, ATT&amp;CK Enterprise v${matrix.attackVersion}; the number is the rules detecting the technique (darker: more, up to ${matrix.maxRules}).</p>
<div class="matrix" data-testid="matrix">
${columns}
</div>
${outside}
</section>`;
}

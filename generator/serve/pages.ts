/**
 * The pages of the preview: a layout in the colours of MkDocs Material, the
 * index of intakes, an intake's page with its coverage matrix, a rule's
 * explanation, and the problems banner. Every value goes through `html`, so
 * it is escaped; scripts and styles carry the response's nonce.
 */
import { formatDiagnostic, type Diagnostic } from '../diagnostics.js';
import { html, raw, type SafeHtml } from './html.js';
import { coverageText } from './matrix-html.js';

const STYLE = `
:root{--primary:#4051b5;--accent:#526cfe;--text:#1f2328;--muted:#5f6368;--line:#e3e5e8;--abstract:#00b0ff}
*{box-sizing:border-box}
body{margin:0;font:16px/1.6 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--text);background:#fff}
header.bar{background:var(--primary);color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:baseline}
header.bar a{color:#fff;text-decoration:none;font-weight:600}
header.bar .crumb{opacity:.85}
main{max-width:1800px;margin:0 auto;padding:1rem 1.2rem 3rem}
.content{max-width:62rem}
h1{font-weight:400;font-size:1.9rem;margin:.6rem 0}
h2{font-weight:400;font-size:1.4rem;margin:1.6rem 0 .6rem}
h3{font-size:1.1rem;margin:1.2rem 0 .4rem}
a{color:var(--accent)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;background:#f5f5f5;padding:.1em .3em;border-radius:.2rem}
.meta{color:var(--muted);font-size:.9rem}
.md-button{display:inline-block;padding:.5em 1.6em;border:.1rem solid var(--primary);border-radius:.2rem;color:var(--primary);font-weight:700;text-decoration:none;margin:.4rem 0 .8rem}
.md-button:hover,.md-button:focus{background:var(--accent);border-color:var(--accent);color:#fff}
details.admonition,div.admonition{border:.05rem solid var(--abstract);border-left:.25rem solid var(--abstract);border-radius:.2rem;margin:.9rem 0;box-shadow:0 .1rem .3rem rgba(0,0,0,.06);font-size:.92rem}
details.admonition>summary,div.admonition>.admonition-title{background:rgba(0,176,255,.1);padding:.45rem 2.2rem .45rem .8rem;font-weight:700;cursor:pointer;list-style:none;position:relative;margin:0}
details.admonition>summary::-webkit-details-marker{display:none}
details.admonition>summary::before{content:"\\2261";color:var(--abstract);margin-right:.5rem}
details.admonition>summary::after{content:"\\203A";position:absolute;right:.9rem;top:50%;line-height:1;font-size:1.2rem;transform:translateY(-55%);transition:transform .2s;color:var(--muted)}
details.admonition[open]>summary::after{transform:translateY(-55%) rotate(90deg)}
details.admonition>:not(summary),div.admonition>:not(.admonition-title){margin-left:.8rem;margin-right:.8rem}
details.admonition li strong{font-weight:700}
.explain-link{font-size:.85rem}
.problems{border:1px solid #d93f0b;background:#fff4f0;padding:.6rem 1rem;border-radius:.3rem;margin:1rem 0}
.problems.warnings{border-color:#e3b341;background:#fffbea}
.problems pre{white-space:pre-wrap;margin:.4rem 0 0;font-size:.85rem}
table{border-collapse:collapse;width:100%}
table.fields{table-layout:fixed}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.85rem;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right}
input[type=search]{font:inherit;padding:.4rem .7rem;width:min(28rem,100%);border:1px solid #c5c8cc;border-radius:.3rem;margin:.4rem 0 .8rem}
.coverage{margin-top:2rem}
.legend{color:var(--muted);font-size:.85rem}
.matrix{display:grid;grid-auto-flow:column;grid-auto-columns:minmax(min-content,1fr);gap:.3rem;overflow-x:auto;padding-bottom:.5rem}
.tactic h3{font-size:.74rem;margin:0 0 .3rem;padding:.3rem;background:#f0f1f4;border-radius:.2rem;min-height:3.2rem}
.tactic h3 small{color:var(--muted);font-weight:400}
.technique{font-size:.74rem;line-height:1.3;padding:.3rem .35rem;border-radius:.2rem;margin-bottom:.25rem}
.technique .tid{opacity:.8;font-size:.68rem}
.technique .count{font-weight:700}
.technique .thead{display:flex;justify-content:space-between;gap:.25rem}
.technique ul.subs{margin:.25rem 0 0;padding-left:.8rem}
.technique ul.subs li{font-size:.68rem;display:flex;justify-content:space-between;gap:.25rem}
.shade-1{background:#c6dbef}.shade-2{background:#9cc0e0}.shade-3{background:#6a9fce;color:#fff}.shade-4{background:#3a78b6;color:#fff}.shade-5{background:#08519c;color:#fff}
.outside{font-size:.85rem;color:var(--muted)}
.ok{color:#1a7f37;font-weight:600}.no{color:#cf222e;font-weight:600}
tr.missing td{background:#fff5f5}
.verdict{font-size:1.5rem;font-weight:400}
.derived{font-size:.8rem;color:var(--muted)}
.description{white-space:pre-line}
.changed{animation:changed 6s ease-out}
@keyframes changed{0%,40%{outline:.2rem solid #f9a825;background:#fff8e1}100%{outline:.2rem solid transparent;background:transparent}}
`;

/**
 * Live reload that keeps the writer's place: before reloading, the page
 * remembers which rule blocks are open, which rule the writer is reading
 * (an open block whose title is in the window, else the first block in it)
 * and where it is in the window, and a digest of each block's text (by rule id, the
 * `data-key` of the block); after reloading it opens the same blocks,
 * scrolls the same rule to the same place and marks the blocks whose text
 * changed (or that are new) with the class `changed`, which fades out.
 */
const LIVE_RELOAD = `
const version = document.body.dataset.version;
const key = 'rulecat-place:' + location.pathname;
const blocks = () => [...document.querySelectorAll('[data-key]')];
const digest = (el) => { let h = 0; for (const c of el.textContent) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0; return h; };
const save = () => {
  const all = blocks();
  // Anchors, best first: open blocks whose title is in the window (the rule being read), other such blocks, any block in the window.
  const shown = all.filter((b) => { const r = b.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; });
  const titled = shown.filter((b) => b.getBoundingClientRect().top >= 0);
  const order = [...new Set([...titled.filter((b) => b.open), ...titled, ...shown])];
  sessionStorage.setItem(key, JSON.stringify({
    open: all.filter((b) => b.open).map((b) => b.dataset.key),
    anchors: order.map((b) => ({ key: b.dataset.key, offset: b.getBoundingClientRect().top })),
    scrollY: window.scrollY,
    digests: Object.fromEntries(all.map((b) => [b.dataset.key, digest(b)])),
  }));
};
const restore = () => {
  const saved = sessionStorage.getItem(key);
  if (!saved) return;
  sessionStorage.removeItem(key);
  const place = JSON.parse(saved);
  const byKey = new Map(blocks().map((b) => [b.dataset.key, b]));
  for (const k of place.open) { const b = byKey.get(k); if (b) b.open = true; }
  for (const [k, b] of byKey) if (place.digests[k] !== digest(b)) b.classList.add('changed');
  const anchor = place.anchors.find((a) => byKey.has(a.key));
  const scroll = () =>
    window.scrollTo(0, anchor ? window.scrollY + byKey.get(anchor.key).getBoundingClientRect().top - anchor.offset : place.scrollY);
  scroll();
  // Once loaded (the browser's own restoring is off for this reload), scroll again and let the browser restore later visits.
  window.addEventListener('load', () => {
    scroll();
    setTimeout(() => { history.scrollRestoration = 'auto'; }, 0);
  }, { once: true });
};
restore();
const events = new EventSource('/events');
events.addEventListener('version', (e) => {
  if (e.data === version) return;
  save();
  history.scrollRestoration = 'manual';
  location.reload();
});
`;

const FILTER = `
const box = document.getElementById('filter');
const rows = [...document.querySelectorAll('#intakes tbody tr')];
const count = document.getElementById('shown');
const apply = () => {
  const q = box.value.trim().toLowerCase();
  let shown = 0;
  for (const row of rows) { row.hidden = q !== '' && !row.dataset.search.includes(q); if (!row.hidden) shown++; }
  count.textContent = String(shown);
};
box.addEventListener('input', apply);
apply();
`;

export interface LayoutOptions {
  title: string;
  body: SafeHtml;
  /** Nonce of this response's script and style (absent: a standalone document without script). */
  nonce?: string;
  /** The server's state version: the page reloads when it changes. */
  version?: string;
  crumbs?: { href: string; text: string }[];
  scripts?: string[];
}

export function layout(o: LayoutOptions): string {
  const scripts = o.nonce !== undefined && o.version !== undefined ? [LIVE_RELOAD, ...(o.scripts ?? [])] : [];
  const csp =
    o.nonce === undefined
      ? html`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`
      : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${csp}
<title>${o.title}</title><link rel="icon" href="data:,">
<style${o.nonce ? html` nonce="${o.nonce}"` : ''}>${raw(STYLE)}</style></head>
<body data-version="${o.version ?? ''}">
<header class="bar"><a href="${o.nonce === undefined ? '#' : '/'}">rulecat preview</a>${(o.crumbs ?? []).map((c) => html`<a class="crumb" href="${c.href}">${c.text}</a>`)}</header>
<main>
${o.body}
</main>
${scripts.map((s) => html`<script nonce="${o.nonce}">${raw(s)}</script>`)}
</body></html>
`.value;
}

/** The problems of the latest update: errors (the page shows the last good state) or warnings. */
export function problemsBanner(problems: readonly Diagnostic[], broken: boolean, haveGood: boolean): SafeHtml {
  const errors = problems.filter((d) => d.severity === 'error');
  if (broken) {
    return html`<section class="problems" role="alert" data-testid="problems">
<strong>${errors.length} error${errors.length === 1 ? '' : 's'} in the inputs.</strong> ${haveGood ? 'Showing the last good rendering; it updates when the inputs are fixed.' : 'Nothing could be rendered yet; this page updates when the inputs are fixed.'}
<pre>${errors.map((d) => formatDiagnostic(d) + '\n')}</pre>
</section>`;
  }
  return html``;
}

export interface IndexRow {
  uuid: string;
  name: string;
  module: string;
  rules: number;
  /** ATT&CK techniques covered (as the intake's page header and matrix count them). */
  techniques: number;
}

export function indexBody(rows: readonly IndexRow[], ruleCount: number): SafeHtml {
  return html`<h1>Intakes</h1>
<p class="meta">${rows.length} intakes, ${ruleCount} rules. <span id="shown">${rows.length}</span> shown.</p>
<input type="search" id="filter" placeholder="Filter intakes by name, module or uuid" aria-label="Filter intakes" autofocus>
<table id="intakes"><thead><tr><th>Intake</th><th>Module</th><th class="num">Rules</th><th class="num" title="ATT&amp;CK techniques covered, as the intake's matrix counts them (sub-techniques count for their technique)">Techniques</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr data-search="${`${r.name} ${r.module} ${r.uuid}`.toLowerCase()}"><td><a href="/intake/${r.uuid}">${r.name}</a></td><td>${r.module}</td><td class="num">${r.rules}</td><td class="num">${r.techniques}</td></tr>`,
  )}</tbody></table>`;
}

export const INDEX_SCRIPTS = [FILTER];

export interface IntakeBodyOptions {
  name: string;
  uuid: string;
  module: string;
  rules: number;
  /** What the matrix counts as covered. */
  coverage: { techniqueCount: number; subtechniqueCount: number };
  /** The page rendered to HTML (rulecat's own rendering of the generated markdown). */
  page: SafeHtml;
  matrix: SafeHtml;
  /** Where the page's markdown is served (absent in a standalone document). */
  markdownHref?: string;
}

export function intakeBody(o: IntakeBodyOptions): SafeHtml {
  return html`<h1>${o.name}</h1>
<p class="meta">${o.module} · <code>${o.uuid}</code> · ${o.rules} rule${o.rules === 1 ? '' : 's'} · <span data-testid="header-coverage">${coverageText(o.coverage)}</span>${
    o.markdownHref ? html` · <a href="${o.markdownHref}">markdown</a>` : ''
  }</p>
<article class="content" data-testid="page">
${o.page}
</article>
${o.matrix}`;
}

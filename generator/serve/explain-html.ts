/**
 * Why a rule applies (or not) to an intake, as HTML: the same facts as
 * `rulecat explain` (log-source evidence, per search identifier the fields
 * present or missing with their carriers, constants contradicting values,
 * the condition, the field sets that would make it apply).
 */
import type { Explanation, TestExplanation } from '../match/explain.js';
import type { Place } from '../diagnostics.js';
import { html, type SafeHtml } from './html.js';

const yes = (ok: boolean, good = 'present', bad = 'missing') =>
  html`<span class="${ok ? 'ok' : 'no'}">${ok ? good : bad}</span>`;

function testRows(t: TestExplanation): SafeHtml[] {
  const rows: SafeHtml[] = [];
  if (t.fields.length === 0)
    rows.push(html`<tr><td><code>${t.test}</code></td><td colspan="3">needs no field</td></tr>`);
  for (const f of t.fields) {
    const renamed =
      f.names.length === 1 && f.names[0] === f.field
        ? ''
        : html` → <code>${f.names.join(' | ')}</code> <small>(${f.via})</small>`;
    const derived = f.derived.map(
      (d) =>
        html`<div class="derived">from the parser: <code>${d.raw}</code> → <code>${d.target}</code> (${d.how})</div>`,
    );
    const at = (p?: Place) => (p ? html` <small>${p.file}:${p.line}:${p.col}</small>` : '');
    const producers = f.producers.map(
      (p) =>
        html`<div class="producer"><code>${p.field}</code>: ${p.origin === 'parser' ? 'written by the parser' : p.origin === 'fields.yml' ? 'declared in fields.yml' : p.origin === 'tests' ? 'seen in a test event' : 'added by the platform'}${at(p.place)}${p.copies.map((c) => html`, copying <code>${c.raw}</code>${at(c.place)}`)}</div>`,
    );
    rows.push(
      html`<tr class="${f.present ? 'present' : 'missing'}"><td><code>${t.test}</code></td><td><code>${f.field}</code>${renamed}</td><td>${yes(f.present)}</td><td>${f.carriers.map((c, i) => html`${i > 0 ? ', ' : ''}<code>${c}</code>`)}${derived}${producers}</td></tr>`,
    );
  }
  for (const c of t.contradicts) {
    rows.push(
      html`<tr class="contradicted"><td><code>${t.test}</code></td><td colspan="3">values <code>${JSON.stringify(t.values)}</code> contradict the constant <code>${c.field}</code> = <code>${JSON.stringify(c.constants)}</code></td></tr>`,
    );
  }
  return rows;
}

export function explainHtml(e: Explanation, extra: { description?: string; pageHref?: string } = {}): SafeHtml {
  const verdict = e.applies
    ? e.explicit && !e.byDetection
      ? 'applies (listed in the rule’s intakes)'
      : 'applies'
    : 'does not apply';
  const readings =
    e.readings.length > 1 || e.reading !== null
      ? html`<p>Field names read ${e.reading === null ? 'as written' : html`with pipeline <code>${e.reading}</code>`}${
          e.readings.length > 1
            ? html` (readings: ${e.readings.map((r, i) => html`${i > 0 ? ', ' : ''}<code>${r.pipeline ?? 'as written'}</code> ${r.applies ? 'applies' : 'no'}`)})`
            : ''
        }.</p>`
      : '';
  const identifiers = e.identifiers.map(
    (id) => html`<section class="identifier">
<h3><code>${id.name}</code>: ${yes(id.canMatch, 'can match', 'cannot match')}${id.kind === 'keywords' ? ' (keywords: search the whole event)' : ''}</h3>
${id.alternatives.map(
  (
    alt,
    i,
  ) => html`${id.alternatives.length > 1 ? html`<p>Alternative ${i + 1}: ${yes(alt.canMatch, 'can match', 'cannot match')}</p>` : ''}
<table class="fields"><thead><tr><th>test</th><th>field</th><th>on this intake</th><th>carried by</th></tr></thead><tbody>${alt.tests.flatMap(testRows)}</tbody></table>`,
)}
</section>`,
  );
  return html`<section class="explain" data-testid="explain">
<h1 class="verdict"><strong>${e.rule.title}</strong> <span class="${e.applies ? 'ok' : 'no'}">${verdict}</span> to <strong>${e.intake.name}</strong></h1>
<p class="meta">${e.rule.file} · <code>${e.rule.id}</code>${extra.pageHref ? html` · <a href="${extra.pageHref}">back to the intake’s page</a>` : ''}</p>
${extra.description ? html`<p class="description">${extra.description}</p>` : ''}
<h2>Log source</h2>
<p><code>${JSON.stringify(e.rule.logsource)}</code>: ${yes(e.logsource.fits, 'fits', 'does not fit')}</p>
<ul>${e.logsource.evidence.map((ev) => html`<li>${ev}</li>`)}</ul>
${readings}
<h2>Fields</h2>
${e.missingFields.length > 0 ? html`<p>Missing on this intake: ${e.missingFields.map((f, i) => html`${i > 0 ? ', ' : ''}<code>${f}</code>`)}</p>` : html`<p>Every field it needs is produced.</p>`}
${identifiers}
${e.condition ? html`<h2>Condition</h2><p><code>${e.condition.text}</code> → ${yes(e.condition.canBeTrue, 'can be true', 'cannot be true')}</p>` : ''}
${e.correlated ? html`<h2>Correlates</h2><ul>${e.correlated.map((c) => html`<li>${c.title}: ${yes(c.applies, 'applies', 'does not apply')}</li>`)}</ul>` : ''}
${
  e.applies
    ? ''
    : html`<h2>What would make it apply</h2>${
        e.missingSets.length > 0
          ? html`<ul>${e.missingSets.map((s) => html`<li>${s.map((f, i) => html`${i > 0 ? ' + ' : ''}<code>${f}</code>`)}</li>`)}</ul>`
          : html`<p>No field would: the log source or the values keep it off.</p>`
      }`
}
</section>`;
}

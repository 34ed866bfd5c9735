import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeHtml, html, raw } from './html.js';
import { isSafeUrl } from './rehype-safe-links.js';
import { problemsBanner } from './pages.js';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const title = `<script>alert("x")</script> & 'y'`;
    expect(html`<p title="${title}">${title}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</p>',
    );
  });

  it('joins arrays, passes SafeHtml through, leaves null, undefined and false empty', () => {
    expect(
      html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${null}${undefined}${false}${0}${raw('<br>')}`.value,
    ).toBe('<ul><li>a&lt;</li><li>b</li></ul>0<br>');
  });

  it('never lets a string produce markup (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = html`<td>${s}</td>`.value;
        expect(out.slice(4, -5)).not.toMatch(/[<>"']/);
        expect(escapeHtml(s).replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toMatch(/[<>"'&]/);
      }),
    );
  });

  it('shows problems with their place', () => {
    const banner = problemsBanner(
      [{ file: 'rules/<x>.yml', line: 3, col: 7, severity: 'error', code: 'yaml-syntax', message: 'Unexpected <b>' }],
      true,
      true,
    ).value;
    expect(banner).toContain('rules/&lt;x&gt;.yml:3:7: error: Unexpected &lt;b&gt; [yaml-syntax]');
    expect(banner).toContain('Showing the last good rendering');
  });
});

describe('safe links', () => {
  it('keeps web, mail and relative addresses, drops anything a browser would run', () => {
    for (const ok of ['https://x.org/a', 'http://x', 'mailto:a@b.c', '/intake/x', '#top', 'page.md', '?q=1', 'a/b:c'])
      expect(isSafeUrl(ok), ok).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:x',
      'java\tscript:x',
      '\u0001javascript:x',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
    ])
      expect(isSafeUrl(bad), bad).toBe(false);
  });
});

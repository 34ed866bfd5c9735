import { beforeAll, describe, expect, it } from 'vitest';
import { createMarkdownToHtml, type MarkdownToHtml } from './markdown-html.js';

let toHtml: MarkdownToHtml;
beforeAll(async () => {
  toHtml = await createMarkdownToHtml();
});

/** Tags of the HTML without whitespace between them, for compact expectations. */
const squeeze = (s: string) => s.replace(/>\s+</g, '><').trim();

describe('admonitions as MkDocs Material shows them', () => {
  it('turns a page as generate writes it into a button and collapsible blocks', () => {
    const md = [
      '### Related Built-in Rules',
      '',
      'The following rules match the intake **A & B**.',
      '',
      '[SEKOIA.IO x A & B on ATT&CK Navigator](https://example.org/#layerURL=x){ .md-button }',
      '??? abstract "First rule"',
      '    ',
      '    Detects one thing.',
      '    ',
      '    - **Effort:** advanced',
      '',
      '??? abstract "Second rule"',
      '    ',
      '    Detects another.',
      '    ',
      '    - **Effort:** master',
      '',
    ].join('\n');
    const out = squeeze(toHtml(md));
    expect(out).toContain(
      '<a href="https://example.org/#layerURL=x" class="md-button" rel="noopener noreferrer" target="_blank">SEKOIA.IO x A &#x26; B on ATT&#x26;CK Navigator</a></p>',
    );
    expect(out).not.toContain('{ .md-button }');
    expect(out).not.toContain('???');
    expect(out).toContain(
      '<details class="admonition abstract"><summary>First rule</summary><p>Detects one thing.</p><ul><li><strong>Effort:</strong> advanced</li></ul></details>' +
        '<details class="admonition abstract"><summary>Second rule</summary><p>Detects another.</p><ul><li><strong>Effort:</strong> master</li></ul></details>',
    );
  });

  it('reads &quot; and &lt; in titles as characters, shown as text', () => {
    const out = toHtml('??? abstract "Say &quot;hi&quot; to &lt;script>alert(1)&lt;/script>"\n    \n    Body\n');
    expect(out).toContain('<summary>Say "hi" to &#x3C;script>alert(1)&#x3C;/script></summary>');
    expect(out).not.toContain('<script');
  });

  it('keeps a title ending in a quote whole (the last quote closes it)', () => {
    expect(toHtml('??? abstract "The &quot;x&quot;"\n')).toContain('<summary>The "x"</summary>');
    expect(toHtml('??? abstract "A "quoted" word"\n')).toContain('<summary>A "quoted" word</summary>');
  });

  it('parses a multi-line indented body as markdown, blank indented lines included', () => {
    const md =
      '??? note "T"\n    \n    First paragraph\n    goes on.\n    \n    \n    Second paragraph with `code` and *emphasis*.\n    \n    - a\n    - b\n';
    expect(squeeze(toHtml(md))).toBe(
      '<details class="admonition note"><summary>T</summary><p>First paragraph\ngoes on.</p><p>Second paragraph with <code>code</code> and <em>emphasis</em>.</p><ul><li>a</li><li>b</li></ul></details>',
    );
  });

  it('takes indented lines right after the title as body (no blank line)', () => {
    expect(squeeze(toHtml('??? note "T"\n    first line\n    second line\n'))).toBe(
      '<details class="admonition note"><summary>T</summary><p>first line\nsecond line</p></details>',
    );
  });

  it('ends the block at the first line without indent, and leaves text around blocks outside them', () => {
    const md = 'Before.\n\n??? note "A"\n    inside A\nnot inside\n\n??? note "B"\n\n    inside B\n\nAfter.\n';
    expect(squeeze(toHtml(md))).toBe(
      '<p>Before.</p><details class="admonition note"><summary>A</summary><p>inside A</p></details><p>not inside</p>' +
        '<details class="admonition note"><summary>B</summary><p>inside B</p></details><p>After.</p>',
    );
  });

  it('splits a paragraph where a block starts on a later line', () => {
    expect(squeeze(toHtml('Some text\n??? note "A"\n    body\n'))).toBe(
      '<p>Some text</p><details class="admonition note"><summary>A</summary><p>body</p></details>',
    );
  });

  it('knows ???+ (open), !!! (not collapsible), several classes and titles without quotes', () => {
    expect(toHtml('???+ tip "Open"\n    x\n')).toContain(
      '<details class="admonition tip" open><summary>Open</summary>',
    );
    expect(squeeze(toHtml('!!! warning "Careful"\n    x\n'))).toBe(
      '<div class="admonition warning"><p class="admonition-title">Careful</p><p>x</p></div>',
    );
    expect(toHtml('??? note inline end "T"\n    x\n')).toContain(
      '<details class="admonition note inline end"><summary>T</summary>',
    );
    expect(toHtml('??? abstract\n    x\n')).toContain('<summary>Abstract</summary>');
  });

  it('nests blocks in bodies', () => {
    expect(squeeze(toHtml('??? note "Outer"\n    ??? tip "Inner"\n        deep\n'))).toBe(
      '<details class="admonition note"><summary>Outer</summary><details class="admonition tip"><summary>Inner</summary><p>deep</p></details></details>',
    );
  });

  it('leaves code blocks, escaped markers and bare question marks alone', () => {
    expect(toHtml('```\n??? abstract "x"\n    y\n```\n')).toContain(
      '<pre><code>??? abstract "x"\n    y\n</code></pre>',
    );
    expect(toHtml('\\??? abstract "x"\n')).toContain('<p>??? abstract "x"</p>');
    expect(toHtml('???\n')).toBe('<p>???</p>');
    expect(toHtml('Why??? "x"\n')).toBe('<p>Why??? "x"</p>');
  });

  it('shows raw HTML of bodies as nothing runnable', () => {
    const out = toHtml(
      '??? note "T"\n    <script>alert(1)</script> <img src=x onerror=alert(1)>\n    [x](javascript:alert(1))\n',
    );
    expect(out).not.toMatch(/<script|<img|onerror|javascript:/);
  });

  it('appends the footer link to each block, numbered in document order', () => {
    const out = squeeze(
      toHtml('??? note "A"\n    a\n\n??? note "B"\n    b\n', {
        footer: (i, title) => ({ href: `/explain/${i}`, text: `Why ${title}` }),
      }),
    );
    expect(out).toContain('<p>a</p><p><a href="/explain/0" class="explain-link">Why A</a></p></details>');
    expect(out).toContain('<p>b</p><p><a href="/explain/1" class="explain-link">Why B</a></p></details>');
  });
});

describe('attribute lists on links', () => {
  it('keeps classes and an id, drops other attributes', () => {
    const out = toHtml('[Go](https://x.org){ .md-button .md-button--primary #go onclick="alert(1)" }\n');
    expect(out).toContain('class="md-button md-button--primary" id="go"');
    expect(out).not.toContain('onclick');
    expect(out).not.toContain('{');
  });

  it('leaves braces that do not follow a link as text', () => {
    expect(toHtml('Text { .md-button }\n')).toBe('<p>Text { .md-button }</p>');
  });
});

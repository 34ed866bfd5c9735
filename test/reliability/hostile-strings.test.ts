/**
 * Hostile rule titles and descriptions: whatever they hold, an intake page
 * keeps its structure (exactly one admonition per rule, every line of a
 * block indented inside it, the title one quoted string, no raw HTML, no
 * include directive) and its layer is valid JSON naming the same rules.
 * Rules go through the whole pipeline: YAML file → loader → views → templates.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Nodes, Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { build } from '../../generator/build.js';
import { resolveConfig } from '../../generator/config.js';
import { indentedBlock, neutralizeBlock, prepareMarkdown } from '../../generator/render/markdown.js';
import { haveShared, shared } from '../shared.js';
import { INTAKE_MANIFEST, PARSER, writeTree } from '../tree.js';
import { FUZZ_TIMEOUT, fuzzRuns, U1 } from './helpers.js';

const markdown = unified().use(remarkParse).freeze();
const parse = (text: string) => markdown.parse(text) as Root;

/** Pieces that have broken pages somewhere: markdown structure, HTML, quotes, line breaks, long lines. */
const FRAGMENTS = [
  '"',
  "'",
  '\n',
  '\r\n',
  '\r',
  '\n\n',
  '    ',
  '\t',
  '\\',
  '`',
  '```',
  '~~~',
  '??? abstract "x"',
  '???+ note',
  '!!! note',
  '!!! danger "t"',
  '# heading',
  '## h2',
  '###### h6',
  '#no-space',
  '===',
  '---',
  '- item',
  '* item',
  '1. item',
  '> quote',
  '| a | b |',
  '***',
  '___',
  '<script>alert(1)</script>',
  '<img/src=x/onerror=alert(1)>',
  '<a href="x">',
  '</div>',
  '<!-- c -->',
  '<?php ?>',
  '<![CDATA[x]]>',
  '`<TargetObject name="x">`',
  '<https://example.com>',
  'a < b > c',
  '&lt;',
  '&quot;',
  '&#60;script&#62;',
  '[x](javascript:alert(1))',
  '[r]: javascript:alert(1)',
  '![i](data:text/html,x)',
  '[ok](https://example.com)',
  '{!/etc/passwd!}',
  '{{title}}',
  '{{{x}}}',
  '%s',
  '${x}',
  '\u2028',
  '\u0085',
  '\u200b',
  '\ufeff',
  '\u0000',
  '\u001b[31m',
  'é',
  'ß',
  '😀',
  '𝕏',
  'عربى',
  '中文',
  'x'.repeat(5000),
];

const hostile = fc
  .array(
    fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ maxLength: 20 })),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const RULE_TAGS = ['attack.execution', 'attack.t1059.001'];

function catalogWith(rules: { title: string; description: string }[]): string {
  const files: Record<string, string> = {
    'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
    'intakes/V/edr/ingest/parser.yml': PARSER({ 'process.executable': '{{parsed.message.image}}' }),
  };
  rules.forEach((r, i) => {
    const doc = {
      title: r.title,
      id: `r-${i}`,
      description: r.description,
      level: 'high',
      tags: RULE_TAGS,
      logsource: { product: 'windows' },
      detection: { sel: { 'process.executable': 'x.exe' }, condition: 'sel' },
    };
    files[`rules/r${i}.yml`] = stringify(doc, { lineWidth: 0 }); // folding long lines could split a surrogate pair
  });
  return writeTree(files);
}

/** Lines of the page between the button line and the end, grouped per admonition. */
function blocks(page: string): string[][] {
  const lines = page.split('\n');
  expect(lines.pop()).toBe(''); // the page ends with a newline
  const first = lines.findIndex((l) => l.startsWith('??? '));
  expect(first).toBe(5);
  const out: string[][] = [];
  for (const line of lines.slice(first)) {
    if (line.startsWith('??? ')) out.push([line]);
    else out[out.length - 1].push(line);
  }
  return out;
}

function rawHtml(text: string): string[] {
  const found: string[] = [];
  const visit = (node: Nodes) => {
    if (node.type === 'html') found.push(node.value);
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(parse(text));
  return found;
}

/** `<` that could open markup outside one-line code spans (what Python-Markdown might take for HTML). */
function tagLike(text: string): number[] {
  const inCode = new Set<number>();
  const visit = (node: Nodes) => {
    const s = node.position?.start.offset;
    const e = node.position?.end.offset;
    if (node.type === 'inlineCode' && s !== undefined && e !== undefined && !text.slice(s, e).includes('\n'))
      for (let i = s; i < e; i++) inCode.add(i);
    if ('children' in node) for (const child of node.children) visit(child as Nodes);
  };
  visit(parse(text));
  // A web or mail autolink is a link or, in code, text: never HTML for either parser.
  for (const m of text.matchAll(/<(?:https?:\/\/[^<>\s]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)>/g)) inCode.add(m.index);
  const last = text.lastIndexOf('>');
  return [...text.matchAll(/<[A-Za-z/!?]/g)].map((m) => m.index!).filter((i) => i < last && !inCode.has(i));
}

function checkPage(page: string, titles: string[]): void {
  const expected = [...new Set(titles)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const all = blocks(page);
  expect(all.length).toBe(expected.length);
  expect(page.split('\n').filter((l) => /^ {0,3}(\?\?\?|!!!)/.test(l)).length).toBe(expected.length);
  expect(page.split('\n').filter((l) => /^ {0,3}#/.test(l))).toEqual(['### Related Built-in Rules']);
  expect(page).not.toContain('{!');
  all.forEach((block, i) => {
    const [header, ...body] = block;
    expect(header).toMatch(/^\?\?\? abstract "[^"\n\r]*"$/);
    expect(header).not.toMatch(/<[A-Za-z/!?]/);
    const last = i === all.length - 1;
    const content = last ? body : body.slice(0, -1);
    if (!last) expect(body[body.length - 1]).toBe('');
    expect(content[content.length - 1]).toMatch(/^ {4}- \*\*Effort:\*\* \w+$/);
    for (const line of content) expect(line.startsWith('    ')).toBe(true);
    const inner = content.map((l) => l.slice(4));
    inner.forEach((line, k) => {
      expect(line).not.toMatch(/^ {0,3}(\?\?\?|!!!)/);
      expect(line).not.toMatch(/^ {0,3}#{1,6}(\s|$)/);
      if (k > 0 && inner[k - 1].trim() !== '') expect(line).not.toMatch(/^ {0,3}(=+|-+)[ \t]*$/);
    });
    const text = inner.join('\n');
    expect(rawHtml(text)).toEqual([]);
    expect(tagLike(text)).toEqual([]);
  });
}

function checkLayer(layer: string, titles: string[]): void {
  const value = JSON.parse(layer) as { name: string; techniques: { techniqueID: string; comment: string }[] };
  const names = [...new Set(titles)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  expect(value.name).toBe('SEKOIA.IO x Vendor EDR');
  expect(value.techniques.map((t) => t.techniqueID)).toEqual(['T1059', 'T1059.001']);
  for (const t of value.techniques) expect(t.comment).toBe(`Rules: ${names.join(', ')}`);
}

async function generatePage(rules: { title: string; description: string }[]): Promise<{ page: string; layer: string }> {
  const root = catalogWith(rules);
  const { config } = resolveConfig(root, undefined, {
    rules: [path.join(root, 'rules')],
    intakes: [path.join(root, 'intakes')],
    out: path.join(root, 'out'),
  });
  const result = await build(config);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const file = (name: string) => result.files.find((f) => f.path === name)?.content ?? '';
  return {
    page: file(`suggested_rules_${U1}_do_not_edit_manually.md`),
    layer: file(`attack_${U1}_do_not_edit_manually.json`),
  };
}

const ruleArb = fc.record({ title: hostile.filter((t) => t.trim() !== ''), description: hostile });

describe('hostile titles and descriptions', () => {
  it(
    'pages keep their structure and layers stay valid JSON with the same names (property)',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(ruleArb, { minLength: 1, maxLength: 5 }), async (rules) => {
          const { page, layer } = await generatePage(rules);
          checkPage(
            page,
            rules.map((r) => r.title),
          );
          checkLayer(
            layer,
            rules.map((r) => r.title),
          );
        }),
        { numRuns: fuzzRuns(60) },
      );
    },
    FUZZ_TIMEOUT,
  );

  it('every fragment alone, as title and as description', async () => {
    const rules = FRAGMENTS.filter((f) => f.trim() !== '').map((f, i) => ({ title: `${i} ${f}`, description: f }));
    const { page, layer } = await generatePage(rules);
    checkPage(
      page,
      rules.map((r) => r.title),
    );
    checkLayer(
      layer,
      rules.map((r) => r.title),
    );
  });

  it('neutralises raw HTML and script links, keeps code spans and autolinks byte-identical', async () => {
    await prepareMarkdown(['`<']);
    expect(neutralizeBlock('Runs <script>alert(1)</script> here')).toBe('Runs &lt;script>alert(1)&lt;/script> here');
    expect(neutralizeBlock('<img/src=x/onerror=alert(1)>')).toBe('&lt;img/src=x/onerror=alert(1)>');
    expect(neutralizeBlock('a <!-- hidden --> b')).toBe('a &lt;!-- hidden --> b');
    expect(neutralizeBlock('[click](javascript:alert(1))')).toBe('[click]\\(javascript:alert(1))');
    expect(neutralizeBlock('[click](jav&#x61;script:alert(1))')).toBe('[click]\\(jav&#x61;script:alert(1))');
    const code = 'Set `<TargetObject name="testr12" condition="end with">` in the Sysmon configuration.';
    expect(neutralizeBlock(code)).toBe(code);
    for (const same of ['<https://example.com/x>', 'a < b and c > d', 'x<3', '[docs](https://example.com)', 'if a<b'])
      expect(neutralizeBlock(same)).toBe(same);
  });

  it(
    'only ever escapes: dropping the escapes gives the description back (property)',
    async () => {
      await prepareMarkdown(['`<']);
      const text = hostile.filter((t) => !t.includes('&') && !t.includes('\\'));
      fc.assert(
        fc.property(text, (t) => {
          const normal = t.replace(/[\u0002\u0003]/g, '').replace(/\r\n?/g, '\n');
          const decoded = neutralizeBlock(t).replace(/&lt;|&#(\d+);/g, (_, code: string | undefined) =>
            code === undefined ? '<' : String.fromCharCode(Number(code)),
          );
          expect(decoded.replace(/\\/g, '')).toBe(normal);
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
    FUZZ_TIMEOUT,
  );
});

const INDEX = ['data', 'sekoia-docs', 'rules_index.json'];

describe.runIf(haveShared(...INDEX))('descriptions of the published rules index', () => {
  it('stay byte-identical when they hold no raw HTML; code spans stay as they are', async () => {
    const index = JSON.parse(readFileSync(shared(...INDEX), 'utf8')) as { name: string; description: string }[];
    const descriptions = index.map((r) => r.description);
    await prepareMarkdown(['`<']);
    let withHtml = 0;
    for (const d of descriptions) {
      if (rawHtml(d).length > 0) {
        withHtml++;
        expect(rawHtml(neutralizeBlock(d))).toEqual([]);
        continue;
      }
      expect(neutralizeBlock(d), d).toBe(d);
      expect(indentedBlock(d), d).toBe(d.replace(/\n/g, '\n    '));
    }
    expect(descriptions.length).toBeGreaterThan(1000);
    expect(withHtml).toBe(0);
    const codeSpan = descriptions.find((d) => d.includes('`<TargetObject'));
    expect(codeSpan).toBeDefined();
    expect(indentedBlock(codeSpan!)).toBe(codeSpan);
  });
});

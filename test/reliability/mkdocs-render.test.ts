/**
 * The hostile catalog (hostile-catalog.ts) generated, then every markdown
 * page rendered by the real Python-Markdown with the extensions the Sekoia.io
 * site enables (render-mkdocs.py), on its own and included by a host page
 * with a `{!path!}` line. The HTML must hold no event handler, no script,
 * data or vbscript URL, no element outside what the pages are made of, not
 * the secret file's content; each Navigator button is one link; each rule
 * is one collapsible block with its title; each changelog heading and table
 * row keeps its shape.
 *
 * Needs Debian's python3-markdown, python3-pymdownx (and
 * python3-markdown-include for the include path); skipped with a message
 * when they are absent, failed in CI (.ci/run installs them).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../shared.js';
import { runCli } from '../tree.js';
import { FUZZ_TIMEOUT, fuzzRuns } from './helpers.js';
import {
  BLOCK_ATTACKS,
  HOSTILE_FIELDS,
  HOSTILE_INTAKES,
  SECRET,
  SECRET_FILE,
  writeHostileCatalog,
  type HostileIntake,
  type HostileRule,
} from './hostile-catalog.js';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SCRIPT = path.join(REPO, 'test', 'reliability', 'render-mkdocs.py');

/** Why the renderer cannot run here, or undefined. */
function unavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import markdown, pymdownx'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found`;
  if (probe.status !== 0) return `${PYTHON} lacks markdown or pymdownx`;
  return undefined;
}

const missing = unavailable();
const INSTALL = 'apt-get install python3-markdown python3-pymdownx python3-markdown-include';
if (missing && !process.env.CI)
  console.warn(`mkdocs-render.test.ts skipped: ${missing} (${INSTALL}; .ci/run installs them)`);

describe.runIf(missing !== undefined && process.env.CI)('the real renderer in CI', () => {
  it('is installed', () => {
    expect.fail(`${missing}: .ci/run should have run ${INSTALL}`);
  });
});

// ---------------------------------------------------------------------------
// A small reading of the HTML Python-Markdown writes (well-formed, attributes quoted, text escaped).

interface Tag {
  name: string;
  attrs: [string, string][];
  at: number;
}

function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(
    /<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g,
  )) {
    const attrs: [string, string][] = [];
    for (const a of m[2].matchAll(/([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      const raw = a[2] ?? '';
      attrs.push([a[1].toLowerCase(), decode(raw.replace(/^["']|["']$/g, ''))]);
    }
    out.push({ name: m[1].toLowerCase(), attrs, at: m.index });
  }
  return out;
}

/** The text of an HTML fragment, tags dropped, references decoded. */
function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ''));
}

/** Elements the pages are made of (tables, lists, code, links, details). */
const ALLOWED_TAGS = new Set([
  'p',
  'a',
  'strong',
  'em',
  'code',
  'pre',
  'span',
  'details',
  'summary',
  'ul',
  'ol',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'br',
  'hr',
  'blockquote',
  'img',
  'sup',
  'div',
]);
const URL_ATTRS = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'data',
  'poster',
  'background',
  'srcset',
  'cite',
]);

function scriptUrl(value: string): boolean {
  return /^(?:javascript|data|vbscript):/i.test(value.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''));
}

/** Every rule of the problems found in one page's HTML (empty: none). */
function attributeProblems(html: string): string[] {
  const problems: string[] = [];
  for (const tag of tags(html)) {
    if (!ALLOWED_TAGS.has(tag.name)) problems.push(`element <${tag.name}>`);
    // Code blocks are the only divs (superfences' highlight wrapper).
    if (tag.name === 'div' && !tag.attrs.every(([k, v]) => k === 'class' && /^highlight$/.test(v)))
      problems.push(`div ${JSON.stringify(tag.attrs)}`);
    for (const [name, value] of tag.attrs) {
      if (name.startsWith('on')) problems.push(`<${tag.name} ${name}=${value}>`);
      const alignment = name === 'style' && /^text-align: (?:left|right|center);$/.test(value);
      if (!['href', 'src', 'alt', 'title', 'id', 'class'].includes(name) && !alignment)
        problems.push(`<${tag.name}> attribute ${name}`);
      if (URL_ATTRS.has(name) && scriptUrl(value)) problems.push(`<${tag.name} ${name}=${value}>`);
    }
  }
  return problems;
}

/** Top-level `<details>` blocks of a page, in order (a nested one is a problem in itself). */
function detailsBlocks(html: string): string[] {
  const blocks: string[] = [];
  let depth = 0;
  let start = 0;
  for (const m of html.matchAll(/<(\/?)details\b[^>]*>/g)) {
    if (m[1] === '') {
      if (depth === 0) start = m.index;
      depth++;
    } else if (--depth === 0) blocks.push(html.slice(start, m.index + m[0].length));
  }
  expect(depth).toBe(0);
  return blocks;
}

// ---------------------------------------------------------------------------

interface Rendered {
  root: string;
  rules: HostileRule[];
  /** Generated markdown pages by name. */
  pages: Record<string, string>;
  /** HTML by page name; `NAME (included)` for the page included by a host page. */
  html: Record<string, string>;
  included: boolean;
  errors: Record<string, string>;
}

/** Generate a hostile catalog and render its pages with render-mkdocs.py. */
async function generateAndRender(written: { root: string; rules: HostileRule[] }): Promise<Rendered> {
  const { root, rules } = written;
  const result = await runCli(['generate'], root);
  expect(result.stderr.split('\n').filter((l) => l.includes(': error: '))).toEqual([]);
  expect(result.code).toBe(0);
  const docs = path.join(root, 'base', 'docs');
  const names = readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .sort();
  const pages = Object.fromEntries(names.map((n) => [n, readFileSync(path.join(docs, n), 'utf8')]));
  const rendered = spawnSync(PYTHON, [SCRIPT], {
    input: JSON.stringify({ docs, base: path.join(root, 'base'), pages: names }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(rendered.status, rendered.stderr).toBe(0);
  const answer = JSON.parse(rendered.stdout) as {
    include: boolean;
    html: Record<string, string>;
    errors: Record<string, string>;
  };
  return { root, rules, pages, html: answer.html, included: answer.include, errors: answer.errors };
}

const intakePage = (uuid: string) => `suggested_rules_${uuid}_do_not_edit_manually.md`;
const navigatorLink = (uuid: string) =>
  `https://mitre-attack.github.io/attack-navigator/#layerURL=${encodeURIComponent(`https://raw.githubusercontent.com/SEKOIA-IO/documentation/main/_shared_content/operations_center/detection/generated/attack_${uuid}_do_not_edit_manually.json`)}`;

/** The paragraph of an intake page's Navigator button (exactly one). */
function buttonOf(page: string, key: string): string {
  const button = [...page.matchAll(/<p>((?:(?!<\/p>)[^])*class="md-button"(?:(?!<\/p>)[^])*)<\/p>/g)];
  expect(button.length, key).toBe(1);
  return button[0][1];
}

/** What must hold for any catalog: no active content, no secret, every page keeps its shape. */
function checkStructure(r: Rendered, intakes: readonly HostileIntake[]): void {
  expect(r.errors).toEqual({});
  for (const [name, page] of Object.entries(r.html)) {
    expect(attributeProblems(page), name).toEqual([]);
    expect(page.includes(SECRET), name).toBe(false);
  }
  const applying = r.rules
    .filter((_, i) => i >= HOSTILE_FIELDS.length)
    .map((x) => x.marker)
    .sort();
  for (const intake of intakes) {
    for (const key of [intakePage(intake.uuid), ...(r.included ? [`${intakePage(intake.uuid)} (included)`] : [])]) {
      const button = buttonOf(r.html[key], key);
      const links = tags(button).filter((t) => t.name === 'a');
      expect(links.length, key).toBe(1);
      expect(Object.fromEntries(links[0].attrs)).toEqual({ class: 'md-button', href: navigatorLink(intake.uuid) });
      expect(button.replace(/^<a [^>]*>[^]*<\/a>$/, ''), key).toBe('');
      const blocks = detailsBlocks(r.html[key]);
      expect(
        blocks.map((b) => textOf(/<summary>([^]*?)<\/summary>/.exec(b)![1]).replace(/ [^]*$/, '')).sort(),
        key,
      ).toEqual(applying);
      for (const b of blocks) {
        expect(b.match(/<details/g)!.length, b).toBe(1);
        expect(b, b).not.toMatch(/<h[1-6]/);
        expect(b.match(/<strong>Effort:<\/strong>/g)?.length, b).toBe(1);
      }
    }
  }
  const headings = [...r.html['rules_changelog.md'].matchAll(/<h3([^>]*)>([^]*?)<\/h3>/g)];
  for (const h of headings) expect(h[1]).toMatch(/^ id="[^"]*"$/);
  expect(headings.map((h) => textOf(h[2]).replace(/ [^]*$/, '')).sort()).toEqual(r.rules.map((x) => x.marker).sort());
  const rows = [...r.html['navigator_links_do_not_edit_manually.md'].matchAll(/<tr>([^]*?)<\/tr>/g)].map((m) => m[1]);
  expect(rows.length).toBe(2 + intakes.length);
  for (const row of rows) expect(row.match(/<t[dh][\s>]/g)!.length, row).toBe(4);
}

const run = missing === undefined ? describe : describe.skip;

run('hostile catalog rendered by Python-Markdown with the Sekoia site extensions', () => {
  let r: Rendered;
  let root = '';
  let rules: HostileRule[] = [];
  let pages: Record<string, string> = {};
  let html: Record<string, string> = {};
  let included = false;
  let errors: Record<string, string> = {};

  beforeAll(async () => {
    r = await generateAndRender(writeHostileCatalog());
    ({ root, rules, pages, html, included, errors } = r);
  }, 120_000);

  const applying = () => rules.filter((_, i) => i >= HOSTILE_FIELDS.length);
  const everyHtml = () => Object.entries(html);

  it('renders every page, on its own and (with markdown_include) included by a host page', () => {
    expect(errors).toEqual({});
    expect(Object.keys(pages)).toEqual(
      expect.arrayContaining([
        'built_in_rules_do_not_edit_manually.md',
        'rules_changelog.md',
        'navigator_links_do_not_edit_manually.md',
        ...HOSTILE_INTAKES.map((i) => intakePage(i.uuid)),
      ]),
    );
    expect(Object.keys(html).length).toBe(Object.keys(pages).length * (included ? 2 : 1));
    if (!included)
      console.warn(
        'mkdocs-render.test.ts: markdown_include not installed; include lines are checked in the markdown only',
      );
    // The host page really holds the generated one.
    for (const name of included ? Object.keys(pages) : []) {
      expect(html[`${name} (included)`]).toContain('<h2 id="detection-section">Detection section</h2>');
      expect(html[`${name} (included)`].split('<details').length, name).toBe(html[name].split('<details').length);
      expect(html[`${name} (included)`].length, name).toBeGreaterThan(html[name].length);
    }
  });

  it('has no event handler, no script URL, no element or attribute a page is not made of', () => {
    for (const [name, page] of everyHtml()) expect(attributeProblems(page), name).toEqual([]);
  });

  it('never pulls in the secret file (snippets, includes)', () => {
    for (const [name, page] of everyHtml()) expect(page.includes(SECRET), name).toBe(false);
    // What markdown_include would read, whether installed or not: no include directive on any line.
    for (const [name, text] of Object.entries(pages)) {
      for (const line of text.split('\n')) {
        expect(/\{!\s*(.+?)\s*!((\blines\b)=([0-9 -]+))?\}/.test(line), `${name}: ${line}`).toBe(false);
        expect(/^[ \t]*;*-+8<-+/.test(line), `${name}: ${line}`).toBe(false);
      }
    }
    expect(readFileSync(path.join(root, 'base', SECRET_FILE), 'utf8')).toContain(SECRET);
  });

  it('gives each intake page one Navigator button: one link, to its layer, with the whole name as text', () => {
    for (const intake of HOSTILE_INTAKES) {
      for (const key of [intakePage(intake.uuid), ...(included ? [`${intakePage(intake.uuid)} (included)`] : [])]) {
        const button = buttonOf(html[key], key);
        const links = tags(button).filter((t) => t.name === 'a');
        expect(links.length, key).toBe(1);
        expect(Object.fromEntries(links[0].attrs)).toEqual({ class: 'md-button', href: navigatorLink(intake.uuid) });
        // Nothing outside the link, and the name is in it (markdown emphasis aside).
        expect(button.replace(/^<a [^>]*>[^]*<\/a>$/, '')).toBe('');
        const words = intake.name
          .replace(/\\(?=[|\\])/g, '')
          .replace(/\*\*/g, '')
          .split(/\s+/);
        const text = textOf(button);
        for (const word of words) expect(text, key).toContain(word);
      }
    }
  });

  it('lists every applying rule as one collapsible block whose summary is its title, on every intake page', () => {
    const expected = applying();
    for (const intake of HOSTILE_INTAKES) {
      const page = html[intakePage(intake.uuid)];
      const blocks = detailsBlocks(page);
      expect(blocks.length, intake.name).toBe(expected.length);
      const markers = blocks.map((b) => {
        expect(b.match(/<details/g)!.length, b).toBe(1);
        expect(b.match(/<summary>/g)!.length, b).toBe(1);
        expect(b, b).not.toMatch(/<h[1-6]/);
        expect(b.match(/<strong>Effort:<\/strong>/g)?.length, b).toBe(1);
        return textOf(/<summary>([^]*?)<\/summary>/.exec(b)![1]).replace(/ [^]*$/, '');
      });
      expect(markers.sort()).toEqual(expected.map((r) => r.marker).sort());
      // Outside the blocks: the heading, the sentence, the button, the near misses.
      const outside = blocks.reduce((rest, b) => rest.replace(b, ''), page);
      expect([...outside.matchAll(/<h([1-6])[^>]*>/g)].map((m) => m[1])).toEqual(['3', '4']);
    }
  });

  it('lists every rule on the catalog page in one block per technique, and the near misses as code', () => {
    const catalog = html['built_in_rules_do_not_edit_manually.md'];
    const blocks = detailsBlocks(catalog);
    // Each rule under Execution / Command and Scripting Interpreter (T1059.001's tactic and parent).
    expect(blocks.length).toBe(rules.length);
    expect(blocks.map((b) => textOf(/<summary>([^]*?)<\/summary>/.exec(b)![1]).replace(/ [^]*$/, '')).sort()).toEqual(
      rules.map((r) => r.marker).sort(),
    );
    for (const b of blocks) expect(b.match(/<strong>Changelog:<\/strong>/g)?.length, b).toBe(1);
    const nearMiss = html[intakePage(HOSTILE_INTAKES[0].uuid)];
    for (const field of HOSTILE_FIELDS.filter((f) => !f.includes('{!')))
      expect(textOf(nearMiss)).toContain(field.replace(/\n/g, ' ').trim());
  });

  it('gives each rule of the changelog page one plain heading followed by its entries', () => {
    const changelog = html['rules_changelog.md'];
    const headings = [...changelog.matchAll(/<h3([^>]*)>([^]*?)<\/h3>/g)];
    expect(headings.length).toBe(rules.length);
    for (const h of headings) expect(h[1]).toMatch(/^ id="[^"]*"$/);
    expect(headings.map((h) => textOf(h[2]).replace(/ [^]*$/, '')).sort()).toEqual(rules.map((r) => r.marker).sort());
    expect(detailsBlocks(changelog)).toEqual([]);
  });

  it('keeps every row of the links table: four cells, the last one a single link to the layer', () => {
    const links = html['navigator_links_do_not_edit_manually.md'];
    const rows = [...links.matchAll(/<tr>([^]*?)<\/tr>/g)].map((m) => m[1]);
    expect(rows.length).toBe(1 + 1 + HOSTILE_INTAKES.length);
    for (const row of rows) expect(row.match(/<t[dh][\s>]/g)!.length, row).toBe(4);
    for (const intake of HOSTILE_INTAKES) {
      const row = rows.find((r) => r.includes(`attack_${intake.uuid}_do_not_edit_manually.json`));
      expect(row, intake.name).toBeDefined();
      const cells = row!.split(/<\/td>\s*<td[^>]*>/);
      expect(tags(cells[3]).filter((t) => t.name === 'a').length).toBe(1);
      expect(tags(cells[0]).filter((t) => t.name === 'a').length).toBe(0);
    }
  });

  it('passes the checks any catalog must pass', () => {
    checkStructure(r, HOSTILE_INTAKES);
  });

  it('writes layers as JSON only: intake names verbatim', () => {
    const docs = path.join(root, 'base', 'docs');
    for (const intake of HOSTILE_INTAKES) {
      const layer = JSON.parse(
        readFileSync(path.join(docs, `attack_${intake.uuid}_do_not_edit_manually.json`), 'utf8'),
      ) as { name: string; techniques: { comment: string }[] };
      expect(layer.name).toBe(`SEKOIA.IO x ${intake.name}`);
      for (const r of applying()) expect(layer.techniques[0].comment).toContain(r.title);
    }
  });
});

/** Pieces of attacks and of markdown syntax, for random combinations. */
const PIECES = [
  ...BLOCK_ATTACKS,
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  '{:',
  '!',
  '<',
  '>',
  '`',
  '``',
  '```',
  '\\',
  '|',
  '#',
  '*',
  '**',
  '_',
  '-',
  '8<',
  '--8<--',
  ';',
  ':',
  '"',
  "'",
  '=',
  '===',
  '?',
  '???',
  '!!!',
  '///',
  '\n',
  '\n\n',
  '\r',
  '    ',
  '\t',
  '> ',
  '- ',
  '1. ',
  'javascript:',
  'JAVASCRIPT&colon;',
  '&#106;',
  '&#x61;',
  'data:',
  'https://example.com',
  'onclick=alert(1)',
  ' onmouseover="alert(1)"',
  'img src=x onerror=alert(1)',
  'script',
  'secret.txt',
  '\u0002',
  '\u0003',
  '\u001b',
  '\u2028',
  '\u0085',
  '\u000b',
  'é',
  '&',
  '@',
  'mailto:',
  '<https://',
  '~',
  '^',
  '$',
  '%',
  '+',
  '.md-button',
];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const hostileText = fc.array(piece, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));

run('random combinations of attack pieces rendered by Python-Markdown', () => {
  it(
    'keep every page inert and in shape',
    async () => {
      const seed = Number(process.env.FUZZ_SEED ?? 20240501);
      const count = fuzzRuns(60);
      const texts = fc.sample(
        fc.record({ title: hostileText.filter((t) => t.trim() !== ''), description: hostileText }),
        { seed, numRuns: count },
      );
      const names = fc.sample(
        hostileText.filter((t) => t.trim() !== ''),
        { seed: seed + 1, numRuns: 4 },
      );
      const intakes = names.map((name, i) => ({
        uuid: `b${i}${i}${i}${i}${i}${i}${i}-1111-4111-8111-111111111111`,
        name,
        module: name,
      }));
      const r = await generateAndRender(writeHostileCatalog({ intakes, texts }));
      try {
        checkStructure(r, intakes);
      } catch (e) {
        console.error(`FUZZ_SEED=${seed}: catalog kept in ${r.root}`);
        if (process.env.KEEP) cpSync(r.root, process.env.KEEP, { recursive: true });
        throw e;
      }
    },
    FUZZ_TIMEOUT ?? 120_000,
  );
});

/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The committed example output in a real documentation site: Debian's
 * `mkdocs`, `mkdocs-material`, `python3-pymdownx` and
 * `python3-markdown-include` build a small site whose intake pages include
 * the generated pages the way documentation sites do (test/mkdocs-site.ts),
 * with the catalog, changelog and links pages beside them, in one
 * `mkdocs build --strict` run in a temporary folder. Then Debian's chromium
 * reads the built HTML from a static server on 127.0.0.1: rule blocks are
 * `details` elements that open on click, the Navigator button is a link,
 * no markdown shows as text. Expectations come from rules_index.json, the
 * links page's JSON and the configuration where possible, not from the page
 * under test. (example-output.test.ts keeps output/ equal to what the
 * generator writes, so a change of the generator that breaks the site fails
 * here once output/ is regenerated.) A screenshot goes to test-artifacts/.
 * Skipped, with a message, without mkdocs or without chromium.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  AFTER_RULES_HEADING,
  DETECTION_DIR,
  readIntakes,
  SITE_PAGES,
  writeSite,
  type SiteIntake,
} from './mkdocs-site.js';
import { REPO } from './shared.js';
import { tempDir } from './tree.js';

const MKDOCS = '/usr/bin/mkdocs';
const CHROMIUM = '/usr/bin/chromium';
const DEBIAN_PACKAGES = 'mkdocs mkdocs-material python3-pymdownx python3-markdown-include';
const haveMkdocs =
  existsSync(MKDOCS) &&
  spawnSync('/usr/bin/python3', [
    '-c',
    "import pymdownx.details, markdown_include.include\nfrom mkdocs.utils import get_theme_names\nassert 'material' in get_theme_names()",
  ]).status === 0;
const haveChromium = existsSync(CHROMIUM);
if (!haveMkdocs)
  console.warn(
    `[skipped] ${MKDOCS} with the material theme, pymdownx and markdown-include not found: the MkDocs site test is skipped (apt-get install ${DEBIAN_PACKAGES})`,
  );
else if (!haveChromium)
  console.warn(
    `[skipped] ${CHROMIUM} not found: the MkDocs site is built but not checked in a browser (apt-get install chromium)`,
  );

const OUTPUT = path.join(REPO, 'output');
const ARTIFACTS = path.join(REPO, 'test-artifacts');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const NAVIGATOR = 'https://mitre-attack.github.io/attack-navigator/#layerURL=';
/** Markdown that must never reach a reader as text. */
const RAW_MARKDOWN = ['???', '{ .md-button }', '.md-button', '**', '](', '{!', '!}', '&quot;', '&amp;'];

interface IndexedRule {
  name: string;
  effort: string;
  description: string;
  'intake-formats': string[];
}
const rulesIndex: IndexedRule[] = JSON.parse(readFileSync(path.join(OUTPUT, 'rules_index.json'), 'utf8'));
const links: {
  catalog: { rules: number; navigatorLink: string };
  intakes: { name: string; uuid: string; rules: number; navigatorLink?: string | null }[];
} = JSON.parse(readFileSync(path.join(OUTPUT, 'navigator_links_do_not_edit_manually.json'), 'utf8'));
const baseUrl: string = parse(readFileSync(path.join(REPO, 'rulecat.config.yaml'), 'utf8')).layer.baseUrl;
const intakes = readIntakes(path.join(REPO, 'intakes'));
const codePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rulesOf = (intake: SiteIntake) =>
  rulesIndex.filter((r) => r['intake-formats'].includes(intake.name)).sort((a, b) => codePoint(a.name, b.name));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
/** A description as a reader sees it: markdown code spans lose their backquotes. */
const shown = (description: string) => squash(description.replace(/`([^`]+)`/g, '$1'));
const intake = (name: string) => intakes.find((i) => i.name === name)!;

/** Serve `dir` on 127.0.0.1 the way a static host serves a MkDocs site (folder URLs → index.html). */
function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.xml': 'application/xml',
  };
  const server = createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe.skipIf(!haveMkdocs)('the example output in a MkDocs Material site', () => {
  let root: string;
  let build: { code: number; log: string };

  beforeAll(async () => {
    root = tempDir('rulecat-mkdocs-');
    writeSite(root, OUTPUT, intakes);
    build = await new Promise((resolve) =>
      execFile(MKDOCS, ['build', '--strict'], { cwd: root }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, log: stdout + stderr }),
      ),
    );
  }, 120_000);

  it('builds every page with mkdocs build --strict, without a warning', () => {
    expect(build.log).not.toMatch(/^(WARNING|ERROR)\b/m);
    expect(build.code, build.log).toBe(0);
    for (const i of intakes) expect(existsSync(path.join(root, 'site', i.url, 'index.html')), i.url).toBe(true);
    for (const page of Object.values(SITE_PAGES))
      expect(existsSync(path.join(root, 'site', DETECTION_DIR, page.replace(/\.md$/, ''), 'index.html')), page).toBe(
        true,
      );
  });

  describe.skipIf(!haveChromium)('read in chromium', () => {
    type Page = import('playwright-core').Page;
    let served: { server: Server; url: string };
    let browser: import('playwright-core').BrowserContext;
    let page: Page;
    const problems: string[] = [];

    beforeAll(async () => {
      if (build.code !== 0) throw new Error(`mkdocs build failed:\n${build.log}`);
      mkdirSync(ARTIFACTS, { recursive: true });
      served = await serveStatic(path.join(root, 'site'));
      const { chromium } = await import('playwright-core');
      browser = await chromium.launchPersistentContext(tempDir('rulecat-chromium-profile-'), {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1280, height: 900 },
      });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: ${String(e)}`));
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      if (served) await new Promise((resolve) => served.server.close(resolve));
    });

    const open = async (url: string) => {
      const response = await page.goto(served.url + url);
      expect(response?.status(), url).toBe(200);
    };
    const article = () => page.locator('article.md-content__inner');
    /** The page's headings, rule blocks and button, in document order. */
    const outline = () =>
      article().evaluate((a) =>
        [...a.children].flatMap((e) => {
          if (/^H[1-3]$/.test(e.tagName)) return [`${e.tagName.toLowerCase()} ${(e as HTMLElement).innerText.trim()}`];
          if (e.tagName === 'DETAILS') return ['details'];
          if (e.querySelector('a.md-button')) return ['button'];
          return [];
        }),
      );
    /** Every visible text of the article, closed blocks included. */
    const expectNoRawMarkdown = async (where: string) => {
      const text = (await article().textContent())!;
      for (const raw of RAW_MARKDOWN) expect(text.includes(raw), `${where} shows ${JSON.stringify(raw)}`).toBe(false);
    };

    it('shows every intake page with its rules between the detection heading and the next section, without raw markdown', async () => {
      for (const i of intakes) {
        await open(i.url);
        const rules = rulesOf(i);
        expect(rules.length, i.name).toBe(links.intakes.find((l) => l.uuid === i.uuid)!.rules);
        expect(await outline(), i.name).toEqual([
          `h1 ${i.name}`,
          'h2 Detection section',
          ...(rules.length > 0 ? ['h3 Related Built-in Rules', 'button', ...rules.map(() => 'details')] : []),
          `h2 ${AFTER_RULES_HEADING}`,
        ]);
        expect(
          await article()
            .locator('details')
            .evaluateAll((ds) => ds.map((d) => d.querySelector(':scope > summary')!.textContent)),
        ).toEqual(rules.map((r) => r.name));
        if (rules.length === 0)
          expect(squash((await article().textContent())!)).toContain('No related built-in rules was found.');
        await expectNoRawMarkdown(i.name);
      }
    });

    for (const name of ['Okta System Log [BETA]', 'Windows Sysmon & Security Events', 'Linux Auditd']) {
      it(`opens each rule block of ${name} on click, with its description and effort, and links the Navigator`, async () => {
        const i = intake(name);
        await open(i.url);
        const button = article().locator('a.md-button');
        expect(await button.count()).toBe(1);
        expect(await button.textContent()).toBe(`SEKOIA.IO x ${name} on ATT&CK Navigator`);
        const href = await button.getAttribute('href');
        expect(href).toBe(NAVIGATOR + encodeURIComponent(`${baseUrl}attack_${i.uuid}_do_not_edit_manually.json`));
        expect(href).toBe(links.intakes.find((l) => l.uuid === i.uuid)!.navigatorLink);
        expect((await button.boundingBox())!.height).toBeGreaterThan(30); // drawn as a button, not an inline link

        const rules = rulesOf(i);
        const blocks = article().locator('details');
        expect(await blocks.count()).toBe(rules.length);
        for (const [n, rule] of rules.entries()) {
          const block = blocks.nth(n);
          const description = block.locator(':scope > p');
          const effort = block.locator(':scope > ul > li');
          expect(await block.getAttribute('open'), rule.name).toBeNull();
          expect(await description.first().isVisible(), rule.name).toBe(false);
          await block.locator('summary').click();
          expect(await block.getAttribute('open'), rule.name).toBe('');
          expect(await description.first().isVisible(), rule.name).toBe(true);
          expect(squash((await description.allTextContents()).join(' ')), rule.name).toBe(shown(rule.description));
          expect(await effort.count(), rule.name).toBe(1);
          expect(await effort.isVisible(), rule.name).toBe(true);
          expect(await effort.textContent(), rule.name).toBe(`Effort: ${rule.effort}`);
          expect(await effort.locator('strong').textContent(), rule.name).toBe('Effort:');
          await block.locator('summary').click();
          expect(await block.getAttribute('open'), rule.name).toBeNull();
        }
        await expectNoRawMarkdown(name);
      });
    }

    it('shows an opened rule of the Okta page (screenshot in test-artifacts/)', async () => {
      await open(intake('Okta System Log [BETA]').url);
      const block = article().locator('details', {
        has: page.locator('summary', { hasText: 'Okta Sign-In Failed With Invalid Credentials' }),
      });
      await block.locator('summary').click();
      expect(await block.locator('li').textContent()).toBe('Effort: elementary');
      await page.locator('h2#detection-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'mkdocs-intake-okta.png'), fullPage: true });
    });

    it('shows the catalog: tactic headings, technique names and a block for every rule, with its changelog', async () => {
      const markdown = readFileSync(path.join(OUTPUT, SITE_PAGES.catalog), 'utf8');
      await open(`/${DETECTION_DIR}/${SITE_PAGES.catalog.replace(/\.md$/, '')}/`);
      const tactics = [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(tactics).toContain('Initial Access');
      expect(await article().locator(':scope > h2').allInnerTexts()).toEqual(tactics);
      const techniques = [...markdown.matchAll(/^\*\*(.+)\*\*$/gm)].map((m) => m[1]);
      expect(await article().locator(':scope > p > strong:only-child').allTextContents()).toEqual(techniques);
      expect(await article().locator('details details, details h2, details h3').count()).toBe(0);

      const intro = article().locator(':scope > p').first();
      expect(squash((await intro.textContent())!)).toMatch(
        new RegExp(
          `^Rules catalog includes ${rulesIndex.length} built-in detection rules \\(last update on \\d{4}-\\d{2}-\\d{2}\\)\\.$`,
        ),
      );

      // Each block of the page, in order, against the rule it names (a rule is listed under each of its tactics).
      const blocks = await article()
        .locator('details')
        .evaluateAll((ds) =>
          ds.map((d) => ({
            title: d.querySelector(':scope > summary')!.textContent!,
            paragraphs: [...d.querySelectorAll(':scope > p')].map((p) => p.textContent!),
            items: [...d.querySelectorAll(':scope > ul > li')].map((li) =>
              [...li.childNodes]
                .filter((c) => c.nodeName !== 'UL')
                .map((c) => c.textContent)
                .join('')
                .trim(),
            ),
            changelog: [...d.querySelectorAll(':scope > ul > li > ul > li')].map((li) => li.textContent!.trim()),
          })),
        );
      expect(blocks.length).toBe([...markdown.matchAll(/^\?\?\? abstract /gm)].length);
      expect(new Set(blocks.map((b) => b.title))).toEqual(new Set(rulesIndex.map((r) => r.name)));
      const changelogs = new Map(
        markdown
          .split(/^(?=\?\?\? abstract )/m)
          .slice(1)
          .map((b) => [
            b.match(/^\?\?\? abstract "(.*)"$/m)![1].replaceAll('&quot;', '"'),
            [...b.matchAll(/^ {8}- (.+)$/gm)].map((m) => m[1]),
          ]),
      );
      expect(changelogs.size).toBe(rulesIndex.length);
      for (const b of blocks) {
        const rule = rulesIndex.find((r) => r.name === b.title)!;
        expect(squash(b.paragraphs.join(' ')), b.title).toBe(shown(rule.description));
        const changelog = changelogs.get(b.title)!;
        expect(b.items, b.title).toEqual([`Effort: ${rule.effort}`, ...(changelog.length > 0 ? ['Changelog:'] : [])]);
        expect(b.changelog, b.title).toEqual(changelog);
      }
      expect(blocks.filter((b) => b.changelog.length > 0).length).toBeGreaterThan(0);

      const withChangelog = article()
        .locator('details', { has: page.locator('summary', { hasText: 'AWS Root Account Activity' }) })
        .first();
      await withChangelog.locator('summary').click();
      expect(await withChangelog.locator('ul ul li').first().isVisible()).toBe(true);
      await expectNoRawMarkdown('the catalog');

      await intro.locator('a').click(); // the date links to the changelog page
      await page.waitForURL(`${served.url}/${DETECTION_DIR}/${SITE_PAGES.changelog.replace(/\.md$/, '')}/`);
      expect(await article().locator('h2').first().innerText()).toBe('Changelog');
    });

    it('shows the changelog with a heading and the entries of each rule', async () => {
      const markdown = readFileSync(path.join(OUTPUT, SITE_PAGES.changelog), 'utf8');
      await open(`/${DETECTION_DIR}/${SITE_PAGES.changelog.replace(/\.md$/, '')}/`);
      const sections = markdown
        .split(/^(?=### )/m)
        .slice(1)
        .map((s) => ({
          title: s.match(/^### (.+)$/m)![1],
          entries: [...s.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]),
        }));
      expect(sections.length).toBeGreaterThan(0);
      for (const s of sections) expect(rulesIndex.map((r) => r.name)).toContain(s.title);
      const rendered = await article().evaluate((a) =>
        [...a.querySelectorAll(':scope > h3')].map((h) => ({
          title: (h as HTMLElement).innerText.trim(),
          entries: [
            ...(h.nextElementSibling?.tagName === 'UL' ? h.nextElementSibling.querySelectorAll(':scope > li') : []),
          ].map((li) => li.textContent!.trim()),
        })),
      );
      expect(rendered).toEqual(sections);
      expect(squash((await article().locator(':scope > p').first().textContent())!)).toMatch(
        /^Changelog last update on \d{4}-\d{2}-\d{2}$/,
      );
      await expectNoRawMarkdown('the changelog');
    });

    it('shows the links page as a table whose links open the Navigator on each layer', async () => {
      await open(`/${DETECTION_DIR}/${SITE_PAGES.links.replace(/\.md$/, '')}/`);
      const rows = await article()
        .locator('table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => ({
            name: tr.querySelector('td')!.textContent!,
            rules: tr.querySelectorAll('td')[1].textContent,
            href: tr.querySelector('a')?.getAttribute('href') ?? null,
          })),
        );
      expect(rows).toEqual([
        { name: 'All rules', rules: String(rulesIndex.length), href: links.catalog.navigatorLink },
        ...links.intakes.map((l) => ({
          name: l.name,
          rules: String(l.rules),
          href:
            l.rules > 0 ? NAVIGATOR + encodeURIComponent(`${baseUrl}attack_${l.uuid}_do_not_edit_manually.json`) : null,
        })),
      ]);
      await expectNoRawMarkdown('the links page');
      expect(problems).toEqual([]);
    });
  });
});

/**
 * `rulecat serve` in a real browser: Debian's chromium (/usr/bin/chromium)
 * driven by playwright-core. Opens the index, filters, opens an intake,
 * expands a rule, checks the navigator link and the matrix, follows an
 * explanation, edits a rule file of a temporary copy of the example catalog
 * and sees the page update, then breaks it and sees the error. Screenshots go
 * to test-artifacts/ (gitignored). Skipped, with a message, without chromium.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { servePreview, type RunningPreview } from '../generator/serve/serve.js';
import { REPO } from './shared.js';
import { copyExampleCatalog, tempDir } from './tree.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(
    `[skipped] ${CHROMIUM} not found: the browser test of rulecat serve is skipped (apt-get install chromium)`,
  );

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const OKTA = '8acc0041-dfa4-4ed4-acda-13c9f4ada1a4';
const RULE_FILE = path.join('rules', 'identity', 'okta_sign_in_failure.yml');
const WINDOWS = '94643b07-57b2-4c8d-aed9-77134b51f9fc';
const LSASS_FILE = path.join('rules', 'windows', 'lsass_dump_comsvcs_minidump.yml');
const LSASS_ID = '52f94940-cbe0-4f27-a524-b282a9c74812';
const BITSADMIN_ID = 'ef5f7305-135e-428a-83be-73d72e40acff';
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

type Browser = import('playwright-core').BrowserContext;
type Page = import('playwright-core').Page;

describe.skipIf(!haveChromium)('rulecat serve in chromium', () => {
  let root: string;
  let preview: RunningPreview;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    root = copyExampleCatalog('rulecat-browser-');
    mkdirSync(ARTIFACTS, { recursive: true });
    preview = await servePreview({
      readConfig: () => {
        const r = resolveConfig(root, undefined, {});
        return { config: { ...r.config, cache: false }, diagnostics: r.diagnostics };
      },
      configFile: path.join(root, 'rulecat.config.yaml'),
      port: 0,
      debounceMs: 100,
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launchPersistentContext(tempDir('rulecat-chromium-profile-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1440, height: 1000 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
  });

  it('opens the index and filters it', async () => {
    await page.goto(preview.url);
    expect(await page.locator('#intakes tbody tr').count()).toBe(9);
    await page.fill('#filter', 'okta');
    expect(await page.locator('#intakes tbody tr:visible').count()).toBe(1);
    expect(await page.textContent('#shown')).toBe('1');
    await page.fill('#filter', 'zzz-no-such-intake');
    expect(await page.locator('#intakes tbody tr:visible').count()).toBe(0);
    await page.fill('#filter', 'OKTA');
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-index-filtered.png') });
  });

  it('opens an intake, expands a rule, and shows the navigator button and the matrix', async () => {
    await page.click('#intakes tbody tr:visible a');
    await page.waitForURL(`${preview.url}intake/${OKTA}`);
    expect(await page.textContent('h1')).toBe('Okta System Log [BETA]');
    const block = page.locator('details.admonition', {
      has: page.locator('summary', { hasText: 'Okta Sign-In Failed With Invalid Credentials' }),
    });
    expect(await block.getAttribute('open')).toBeNull();
    expect(await block.locator('li').first().isVisible()).toBe(false);
    await block.locator('summary').click();
    expect(await block.getAttribute('open')).toBe('');
    expect(await block.locator('li', { hasText: 'Effort:' }).textContent()).toBe('Effort: elementary');
    expect(await block.locator('a.explain-link').isVisible()).toBe(true);

    const button = page.locator('a.md-button');
    expect(await button.count()).toBe(1);
    expect(await button.textContent()).toBe('SEKOIA.IO x Okta System Log [BETA] on ATT&CK Navigator');
    const href = (await button.getAttribute('href'))!;
    expect(href.startsWith('https://mitre-attack.github.io/attack-navigator/#layerURL=')).toBe(true);
    expect(decodeURIComponent(href.split('#layerURL=')[1])).toBe(
      `https://raw.githubusercontent.com/rulecat/rulecat/main/output/attack_${OKTA}_do_not_edit_manually.json`,
    );
    expect(await page.locator('[data-testid=page]').textContent()).not.toContain('.md-button');
    const box = (await button.boundingBox())!;
    expect(box.height).toBeGreaterThan(30); // drawn as a button, not as an inline link

    const tactics = page.locator('[data-testid=matrix] .tactic h3');
    expect(await tactics.count()).toBe(15);
    expect((await tactics.allTextContents()).map((t) => t.replace(/\s*\d+$/, ''))).toEqual([
      'Reconnaissance',
      'Resource Development',
      'Initial Access',
      'Execution',
      'Persistence',
      'Privilege Escalation',
      'Stealth',
      'Defense Impairment',
      'Credential Access',
      'Discovery',
      'Lateral Movement',
      'Collection',
      'Command and Control',
      'Exfiltration',
      'Impact',
    ]);
    // The header and the matrix count the same thing.
    const header = await page.textContent('[data-testid=header-coverage]');
    expect(header).toMatch(/^\d+ techniques?, \d+ sub-techniques?$/);
    expect(await page.textContent('[data-testid=coverage-count]')).toMatch(new RegExp(`^${header} covered,`));
    const bruteForce = page.locator('[data-tactic=credential-access] .technique[data-technique=T1110]');
    expect(await bruteForce.locator('.tname').textContent()).toBe('Brute Force');
    expect(Number(await bruteForce.locator('> .thead .count').textContent())).toBe(3);
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-intake.png'), fullPage: true });
  });

  it('explains why a rule applies', async () => {
    const block = page.locator('details.admonition', {
      has: page.locator('summary', { hasText: 'Okta Sign-In Failed With Invalid Credentials' }),
    });
    await block.locator('a.explain-link').click();
    await page.waitForSelector('[data-testid=explain]');
    expect(await page.textContent('h1')).toContain('applies to');
    expect(await page.locator('table.fields tr.present').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-explain.png'), fullPage: true });
    await page.goBack();
    await page.waitForSelector('[data-testid=matrix]');
  });

  it("keeps the writer's place across a live reload: open blocks, the rule at the same place, changes highlighted", async () => {
    await page.goto(`${preview.url}intake/${WINDOWS}`);
    const block = (id: string) => page.locator(`details.admonition[data-key="${id}"]`);
    await block(BITSADMIN_ID).locator('summary').click();
    await block(LSASS_ID).locator('summary').click();
    // The LSASS rule 220 px below the top of the window.
    await page.evaluate((id) => {
      const b = document.querySelector(`[data-key="${id}"]`)!;
      window.scrollBy(0, b.getBoundingClientRect().top - 220);
    }, LSASS_ID);
    const before = (await block(LSASS_ID).boundingBox())!.y;
    expect(Math.abs(before - 220)).toBeLessThanOrEqual(1);
    const scrollBefore = await page.evaluate(() => window.scrollY);

    // Renamed, the rule moves from 6th to last on the page: a reload keeping pixels would show another rule there.
    const file = path.join(root, LSASS_FILE);
    const original = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      original
        .replace(/^title: .*$/m, 'title: Zz LSASS Memory Dump via Comsvcs MiniDump (renamed while open)')
        .replace(/^description: .*$/m, 'description: Edited while the page was open.'),
    );
    await page.waitForSelector('summary:has-text("Zz LSASS Memory Dump")', { timeout: 20_000 });
    expect(await block(LSASS_ID).getAttribute('open')).toBe('');
    expect(await block(BITSADMIN_ID).getAttribute('open')).toBe('');
    expect(await block(LSASS_ID).locator('p', { hasText: 'Edited while the page was open.' }).isVisible()).toBe(true);
    const after = (await block(LSASS_ID).boundingBox())!.y;
    expect(Math.abs(after - before)).toBeLessThanOrEqual(2);
    expect(await page.evaluate(() => window.scrollY)).not.toBe(scrollBefore); // kept by rule, not by pixels
    // The changed rule is highlighted; the others are not.
    expect(await block(LSASS_ID).getAttribute('class')).toContain('changed');
    expect(await page.locator('details.admonition.changed').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-keeps-place.png') });

    writeFileSync(file, original);
    await page.waitForSelector('summary:has-text("LSASS Memory Dump via Comsvcs MiniDump"):not(:has-text("Zz"))', {
      timeout: 20_000,
    });
    await page.goto(`${preview.url}intake/${OKTA}`);
  });

  it('updates the open page when a rule file changes, and shows a broken input with its place', async () => {
    const file = path.join(root, RULE_FILE);
    const original = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      original.replace(/^title: .*$/m, 'title: Okta Sign-In Failed (edited while the page was open)'),
    );
    await page.waitForSelector('summary:has-text("Okta Sign-In Failed (edited while the page was open)")', {
      timeout: 20_000,
    });
    await page.locator('summary', { hasText: 'edited while the page was open' }).click();
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-after-edit.png'), fullPage: true });

    writeFileSync(file, original.replace('detection:', 'detection:\n    broken: [unclosed'));
    await page.waitForSelector('[data-testid=problems]', { timeout: 20_000 });
    expect(await page.textContent('[data-testid=problems] pre')).toMatch(
      /rules\/identity\/okta_sign_in_failure\.yml:\d+:\d+: error: /,
    );
    expect(await page.locator('summary', { hasText: 'edited while the page was open' }).count()).toBe(1); // the last good rendering
    await page.screenshot({ path: path.join(ARTIFACTS, 'serve-broken.png'), fullPage: true });

    writeFileSync(file, original);
    await page.waitForSelector('[data-testid=problems]', { state: 'detached', timeout: 20_000 });
    expect(await page.locator('summary', { hasText: 'Okta Sign-In Failed With Invalid Credentials' }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});

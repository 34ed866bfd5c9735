/**
 * Every link rulecat writes into its own output set reaches a file of the
 * same run: the Navigator buttons and links (`#layerURL=` decoded) reach a
 * written layer under the base URL, the catalog page's changelog link a
 * written changelog, each rich-layer rule link a written page holding the
 * rule's title (its text fragment). And the counts rulecat states agree with
 * what the files hold. On the example catalog, and on the same catalog with
 * every changelog removed (as a SigmaHQ catalog), in each layer style.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../generator/build.js';
import { resolveConfig } from '../generator/config.js';
import { LAYER_STYLES, type LayerStyle } from '../generator/plan/plan-options.js';
import { copyExampleCatalog } from './tree.js';

type Files = Map<string, string>;

interface Run {
  files: Files;
  baseUrl: string;
  /** URL prefixes that stand for the output folder (the base URL, and where the configured rule URL points). */
  prefixes: string[];
  navigatorUrl: string;
}

/** The example catalog's rule files without their `changelog:` blocks. */
function dropChangelogs(root: string): void {
  for (const name of readdirSync(path.join(root, 'rules'), { recursive: true }) as string[]) {
    const file = path.join(root, 'rules', name);
    if (!/\.ya?ml$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^changelog:\n(?:[ \t]+.*\n|\n)*/gm, ''));
  }
}

async function run(style: LayerStyle, noChangelog: boolean): Promise<Run> {
  const root = copyExampleCatalog('rulecat-links-');
  if (noChangelog) {
    // A catalog as SigmaHQ's: no changelog, and rich layers linking rules with the default rule URL.
    dropChangelogs(root);
    const configFile = path.join(root, 'rulecat.config.yaml');
    writeFileSync(configFile, readFileSync(configFile, 'utf8').replace(/^\s*ruleUrl:.*\n/m, ''));
  }
  const { config } = resolveConfig(root, undefined, { layerStyle: style, cache: false });
  const result = await build(config);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const files: Files = new Map(result.files.map((f) => [f.path, f.content]));
  const prefixes = [config.layer.baseUrl];
  if (config.layer.ruleUrl) prefixes.push(config.layer.ruleUrl.replace(/[^/]*$/, ''));
  return { files, baseUrl: config.layer.baseUrl, prefixes, navigatorUrl: config.layer.navigatorUrl };
}

/** The output file a URL stands for, with its fragment, or undefined when it points outside the output set. */
function target(r: Run, url: string): { file: string; fragment: string } | undefined {
  const prefix = r.prefixes.find((p) => url.startsWith(p));
  if (!prefix) return undefined;
  const [file, fragment = ''] = url.slice(prefix.length).split('#');
  return { file: decodeURIComponent(file), fragment };
}

/** Every markdown link `[text](url)` of a page. */
function markdownLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

function checkNavigatorLink(r: Run, link: string, where: string): void {
  expect(link.startsWith(r.navigatorUrl), `${where}: ${link}`).toBe(true);
  const layerUrl = decodeURIComponent(link.slice(r.navigatorUrl.length));
  expect(layerUrl.startsWith(r.baseUrl), `${where}: ${layerUrl} is under ${r.baseUrl}`).toBe(true);
  const file = layerUrl.slice(r.baseUrl.length);
  expect(r.files.has(file), `${where}: links ${file}, which this run does not write`).toBe(true);
  const layer = JSON.parse(r.files.get(file)!) as { techniques?: unknown };
  expect(Array.isArray(layer.techniques), `${where}: ${file} is a layer`).toBe(true);
}

function checkLink(r: Run, link: string, where: string): void {
  if (link.startsWith(r.navigatorUrl)) return checkNavigatorLink(r, link, where);
  if (/^[a-z]+:/i.test(link)) {
    const t = target(r, link);
    if (t) expect(r.files.has(t.file), `${where}: ${link}`).toBe(true);
    return;
  }
  // A relative link: a file beside the page.
  const file = decodeURIComponent(link.split('#')[0]);
  expect(r.files.has(file), `${where}: links ${file}, which this run does not write`).toBe(true);
}

/** The titles of the `??? abstract` blocks of a page (as escaped there). */
function blockTitles(page: string): string[] {
  return [...page.matchAll(/^\?\?\? abstract "(.*)"$/gm)].map((m) => m[1]);
}

const unescapeTitle = (t: string) => t.replace(/&quot;/g, '"').replace(/&lt;/g, '<');

function checkRun(r: Run): void {
  let checked = 0;
  for (const [file, text] of r.files) {
    if (file.endsWith('.md')) {
      for (const link of markdownLinks(text)) {
        checkLink(r, link, file);
        checked++;
      }
    } else if (file.endsWith('.json')) {
      const value = JSON.parse(text) as unknown;
      if (file.startsWith('navigator_links')) {
        const rows = value as {
          catalog: { layerUrl: string; navigatorLink: string } | null;
          intakes: { layerUrl: string | null; navigatorLink: string | null }[];
        };
        for (const row of [rows.catalog, ...rows.intakes])
          if (row?.navigatorLink) {
            checkNavigatorLink(r, row.navigatorLink, file);
            expect(decodeURIComponent(row.navigatorLink.slice(r.navigatorUrl.length))).toBe(row.layerUrl);
            checked++;
          }
      }
      const layer = value as { techniques?: { links?: { label: string; url: string }[] }[] };
      for (const technique of Array.isArray(layer.techniques) ? layer.techniques : [])
        for (const { label, url } of technique.links ?? []) {
          const t = target(r, url);
          expect(t, `${file}: rule link ${url} points into the output set`).toBeDefined();
          expect(r.files.has(t!.file), `${file}: rule link to ${t!.file}, which this run does not write`).toBe(true);
          const text = decodeURIComponent(/^:~:text=(.*)$/.exec(t!.fragment)?.[1] ?? '');
          expect(text, `${file}: rule link ${url} names the rule`).toBe(label);
          expect(blockTitles(r.files.get(t!.file)!).map(unescapeTitle), `${t!.file} holds "${label}"`).toContain(label);
          checked++;
        }
    }
  }
  expect(checked).toBeGreaterThan(0);
}

/** The counts of the links page agree with the pages and layers they describe. */
function checkCounts(r: Run): void {
  const links = JSON.parse(r.files.get('navigator_links_do_not_edit_manually.json')!) as {
    catalog: { rules: number; techniques: number; layerFile: string } | null;
    intakes: { uuid: string; rules: number; techniques: number; layerFile: string | null }[];
  };
  const distinct = (file: string) =>
    new Set(
      (JSON.parse(r.files.get(file)!) as { techniques: { techniqueID: string }[] }).techniques.map(
        (t) => t.techniqueID,
      ),
    ).size;
  for (const row of links.intakes) {
    const page = r.files.get(`suggested_rules_${row.uuid}_do_not_edit_manually.md`)!;
    expect(blockTitles(page).length, `rules of ${row.uuid}`).toBe(row.rules);
    if (row.layerFile) expect(distinct(row.layerFile), `techniques of ${row.uuid}`).toBe(row.techniques);
    else expect(row.rules).toBe(0);
  }
  const catalog = r.files.get('built_in_rules_do_not_edit_manually.md');
  if (catalog && links.catalog) {
    const stated = Number(/\*\*(\d+) /.exec(catalog)![1]);
    expect(new Set(blockTitles(catalog)).size).toBe(stated);
    expect(links.catalog.rules).toBe(stated);
    expect(distinct(links.catalog.layerFile)).toBe(links.catalog.techniques);
  }
}

describe.each([false, true])('links of the example catalog (changelogs removed: %s)', (noChangelog) => {
  it.each(LAYER_STYLES)(
    'resolve in the output set with layer style %s',
    async (style) => {
      const r = await run(style, noChangelog);
      checkRun(r);
      checkCounts(r);
      if (noChangelog) {
        expect(r.files.has('rules_changelog.md')).toBe(false);
        // Rich layers link rules to the catalog page: it is written, without a date.
        expect(r.files.has('built_in_rules_do_not_edit_manually.md')).toBe(style !== 'compat');
      }
    },
    60_000,
  );
});

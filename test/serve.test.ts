/**
 * `rulecat serve` over HTTP (no browser): escaping of rule and intake text,
 * the served set (everything else is a 404), 127.0.0.1 only, Host and method
 * checks, and the version events that make open pages reload.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { servePreview, type RunningPreview } from '../generator/serve/serve.js';
import { pathSegments } from '../generator/serve/site.js';
import { copyExampleCatalog, runCli } from './tree.js';

const OKTA = '8acc0041-dfa4-4ed4-acda-13c9f4ada1a4';
const EVIL_ID = '6f2d8c1e-0000-4000-8000-00000000bad1';
const EVIL_RULE = `title: <script>alert(1)</script> & "quotes"
id: ${EVIL_ID}
description: |-
  Shown as text: <img src=x onerror=alert(2)> and <b>bold</b>.
  [click](javascript:alert(3)) and a [real link](https://example.org/).
level: high
tags: [attack.t1110.001]
logsource: {product: okta}
detection:
  sel: {event.action: user.session.start}
  condition: sel
`;

function get(
  base: string,
  rawPath: string,
  options: { method?: string; host?: string } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: rawPath,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? url.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Read version events from /events until `until` says stop. */
function versions(base: string, until: (seen: string[]) => boolean, timeoutMs = 15_000): Promise<string[]> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no version event after ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const req = request({ host: url.hostname, port: url.port, path: '/events', headers: { host: url.host } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (const m of buffer.matchAll(/event: version\ndata: (\S+)\n\n/g)) seen.push(m[1]);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
        if (until(seen)) {
          clearTimeout(timer);
          req.destroy();
          resolve(seen);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
  });
}

describe('rulecat serve over HTTP', () => {
  let root: string;
  let preview: RunningPreview;
  beforeAll(async () => {
    root = copyExampleCatalog('rulecat-serve-');
    mkdirSync(path.join(root, 'rules', 'evil'), { recursive: true });
    writeFileSync(path.join(root, 'rules', 'evil', 'evil.yml'), EVIL_RULE);
    preview = await servePreview({
      readConfig: () => {
        const r = resolveConfig(root, undefined, {});
        return { config: { ...r.config, cache: false }, diagnostics: r.diagnostics };
      },
      configFile: path.join(root, 'rulecat.config.yaml'),
      port: 0,
      debounceMs: 50,
    });
  });
  afterAll(async () => {
    await preview?.close();
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(new URL(preview.url).hostname).toBe('127.0.0.1');
    const port = Number(new URL(preview.url).port);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const address of others) {
      const reached = await new Promise<boolean>((resolve) => {
        const s = connect({ host: address, port }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      });
      expect(reached, address).toBe(false);
    }
  });

  it('lists every intake with its rule and technique counts', async () => {
    const r = await get(preview.url, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain(
      `<a href="/intake/${OKTA}">Okta System Log [BETA]</a></td><td>Okta</td><td class="num">7</td>`,
    );
    expect(r.body).toContain('id="filter"');
  });

  it('shows a rule titled <script> as text, on the page, in the matrix and in its explanation', async () => {
    const page = await get(preview.url, `/intake/${OKTA}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<summary>&#x3C;script>alert(1)&#x3C;/script> &#x26; "quotes"</summary>');
    expect(page.body).not.toMatch(/<script>alert|<img|<b>|href="javascript/);
    expect(page.body).toContain('Shown as text: &#x3C;img src=x onerror=alert(2)> and &#x3C;b>bold&#x3C;/b>.'); // text, not markup
    expect(page.body).toContain('[click](javascript:alert(3))'); // a link to a script shown as text
    expect(page.body).toContain(
      '<a href="https://example.org/" rel="noopener noreferrer" target="_blank">real link</a>',
    );
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;'); // matrix tooltip
    const explain = await get(preview.url, `/intake/${OKTA}/rule/${EVIL_ID}`);
    expect(explain.status).toBe(200);
    expect(explain.body).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</strong>');
    expect(explain.body).not.toMatch(/<script>alert|<img/);
    expect(explain.body).toContain('Shown as text: &lt;img src=x onerror=alert(2)&gt;');
    // Like `rulecat explain`: where the intake's parser writes each field the rule needs.
    expect(explain.body).toMatch(
      /<div class="producer"><code>[\w.]+<\/code>: written by the parser <small>[^<]*ingest\/parser\.yml:\d+:\d+<\/small>/,
    );
  });

  it('sends a Content-Security-Policy whose nonce only rulecat’s own script and style carry', async () => {
    const r = await get(preview.url, `/intake/${OKTA}`);
    const csp = String(r.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toContain("default-src 'none'");
    const scripts = [...r.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) expect(attrs).toBe(` nonce="${nonce}"`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the page markdown exactly as generate writes it', async () => {
    const r = await get(preview.url, `/intake/${OKTA}/page.md`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('??? abstract "&lt;script>alert(1)&lt;/script> & &quot;quotes&quot;"');
  });

  it('answers 404 for anything outside the served set', async () => {
    const paths = [
      '/../rulecat.config.yaml',
      '/%2e%2e/rulecat.config.yaml',
      '/intake/..%2f..%2frulecat.config.yaml',
      '/intake/%2e%2e',
      `/intake/${OKTA}/..`,
      `/intake/${OKTA}/%2e%2e/%2e%2e/rules/evil/evil.yml`,
      '/rules/evil/evil.yml',
      '/rulecat.config.yaml',
      '/intake/00000000-0000-4000-8000-000000000000',
      `/intake/${OKTA.toUpperCase()}`,
      `/intake/${OKTA}/rule/no-such-rule`,
      `/intake/${OKTA}/rule/${EVIL_ID}/x`,
      `/intake/${OKTA}/other`,
      `//intake/${OKTA}`,
      '/intake/%ZZ',
      '/%00',
      '/\\..\\rulecat.config.yaml',
    ];
    for (const p of paths) expect((await get(preview.url, p)).status, p).toBe(404);
    expect(pathSegments('/a/%2e%2e/b')).toBeUndefined();
    expect(pathSegments('/intake/x?y=1')).toEqual(['intake', 'x']);
  });

  it('exits 2 on a bad --port and on a port in use', async () => {
    const bad = await runCli(['serve', '--port', 'eighty'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unexpected --port eighty');
    const busy = await runCli(['serve', '--port', new URL(preview.url).port, '--no-cache'], root);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`port ${new URL(preview.url).port} is in use`);
  });

  it('refuses other Host headers and methods other than GET and HEAD', async () => {
    expect((await get(preview.url, '/', { host: 'evil.example' })).status).toBe(403);
    expect((await get(preview.url, '/', { host: `evil.example:${new URL(preview.url).port}` })).status).toBe(403);
    expect((await get(preview.url, '/', { method: 'POST' })).status).toBe(405);
    expect((await get(preview.url, '/', { method: 'HEAD' })).status).toBe(200);
  });

  it('tells open pages about each update, shows errors with their place, keeps the last good page', async () => {
    const rule = path.join(root, 'rules', 'evil', 'evil.yml');
    const first = await versions(preview.url, (seen) => seen.length >= 1);
    const next = versions(preview.url, (seen) => seen.some((v) => v !== first[0]));
    writeFileSync(rule, EVIL_RULE.replace('detection:', 'detection:\n  oops: [unclosed'));
    await next;
    const broken = await get(preview.url, `/intake/${OKTA}`);
    expect(broken.body).toContain('data-testid="problems"');
    expect(broken.body).toMatch(/rules\/evil\/evil\.yml:\d+:\d+: error: /);
    expect(broken.body).toContain('<summary>&#x3C;script>alert(1)&#x3C;/script>'); // the last good rendering
    const brokenVersion = Number(/data-version="(\d+)"/.exec(broken.body)![1]);
    const again = versions(preview.url, (seen) => seen.some((v) => Number(v) > brokenVersion));
    writeFileSync(rule, EVIL_RULE.replace('<script>alert(1)</script>', 'Now Harmless'));
    await again;
    const fixed = await get(preview.url, `/intake/${OKTA}`);
    expect(fixed.body).not.toContain('data-testid="problems"');
    expect(fixed.body).toContain('<summary>Now Harmless &#x26; "quotes"</summary>');
    expect(readFileSync(rule, 'utf8')).toContain('Now Harmless');
  });
});

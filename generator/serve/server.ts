/**
 * The HTTP side of `rulecat serve`: node:http on 127.0.0.1 only, GET and HEAD
 * only, requests for another Host refused (a page elsewhere cannot reach the
 * preview through DNS rebinding), a Content-Security-Policy with a fresh
 * nonce per page (no inline script or style runs without it), and
 * Server-Sent Events at /events telling open pages the state version.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Site } from './site.js';

export const HOST = '127.0.0.1';

export interface PreviewServer {
  url: string;
  port: number;
  /** Tell every open page the current version (they reload when it changed). */
  notify(): void;
  close(): Promise<void>;
}

function securityHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(text);
}

export async function startServer(site: Site, options: { port: number }): Promise<PreviewServer> {
  const clients = new Set<ServerResponse>();
  let port = options.port;
  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (!allowedHosts().has((req.headers.host ?? '').toLowerCase()))
      return plain(res, 403, 'Unexpected Host header, expected 127.0.0.1 or localhost with this port\n');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return plain(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
    const url = req.url ?? '/';
    if (url.split('?')[0] === '/events') {
      if (req.method === 'HEAD') return plain(res, 200, '', { 'Content-Type': 'text/event-stream; charset=utf-8' });
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      res.write(`retry: 1000\nevent: version\ndata: ${site.version}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    const answer = await site.handle(url, nonce);
    res.writeHead(answer.status, { 'Content-Type': answer.type, ...securityHeaders(nonce) });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        plain(res, 500, `rulecat serve: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      else res.end();
    });
  });
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(': keep-alive\n\n');
  }, 20_000);
  keepAlive.unref();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}/`,
    port,
    notify() {
      for (const c of clients) c.write(`event: version\ndata: ${site.version}\n\n`);
    },
    close() {
      clearInterval(keepAlive);
      for (const c of clients) c.end();
      clients.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

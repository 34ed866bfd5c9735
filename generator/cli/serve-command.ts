/**
 * `rulecat serve [--port N] [--open]`: the live preview on 127.0.0.1 until
 * interrupted. Each update is logged on stderr with what was redone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { configFromOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { CONFIG_FILE } from '../config.js';
import { formatDiagnostic } from '../diagnostics.js';
import { displayPath } from '../load/walk-files.js';
import type { UpdateReport, Workspace } from '../serve/workspace.js';

export const DEFAULT_PORT = 8137;

function describe(report: UpdateReport, changed: readonly string[], cwd: string): string {
  const what =
    changed.length > 0
      ? `${changed
          .map((p) => displayPath(p, cwd))
          .slice(0, 3)
          .join(', ')}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''}: `
      : '';
  const done = report.full
    ? 'everything loaded'
    : [
        report.reread.rules.length > 0 && `${report.reread.rules.length} rule file(s) read`,
        report.reread.intakes.length > 0 && `${report.reread.intakes.length} intake(s) read`,
        report.reread.templates && 'templates read',
      ]
        .filter(Boolean)
        .join(', ') || 'nothing to read';
  const matched = report.rematched
    ? report.full
      ? ', matched in full'
      : `, ${report.rematched.rules} rule(s) and ${report.rematched.intakes} intake(s) matched again`
    : '';
  const errors = report.errors > 0 ? `; ${report.errors} error(s), showing the last good state` : '';
  return `rulecat serve: ${what}${done}${matched} in ${report.ms.toFixed(0)} ms${errors}\n`;
}

function openBrowser(url: string, io: IO): void {
  const [command, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', url]
        : ['xdg-open', url];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => io.stderr(`rulecat serve: could not open a browser (${command}); open ${url}\n`));
  child.unref();
}

export async function runServe(options: OptionValues, io: IO): Promise<number> {
  const portFlag = options.port;
  const port = typeof portFlag === 'string' ? Number(portFlag) : DEFAULT_PORT;
  if (typeof portFlag === 'string' && !(/^\d+$/.test(portFlag) && port <= 65535))
    throw new UsageError(`Unexpected --port ${portFlag}, expected a port number (0 for any free port)`);
  configFromOptions(options, io.cwd); // usage errors now, before serving
  const configFlag = typeof options.config === 'string' ? path.resolve(io.cwd, options.config) : undefined;
  const configFile =
    configFlag ?? (existsSync(path.join(io.cwd, CONFIG_FILE)) ? path.join(io.cwd, CONFIG_FILE) : undefined);
  const logProblems = (ws: Workspace) => {
    for (const d of ws.problems.filter((x) => x.severity === 'error')) io.stderr(formatDiagnostic(d) + '\n');
  };
  const { servePreview } = await import('../serve/serve.js');
  let preview;
  try {
    preview = await servePreview({
      readConfig: () => configFromOptions(options, io.cwd),
      configFile,
      port,
      onUpdate: (report, changed, ws) => {
        logProblems(ws);
        io.stderr(describe(report, changed, io.cwd));
      },
      onError: (e) => io.stderr(`rulecat serve: update failed: ${e instanceof Error ? e.stack : String(e)}\n`),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      io.stderr(`rulecat serve: port ${port} is in use, expected a free port (--port N, or --port 0 for any)\n`);
      return 2;
    }
    throw e;
  }
  io.stdout(`rulecat serve: ${preview.url} (Ctrl-C to stop)\n`);
  if (options.open === true) openBrowser(preview.url, io);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await preview.close();
  return 0;
}

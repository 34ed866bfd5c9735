/**
 * `rulecat serve` as a library call: load the workspace, serve it on
 * 127.0.0.1, watch the inputs and update after every burst of changes.
 * Tests start it on port 0 and stop it with `close()`.
 */
import type { Config } from '../config.js';
import type { Diagnostic } from '../diagnostics.js';
import { createMarkdownToHtml } from './markdown-html.js';
import { startServer } from './server.js';
import { Site } from './site.js';
import { watchInputs } from './watch.js';
import { Workspace, type UpdateReport } from './workspace.js';

export interface ServeOptions {
  readConfig: () => { config: Config; diagnostics: Diagnostic[] };
  configFile?: string;
  /** 0: any free port. */
  port: number;
  debounceMs?: number;
  /** Told about the first load and every update. */
  onUpdate?: (report: UpdateReport, changed: readonly string[], workspace: Workspace) => void;
  /** Told when an update failed unexpectedly (the server goes on with the last good state). */
  onError?: (e: unknown) => void;
}

export interface RunningPreview {
  url: string;
  workspace: Workspace;
  close(): Promise<void>;
}

export async function servePreview(options: ServeOptions): Promise<RunningPreview> {
  const workspace = new Workspace(options.readConfig, options.configFile);
  const first = await workspace.load();
  options.onUpdate?.(first, [], workspace);
  const site = new Site(workspace, await createMarkdownToHtml());
  const server = await startServer(site, { port: options.port });
  // Updates run one after the other, in the order the changes came.
  let updating = Promise.resolve();
  const watcher = await watchInputs(
    workspace.watched(),
    (changed) => {
      updating = updating.then(async () => {
        try {
          const report = await workspace.update(changed);
          watcher.set(workspace.watched());
          options.onUpdate?.(report, [...changed], workspace);
        } catch (e) {
          options.onError?.(e);
        }
        server.notify();
      });
    },
    options.debounceMs,
  );
  return {
    url: server.url,
    workspace,
    async close() {
      await watcher.close();
      await updating;
      await server.close();
    },
  };
}

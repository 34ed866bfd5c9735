/**
 * Watching the inputs (chokidar): every add, change and removal below the
 * watched paths is collected, and a burst of them (editors write several
 * files, or one file several times) is handed over once, `debounceMs` after
 * the last event.
 */
import path from 'node:path';

export interface InputWatcher {
  /** Watch exactly these paths from now on. */
  set(paths: readonly string[]): void;
  close(): Promise<void>;
}

const IGNORED = /(^|[/\\])(\.git|node_modules|\.rulecat-cache)([/\\]|$)|~$|\.sw[px]$/;

export async function watchInputs(
  paths: readonly string[],
  onBurst: (changed: Set<string>) => void,
  debounceMs = 150,
): Promise<InputWatcher> {
  const { watch } = await import('chokidar');
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let watched = new Set(paths.map((p) => path.resolve(p)));
  const watcher = watch([...watched], { ignoreInitial: true, ignored: (p: string) => IGNORED.test(p) });
  watcher.on('all', (_event, file) => {
    pending.add(path.resolve(file));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const burst = pending;
      pending = new Set();
      onBurst(burst);
    }, debounceMs);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    set(next) {
      const wanted = new Set(next.map((p) => path.resolve(p)));
      const added = [...wanted].filter((p) => !watched.has(p));
      const removed = [...watched].filter((p) => !wanted.has(p));
      if (removed.length > 0) watcher.unwatch(removed);
      if (added.length > 0) watcher.add(added);
      watched = wanted;
    },
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

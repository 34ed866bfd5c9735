/**
 * An input cache that cannot be used (a file in its path, a read-only
 * folder, HOME=/dev/null) is a warning: the run goes on without the cache,
 * exits 0 and writes what a run without cache writes.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO } from '../shared.js';
import { runCli } from '../tree.js';
import { catalog, GENERATE, generateInto, snapshot } from './helpers.js';

const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');

/** The output of a run without cache, as files and bytes (no mtimes). */
function contents(dir: string) {
  return Object.fromEntries(Object.entries(snapshot(dir)).map(([k, e]) => [k, e.content ?? e.kind]));
}

const warningLine = (shown: string, why: string) =>
  `${shown}: warning: Cannot use the cache folder (${why}), expected a writable folder; running without the cache [cache-unusable]`;

describe('an unusable cache folder', () => {
  const cases: { name: string; setup: (root: string) => string; shown: string; why: string }[] = [
    {
      name: '--cache naming a file',
      setup: (root) => {
        writeFileSync(path.join(root, 'cache-file'), 'x');
        return 'cache-file';
      },
      shown: 'cache-file',
      why: 'EEXIST: a file is in the way',
    },
    {
      name: '--cache below a file',
      setup: (root) => {
        writeFileSync(path.join(root, 'cache-file'), 'x');
        return 'cache-file/rulecat';
      },
      shown: 'cache-file/rulecat',
      why: 'ENOTDIR: a part of the path is a file, not a folder',
    },
    {
      name: '--cache on a pseudo file system',
      setup: () => '/proc/rulecat-cache',
      shown: '/proc/rulecat-cache',
      why: 'ENOENT: the folder cannot be created there',
    },
  ];

  it.each(cases)('$name: a warning, exit 0, the output of a run without cache', async (c) => {
    const root = catalog();
    const plain = await runCli([...generateInto('plain'), '--no-cache'], root);
    expect(plain.code).toBe(0);
    const cache = c.setup(root);
    for (let run = 0; run < 2; run++) {
      const r = await runCli([...GENERATE, '--cache', cache], root);
      expect(r.code).toBe(0);
      expect(r.stderr.split('\n').filter((l) => l.includes('[cache-unusable]'))).toEqual([warningLine(c.shown, c.why)]);
      expect(contents(path.join(root, 'out'))).toEqual(contents(path.join(root, 'plain')));
    }
  });

  it('a read-only folder', async (ctx) => {
    if (process.getuid?.() === 0) {
      console.warn(
        '[skipped] read-only cache folder via chmod: tests run as root, for whom permissions do not prevent writing',
      );
      ctx.skip();
    }
    const root = catalog();
    mkdirSync(path.join(root, 'ro'));
    chmodSync(path.join(root, 'ro'), 0o500);
    const r = await runCli([...GENERATE, '--cache', 'ro'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('[cache-unusable]');
  });

  it('HOME=/dev/null (the default cache folder below a file), as a new process', async (ctx) => {
    if (!existsSync(BIN)) {
      console.warn(`[skipped] ${BIN} not built (npm run build)`);
      ctx.skip();
    }
    const root = catalog();
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: '/dev/null' };
    delete env.XDG_CACHE_HOME;
    const r = await promisify(execFile)(process.execPath, [BIN, ...GENERATE], { cwd: root, env }).then(
      (out) => ({ code: 0, ...out }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      warningLine('/dev/null/.cache/rulecat', 'ENOTDIR: a part of the path is a file, not a folder'),
    );
  });
});

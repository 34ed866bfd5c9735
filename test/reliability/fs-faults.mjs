/**
 * Fault injection for the file system: counts the mutations made under one
 * folder (creating, writing, renaming, linking, removing) and, at mutation
 * number `at`, either kills the process just before it (SIGKILL, as a crash
 * or an OOM killer would), makes it throw (as a full disk would), or pauses
 * the process for a while (`pause:<ms>`, to hold a lock in a test).
 *
 * Works on the `node:fs` functions every module imports: the CommonJS
 * object is patched and `syncBuiltinESMExports` pushes the patch to ESM
 * named imports. Plain JavaScript so that a child process can load it
 * without a build step.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const fs = require('node:fs');

const PATH_OPS = [
  'openSync',
  'renameSync',
  'unlinkSync',
  'rmSync',
  'rmdirSync',
  'mkdirSync',
  'mkdtempSync',
  'linkSync',
  'copyFileSync',
  'writeFileSync',
  'symlinkSync',
];
const FD_OPS = ['writeSync', 'ftruncateSync'];

function writes(flags) {
  if (flags === undefined) return false;
  if (typeof flags === 'number')
    return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0;
  return /[wa+]/.test(String(flags));
}

/**
 * @param {{ root: string, at: number, action: string, skip?: (op: string, file: string) => boolean }} options
 * @returns {{ count: () => number, log: string[], uninstall: () => void }}
 */
export function installFaults({ root, at, action, skip }) {
  const under = (p) =>
    typeof p === 'string' && (path.resolve(p) === root || path.resolve(p).startsWith(root + path.sep));
  const tracked = new Set();
  const log = [];
  let count = 0;
  const originals = {};
  const hit = (op, file) => {
    if (skip?.(op, file)) return;
    count++;
    log.push(`${op} ${path.relative(root, file)}`);
    if (count !== at) return;
    if (action === 'kill') process.kill(process.pid, 'SIGKILL');
    if (action.startsWith('pause:')) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(action.slice('pause:'.length)));
      return;
    }
    throw Object.assign(new Error(`injected fault at ${op} ${file}`), { code: 'EIO', path: file });
  };
  for (const op of PATH_OPS) {
    const original = fs[op];
    originals[op] = original;
    fs[op] = function (...args) {
      const file = [args[0], args[1]].find(under);
      const counted = file !== undefined && (op !== 'openSync' || writes(args[1]));
      if (counted) hit(op, file);
      const result = original.apply(this, args);
      if (counted && op === 'openSync') tracked.add(result);
      return result;
    };
  }
  for (const op of FD_OPS) {
    const original = fs[op];
    originals[op] = original;
    fs[op] = function (fd, ...rest) {
      if (tracked.has(fd)) hit(op, `${root}${path.sep}(fd ${fd})`);
      return original.call(this, fd, ...rest);
    };
  }
  const closeSync = fs.closeSync;
  originals.closeSync = closeSync;
  fs.closeSync = function (fd) {
    tracked.delete(fd);
    return closeSync.call(this, fd);
  };
  syncBuiltinESMExports();
  return {
    count: () => count,
    log,
    uninstall: () => {
      Object.assign(fs, originals);
      syncBuiltinESMExports();
    },
  };
}

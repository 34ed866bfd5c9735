/**
 * Pseudo file systems: kernel interfaces that look like files (`/proc`,
 * `/sys`, `/dev` and their kind). Nothing there is a catalog or a place for
 * documentation: a read can be endless (`/proc/kcore`, `/dev/zero`), leak the
 * process's secrets (`/proc/self/environ`) or have effects, and creating
 * folders there fails in ways that make Node's recursive mkdir spin forever
 * (`/proc/x`). rulecat neither reads nor writes below them.
 */
import { mkdirSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';

/** statfs(2) magic numbers of Linux pseudo file systems (linux/magic.h). */
const PSEUDO_MAGIC: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x43415d53, 'smackfs'],
  [0x6e736673, 'nsfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
]);

/** Top folders that are pseudo file systems by convention (`/dev` is a tmpfs by its magic; `/dev/shm` is an ordinary tmpfs). */
const PSEUDO_ROOTS: readonly [string, string][] = [
  ['/proc', 'proc'],
  ['/sys', 'sysfs'],
  ['/dev', 'devtmpfs'],
];

const within = (p: string, dir: string) => p === dir || p.startsWith(dir + path.sep);

/** The name of the pseudo file system holding `realPath` (links already resolved), or undefined for an ordinary one. */
export function pseudoFileSystem(realPath: string): string | undefined {
  if (process.platform !== 'win32') {
    for (const [root, name] of PSEUDO_ROOTS) {
      if (within(realPath, root) && !within(realPath, '/dev/shm')) return name;
    }
  }
  try {
    return PSEUDO_MAGIC.get(statfsSync(realPath).type);
  } catch {
    return undefined;
  }
}

const byDevice = new Map<number, string | undefined>();

/**
 * As `pseudoFileSystem`, for a file already opened: judged once per device
 * (`st_dev`), so reading thousands of files costs one statfs per file system.
 */
export function pseudoFileSystemOfDevice(dev: number, realPath: string): string | undefined {
  if (!byDevice.has(dev)) {
    let name: string | undefined;
    try {
      name = PSEUDO_MAGIC.get(statfsSync(realPath).type);
    } catch {
      name = undefined;
    }
    byDevice.set(dev, name);
  }
  return byDevice.get(dev);
}

/**
 * `mkdir -p` that cannot spin: Node's `mkdirSync(dir, { recursive: true })`
 * loops forever where mkdir(2) says ENOENT under an existing folder
 * (`/proc/x`). Creates the missing folders from the top, each once; returns
 * the first folder created (undefined when `dir` existed), as the recursive
 * mkdir does. Errors are thrown with their code.
 */
export function makeDirs(dir: string): string | undefined {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    let st;
    try {
      st = statSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || d === path.dirname(d)) throw e;
      missing.push(d);
      continue;
    }
    if (!st.isDirectory()) {
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), {
        code: 'ENOTDIR',
        path: dir,
        syscall: 'mkdir',
      });
    }
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Created meanwhile by another run: fine when it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
  return missing[0];
}

/**
 * Hostile files where rulecat reads: a link to /dev/zero or a FIFO in the
 * output folder (in place of a generated page, the manifest, the lock), in
 * the input folders, in the docs of an audit, in the cache; a 1 GiB input
 * file; an output folder on a pseudo file system or where nothing can be
 * written. Before, reading them was unbounded: `generate` and `--check`
 * grew to 1.7 GB in 10 s on a page linked to /dev/zero (`audit` to 12.5 GB),
 * a FIFO made them wait forever, and `--out /proc/x` spun at 100% CPU.
 *
 * Each run is a child process running the built command (`dist/`) with a
 * hang guard, under `prlimit --as` (address space 1.5 GiB) when the system
 * has it, and reports its peak resident memory (`VmHWM`, printed at exit by
 * `report-memory.mjs`): the tests assert the exit code, the exact error
 * lines, that the output folder is unchanged, and that memory stayed
 * bounded.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../shared.js';
import { writeTree } from '../tree.js';
import { catalog, GENERATE, RULE, snapshot, U1, U2 } from './helpers.js';

const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
const MEMORY = path.join(REPO, 'test', 'reliability', 'report-memory.mjs');
/** Hang guard only: each run takes about a second. */
const GUARD_MS = 60_000;
/** Address space of a child (Node reserves about 1 GiB of it at start). */
const ADDRESS_SPACE = 1536 * 1024 * 1024;
/** Peak resident memory a run may reach: a run of the small catalog peaks below 100 MB. */
const MAX_RSS_KB = 300 * 1024;

const linux = process.platform === 'linux';
if (!linux) console.warn('[skipped] bounded reads: FIFOs, /dev/zero and /proc are Linux tests');

/** Whether `prlimit --as` can run Node here (it is util-linux's; Node needs about 1 GiB of address space). */
const prlimit = (() => {
  if (!linux) return false;
  const probe = spawnSync('prlimit', [`--as=${ADDRESS_SPACE}`, process.execPath, '-e', '0'], { timeout: GUARD_MS });
  if (probe.status === 0) return true;
  console.warn('[memory limit skipped] prlimit --as cannot run node here; peak memory (VmHWM) is still asserted');
  return false;
})();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory in kB (VmHWM). */
  peakKb: number;
}

/** Whether a process of this user can read these files. */
function readableBy(uid: number, files: string[]): boolean {
  const check = `for (const f of ${JSON.stringify(files)}) require('node:fs').accessSync(f, require('node:fs').constants.R_OK)`;
  return spawnSync(process.execPath, ['-e', check], { uid, gid: uid, timeout: GUARD_MS }).status === 0;
}

/** The built command in a child process: hang guard, memory limit, peak memory. */
function run(args: string[], cwd: string, options: { uid?: number; env?: NodeJS.ProcessEnv } = {}): Run {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" (npm ci does) before the tests`);
  const node = [process.execPath, '--import', MEMORY, BIN, ...args];
  const [cmd, ...rest] = prlimit ? ['prlimit', `--as=${ADDRESS_SPACE}`, ...node] : node;
  const r = spawnSync(cmd, rest, {
    cwd,
    encoding: 'utf8',
    timeout: GUARD_MS,
    killSignal: 'SIGKILL',
    uid: options.uid,
    gid: options.uid,
    env: { ...process.env, XDG_CACHE_HOME: path.join(cwd, '.cache'), ...options.env },
  });
  expect(r.error, `rulecat ${args.join(' ')} did not finish within the guard`).toBeUndefined();
  const peak = /^VMHWM (-?\d+)$/m.exec(r.stderr);
  expect(peak, `no VMHWM line (killed?), stderr: ${r.stderr.slice(-2000)}`).not.toBeNull();
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr.replace(/^VMHWM .*\n/m, ''),
    peakKb: Number(peak![1]),
  };
}

const errors = (r: Run) => r.stderr.split('\n').filter((l) => l.includes(': error: '));

function bounded(r: Run): void {
  if (r.peakKb >= 0) expect(r.peakKb, 'peak resident memory (kB)').toBeLessThan(MAX_RSS_KB);
}

const PAGE = `suggested_rules_${U1}_do_not_edit_manually.md`;

const mkfifo = (p: string) => execFileSync('mkfifo', [p]);

/** A generated catalog, its output folder, and a docs folder including the pages. */
function generated(): string {
  const root = catalog({ 'docs/intake.md': `# EDR\n\n{!out/${PAGE}!}\n` });
  const first = run(GENERATE, root);
  expect(first.code).toBe(0);
  return root;
}

describe.skipIf(!linux)('hostile files in the output folder: never read, the run stops at once', () => {
  const hazards = [
    {
      name: 'a link to /dev/zero',
      make: (p: string) => symlinkSync('/dev/zero', p),
      generate: `out/${PAGE}: error: Symbolic link points outside the output folder (out) to /dev/zero, expected a regular file written by rulecat or nothing; remove it [symlink-outside]`,
      audit: `out/${PAGE}: error: Symbolic link points outside the folder of generated pages (out) to /dev/zero, expected a regular file inside it [symlink-outside]`,
    },
    {
      name: 'a FIFO',
      make: mkfifo,
      generate: `out/${PAGE}: error: Unexpected FIFO, expected a regular file written by rulecat or nothing; remove it [not-regular-file]`,
      audit: `out/${PAGE}: error: Unexpected FIFO, expected a regular file (output file) [not-regular-file]`,
    },
  ];
  const commands = [
    { name: 'generate', args: GENERATE, line: 'generate' as const },
    { name: 'generate --check', args: [...GENERATE, '--check'], line: 'generate' as const },
    { name: 'audit', args: ['audit', '--docs', 'docs', '--out', 'out'], line: 'audit' as const },
  ];
  for (const h of hazards) {
    it.each(commands)(`$name: ${h.name} in place of a generated page`, (c) => {
      const root = generated();
      const page = path.join(root, 'out', PAGE);
      rmSync(page);
      h.make(page);
      const before = snapshot(path.join(root, 'out'));
      // Twice: the first run finds the remembered run (the input cache's record) and checks the outputs boundedly too.
      for (const args of [c.args, [...c.args, ...(c.line === 'generate' ? ['--no-cache'] : [])]]) {
        const r = run(args, root);
        expect(r.code).toBe(2);
        expect(errors(r)).toEqual([h[c.line]]);
        bounded(r);
      }
      expect(snapshot(path.join(root, 'out'))).toEqual(before);
    });

    it(`the manifest replaced by ${h.name}: not read, nothing owned, rewritten`, () => {
      const root = generated();
      const manifest = path.join(root, 'out', '.rulecat-manifest.json');
      const owned = readFileSync(manifest, 'utf8');
      rmSync(manifest);
      h.make(manifest);
      const check = run([...GENERATE, '--check'], root);
      expect(check.code).toBe(0);
      bounded(check);
      const r = run(GENERATE, root);
      expect(errors(r)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('rulecat: .rulecat-manifest.json cannot be read (Unexpected ');
      bounded(r);
      expect(readFileSync(manifest, 'utf8')).toBe(owned);
    });

    it(`the lock replaced by ${h.name}: the run gives up at once, naming it`, () => {
      const root = generated();
      h.make(path.join(root, 'out', '.rulecat-lock'));
      writeTree({ 'rules/new.yml': RULE('r-new', 'New') }, root);
      const before = snapshot(path.join(root, 'out'));
      const r = run([...GENERATE, '--lock-timeout', '600'], root);
      expect(r.code).toBe(2);
      const what = h.name === 'a FIFO' ? 'FIFO' : 'symbolic link';
      expect(errors(r)).toEqual([
        `out/.rulecat-lock: error: Unexpected ${what} where the lock belongs, expected a file written by rulecat; remove it [output-locked]`,
      ]);
      bounded(r);
      expect(snapshot(path.join(root, 'out'))).toEqual(before);
    });
  }

  it('an owned file no longer generated that became a FIFO is left in place with a note', () => {
    const root = generated();
    rmSync(path.join(root, 'intakes/Vendor/fw'), { recursive: true });
    const layer = path.join(root, 'out', `suggested_rules_${U2}_do_not_edit_manually.md`);
    rmSync(layer);
    mkfifo(layer);
    const r = run(GENERATE, root);
    expect(errors(r)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `rulecat: suggested_rules_${U2}_do_not_edit_manually.md is not the file rulecat wrote (Unexpected FIFO, expected a regular file (output file)); left in place`,
    );
    bounded(r);
  });
});

describe.skipIf(!linux)('hostile files among the inputs: diagnostics, never read', () => {
  it('links to /dev/zero and FIFOs named like inputs, a 1 GiB rule file, /proc files named in flags', () => {
    const root = generated();
    const out = path.join(root, 'out');
    const before = snapshot(out);
    symlinkSync('/dev/zero', path.join(root, 'rules/zero.yml'));
    mkfifo(path.join(root, 'rules/pipe.yml'));
    mkdirSync(path.join(root, 'intakes/Vendor/edr/tests'));
    mkfifo(path.join(root, 'intakes/Vendor/edr/tests/pipe.json'));
    symlinkSync('pipe.yml', path.join(root, 'rules/to-pipe.yml'));
    // Sparse: no disk used; read, it would be 1 GiB of memory.
    writeFileSync(path.join(root, 'rules/huge.yml'), '');
    truncateSync(path.join(root, 'rules/huge.yml'), 1024 * 1024 * 1024);
    const r = run([...GENERATE, '--attack', '/dev/zero', '--field-mapping', '/proc/self/environ'], root);
    expect(r.code).toBe(2);
    expect(errors(r)).toEqual([
      '/dev/zero: error: Unexpected character device, expected a regular file (input file) [not-regular-file]',
      '/proc/self/environ: error: Unexpected file of the proc pseudo file system, expected a regular file on disk (input file) [pseudo-file-system]',
      'intakes/Vendor/edr/tests/pipe.json: error: Unexpected FIFO, expected a regular file [not-regular-file]',
      'rules/huge.yml: error: Unexpected rule file of 1024 MiB, expected at most 16 MiB; raise it with --max-file-size (maxFileSize:) [file-too-large]',
      'rules/pipe.yml: error: Unexpected FIFO, expected a regular file [not-regular-file]',
      'rules/to-pipe.yml: error: Unexpected FIFO (through a symbolic link), expected a regular file [not-regular-file]',
      'rules/zero.yml: error: Symbolic link points outside the input folder (rules), expected a target inside it [symlink-outside]',
    ]);
    bounded(r);
    expect(snapshot(out)).toEqual(before);
  });

  it('a configuration file that is a FIFO, and input folders on /proc', () => {
    const root = generated();
    const r = run([...GENERATE.slice(0, 3), '/proc/self', '--intakes', 'intakes', '--out', 'out'], root);
    expect(r.code).toBe(2);
    expect(errors(r)).toEqual([
      '/proc/self: error: Unexpected folder of the proc pseudo file system, expected a folder of files on disk [pseudo-file-system]',
    ]);
    mkfifo(path.join(root, 'fifo.yaml'));
    const c = run([...GENERATE, '--config', 'fifo.yaml'], root);
    expect(c.code).toBe(2);
    expect(errors(c)).toEqual([
      'fifo.yaml: error: Unexpected FIFO, expected a regular file (configuration file) [not-regular-file]',
    ]);
  });

  it('docs of an audit: a FIFO and a link to /dev/zero named like pages', () => {
    const root = generated();
    mkfifo(path.join(root, 'docs/pipe.md'));
    symlinkSync('/dev/zero', path.join(root, 'docs/zero.md'));
    const r = run(['audit', '--docs', 'docs', '--out', 'out'], root);
    expect(r.code).toBe(2);
    expect(errors(r)).toEqual([
      'docs/pipe.md: error: Unexpected FIFO, expected a regular file [not-regular-file]',
      'docs/zero.md: error: Symbolic link points outside the input folder (docs), expected a target inside it [symlink-outside]',
    ]);
    bounded(r);
    const p = run(['audit', '--docs', '/proc/self', '--out', 'out'], root);
    expect(p.code).toBe(2);
    expect(errors(p)).toEqual([
      '/proc/self: error: Unexpected folder of the proc pseudo file system, expected a folder of files on disk [pseudo-file-system]',
    ]);
  });

  it('cache packs and the run record replaced by FIFOs and links to /dev/zero are ignored: same output', () => {
    const root = generated();
    const cache = path.join(root, '.cache', 'rulecat');
    const before = snapshot(path.join(root, 'out'));
    const files = [
      ...readdirSync(cache).filter((n) => n.endsWith('.bin')),
      ...readdirSync(path.join(cache, 'runs')).map((n) => path.join('runs', n)),
    ];
    expect(files.length).toBeGreaterThan(2);
    files.forEach((name, i) => {
      rmSync(path.join(cache, name));
      if (i % 2 === 0) mkfifo(path.join(cache, name));
      else symlinkSync('/dev/zero', path.join(cache, name));
    });
    for (const args of [[...GENERATE, '--check'], GENERATE]) {
      const r = run(args, root);
      expect(errors(r)).toEqual([]);
      expect(r.code).toBe(0);
      bounded(r);
    }
    expect(snapshot(path.join(root, 'out'))).toEqual(before);
  });
});

describe.skipIf(!linux)('an output folder that cannot be used fails fast', () => {
  it.each([
    ['/proc/x', 'proc'],
    ['/sys/x', 'sysfs'],
    ['/dev/rulecat-test-out', 'devtmpfs'],
    ['/proc/self/fd', 'proc'],
  ])('--out %s: exit 2, nothing created', (out, fs) => {
    const root = catalog();
    for (const args of [
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', out],
      ['generate', '--rules', 'rules', '--intakes', 'intakes', '--out', out, '--check'],
    ]) {
      const r = run(args, root);
      expect(r.code).toBe(2);
      expect(errors(r)[0]).toMatch(
        new RegExp(
          `^${out}: error: Output folder is on the ${fs} pseudo file system \\(/(proc|sys|dev)\\b[^)]*\\), expected a folder on disk \\[out-pseudo-file-system\\]$`,
        ),
      );
      bounded(r);
    }
    if (!out.startsWith('/proc/self')) expect(existsSync(out)).toBe(false);
  });

  it('an output folder without write permission (run as nobody when the tests run as root)', (ctx) => {
    const uid = process.getuid?.() === 0 ? 65534 : undefined;
    // A checkout in a private folder (mktemp -d) cannot be read by nobody: then this case cannot run here.
    if (uid !== undefined && !readableBy(uid, [BIN, MEMORY])) {
      console.warn(`[skipped] ${REPO} is not readable by uid ${uid}: the unwritable output folder is not tested`);
      ctx.skip();
    }
    const root = catalog();
    expect(run(GENERATE, root).code).toBe(0);
    writeTree({ 'rules/new.yml': RULE('r-new', 'New') }, root);
    const out = path.join(root, 'out');
    const before = snapshot(out);
    // The catalog readable by nobody (a temporary folder is private); the output folder not writable.
    if (uid !== undefined) chmodSync(root, 0o755);
    chmodSync(out, 0o555);
    try {
      const r = run(GENERATE, root, { uid });
      expect(r.code).toBe(2);
      expect(errors(r)).toEqual(['out: error: Cannot write output: EACCES (permission denied) [write-failed]']);
    } finally {
      chmodSync(out, 0o755);
    }
    expect(snapshot(out)).toEqual(before);
  });
});

describe('limits can be raised', () => {
  it('--max-file-size', () => {
    const root = catalog({ 'rules/big.yml': RULE('r-big', 'Big') + `# ${'x'.repeat(2 * 1024 * 1024)}\n` });
    const small = run([...GENERATE, '--max-file-size', '1'], root);
    expect(small.code).toBe(2);
    expect(errors(small)).toEqual([
      'rules/big.yml: error: Unexpected rule file of 2 MiB, expected at most 1 MiB; raise it with --max-file-size (maxFileSize:) [file-too-large]',
    ]);
    const r = run([...GENERATE, '--max-file-size', '3'], root);
    expect(errors(r)).toEqual([]);
    expect(r.code).toBe(0);
  });
});

/**
 * Shared by the reliability tests: a small valid catalog, byte-level
 * snapshots of output folders, and the error lines of a run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../shared.js';
import { INTAKE_MANIFEST, PARSER, writeTree } from '../tree.js';

export const U1 = '11111111-1111-4111-8111-111111111111';
export const U2 = '22222222-2222-4222-8222-222222222222';
export const U3 = '33333333-3333-4333-8333-333333333333';

export const RULE = (
  id: string,
  title: string,
  detection = '  sel:\n    process.executable|endswith: x.exe\n  condition: sel\n',
  extra = '',
) =>
  `title: ${title}\nid: ${id}\ndescription: Detects ${title.toLowerCase()}.\nlevel: high\ntags:\n  - attack.execution\n  - attack.t1059.001\nlogsource:\n  product: windows\n${extra}detection:\n${detection}`;

/** The files of a valid catalog: three rules, two intakes in one module. */
export function catalogFiles(): Record<string, string> {
  return {
    'rules/a.yml': RULE('r-a', 'Zeta Process', '  sel:\n    process.executable|endswith: x.exe\n  condition: sel\n'),
    'rules/b.yml': RULE('r-b', 'Alpha Network', '  sel:\n    destination.port: 4444\n  condition: sel\n'),
    'rules/sub/c.yml': RULE('r-c', 'BITS Thing', '  sel:\n    process.command_line|contains: bits\n  condition: sel\n'),
    'intakes/Vendor/_meta/manifest.yml': INTAKE_MANIFEST('99999999-9999-4999-8999-999999999999', 'Vendor'),
    'intakes/Vendor/edr/_meta/manifest.yml': INTAKE_MANIFEST(U1, 'Vendor EDR'),
    'intakes/Vendor/edr/ingest/parser.yml': PARSER({
      'process.executable': '{{parsed.message.image}}',
      'process.command_line': '{{parsed.message.cmd}}',
    }),
    'intakes/Vendor/fw/_meta/manifest.yml': INTAKE_MANIFEST(U2, 'Vendor Firewall'),
    'intakes/Vendor/fw/_meta/fields.yml':
      'destination.port:\n  name: destination.port\n  type: long\n  description: port\n',
  };
}

export function catalog(extra: Record<string, string | Uint8Array> = {}): string {
  return writeTree({ ...catalogFiles(), ...extra });
}

/** A generate run; the base URL is given so that no run warns about where its layers are published. */
export const GENERATE = [
  'generate',
  '--rules',
  'rules',
  '--intakes',
  'intakes',
  '--out',
  'out',
  '--base-url',
  'https://docs.example.org/layers/',
];

/** GENERATE writing to another output folder. */
export const generateInto = (out: string) => GENERATE.map((a, i) => (GENERATE[i - 1] === '--out' ? out : a));

export interface Entry {
  kind: 'file' | 'dir' | 'link' | 'special';
  /** sha256 of the bytes (files), the target (links). */
  content?: string;
  mtimeMs?: number;
  mode: number;
}

/** Every entry under `root` with its bytes' hash, mode and modification time (missing folder: empty). */
export function snapshot(root: string): Record<string, Entry> {
  const out: Record<string, Entry> = {};
  if (!existsSync(root)) return out;
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const rel = path.relative(root, p);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[rel] = { kind: 'link', content: readlinkSync(p), mode: st.mode };
      else if (st.isDirectory()) {
        out[rel] = { kind: 'dir', mode: st.mode };
        visit(p);
      } else if (!st.isFile())
        out[rel] = { kind: 'special', mode: st.mode }; // a FIFO is never opened (it would block)
      else
        out[rel] = {
          kind: 'file',
          content: createHash('sha256').update(readFileSync(p)).digest('hex'),
          mtimeMs: st.mtimeMs,
          mode: st.mode,
        };
    }
  };
  visit(root);
  return out;
}

/** The `error` lines a run printed (other engineers' warnings do not matter here). */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes(': error: '));
}

/** Fast-check runs: bounded by default, `FUZZ_RUNS=100000` for a long run. */
export function fuzzRuns(byDefault: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : byDefault;
}

/** Test timeout: the default one, or some hours for a long run (FUZZ_RUNS set). */
export const FUZZ_TIMEOUT = process.env.FUZZ_RUNS ? 6 * 3_600_000 : undefined;

export interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const DRIVER = path.join(REPO, 'test', 'reliability', 'kill-driver.mjs');

/**
 * Run the built CLI in a child process (kill-driver.mjs) that, just before
 * its `at`-th mutation of `<root>/out` (0: never), kills itself (`kill`) or
 * pauses (`pause:<ms>`).
 */
export function runDriver(root: string, at: number, action: string, args: string[] = GENERATE): Promise<Exit> {
  const child = spawn(process.execPath, [DRIVER, REPO, String(at), action, root, path.join(root, 'out'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr })));
}

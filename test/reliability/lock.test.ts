/**
 * Concurrent runs into one output folder are serialised by `<out>/.rulecat-lock`:
 * the second waits (and says so) or gives up with a message naming the
 * holder; a lock left by a crashed run is detected as stale and removed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LOCK_NAME } from '../../generator/write/lock.js';
import { readTree, runCli, tempDir, writeTree } from '../tree.js';
import { catalog, errorLines, GENERATE, RULE, runDriver, snapshot } from './helpers.js';

const DEAD_PID = 2 ** 22 + 12_345; // above Linux's pid_max default: no such process

function lockFile(dir: string): string {
  return path.join(dir, LOCK_NAME);
}

function writeLock(dir: string, holder: Record<string, unknown> | string, ageMs = 0): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(lockFile(dir), typeof holder === 'string' ? holder : JSON.stringify(holder));
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(lockFile(dir), t, t);
}

describe('the output folder lock', () => {
  it('is taken with who holds it and removed on release', async () => {
    const dir = path.join(tempDir(), 'out');
    const lock = await acquireLock(dir, { timeoutMs: 0 });
    expect(lock.ok).toBe(true);
    const holder = JSON.parse(readFileSync(lockFile(dir), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.parse(holder.started)).not.toBeNaN();
    if (lock.ok) lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('makes a second taker give up with the holder named, or wait for the release', async () => {
    const dir = tempDir();
    const first = await acquireLock(dir, { timeoutMs: 0 });
    const refused = await acquireLock(dir, { timeoutMs: 0 });
    expect(refused.ok).toBe(false);
    if (!refused.ok)
      expect(refused.message).toMatch(
        new RegExp(
          `^Output folder is locked by another rulecat run \\(pid ${process.pid} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\), expected it to finish within 0 s; if no rulecat is running, remove this file$`,
        ),
      );
    const told: string[] = [];
    setTimeout(() => first.ok && first.release(), 300);
    const waited = await acquireLock(dir, { timeoutMs: 20_000, pollMs: 20, notify: (m) => told.push(m) });
    expect(waited.ok).toBe(true);
    expect(told).toEqual([
      expect.stringMatching(
        new RegExp(
          `^output folder is locked by another rulecat run \\(pid ${process.pid} on .*\\); waiting up to 20 s \\(--lock-timeout\\)$`,
        ),
      ),
    ]);
    if (waited.ok) waited.release();
  });

  it.each([
    [
      'its process is gone',
      { pid: DEAD_PID, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', token: 't' },
      0,
      `process ${DEAD_PID} is no longer running`,
    ],
    [
      'it is older than 10 minutes, on another host',
      { pid: 1, hostname: 'elsewhere', started: '2026-01-01T00:00:00.000Z', token: 't' },
      11 * 60_000,
      'it is older than 600 s',
    ],
    [
      'it is older than 10 minutes, with a live pid (reused)',
      { pid: process.pid, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', token: 't' },
      11 * 60_000,
      'it is older than 600 s',
    ],
    ['it was left empty by a run killed while taking it', '', 60_000, 'the lock file is not a rulecat lock'],
  ])('is stale, and removed, when %s', async (_, holder, ageMs, reason) => {
    const dir = tempDir();
    writeLock(dir, holder, ageMs);
    const told: string[] = [];
    const lock = await acquireLock(dir, { timeoutMs: 0, notify: (m) => told.push(m) });
    expect(lock.ok).toBe(true);
    expect(told).toEqual([expect.stringMatching(new RegExp(`^removed a stale lock \\(.*\\): ${reason}$`))]);
    if (lock.ok) lock.release();
  });

  it.each([
    [
      'held by another host, recently',
      { pid: 1, hostname: 'elsewhere', started: '2026-01-01T00:00:00.000Z', token: 't' },
      1000,
    ],
    ['being written (empty, fresh)', '', 0],
  ])('is respected when %s', async (_, holder, ageMs) => {
    const dir = tempDir();
    writeLock(dir, holder, ageMs);
    const lock = await acquireLock(dir, { timeoutMs: 0 });
    expect(lock.ok).toBe(false);
    expect(existsSync(lockFile(dir))).toBe(true);
  });

  it('is not removed on release once another run holds it', async () => {
    const dir = tempDir();
    const lock = await acquireLock(dir, { timeoutMs: 0 });
    writeLock(dir, { pid: 1, hostname: 'elsewhere', started: '2026-01-01T00:00:00.000Z', token: 'someone else' });
    if (lock.ok) lock.release();
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8')).token).toBe('someone else');
  });

  it('gives up at once, without reading it, when the lock is not a regular file', async () => {
    for (const [kind, make] of [
      ['folder', (p: string) => mkdirSync(p)],
      ['FIFO', (p: string) => execFileSync('mkfifo', [p])],
      ['symbolic link', (p: string) => symlinkSync('/dev/zero', p)],
    ] as const) {
      const dir = tempDir();
      make(lockFile(dir));
      // A long timeout: giving up must not wait for it (a FIFO must not block, /dev/zero must not be read).
      const lock = await acquireLock(dir, { timeoutMs: 600_000 });
      expect(lock).toEqual({
        ok: false,
        message: `Unexpected ${kind} where the lock belongs, expected a file written by rulecat; remove it`,
      });
    }
  });
});

describe('concurrent runs of the command', () => {
  it('are serialised: the second waits for the first, says so, and both finish with the complete output', async () => {
    const root = catalog();
    expect((await runCli(GENERATE, root)).code).toBe(0);
    writeTree({ 'rules/new.yml': RULE('r-new', 'New rule') }, root);
    const probe = catalog({ 'rules/new.yml': RULE('r-new', 'New rule') });
    expect((await runCli(GENERATE, probe)).code).toBe(0);
    const expected = readTree(path.join(probe, 'out'));
    // The first run pauses 1.5 s at its 4th mutation: after making the folder, creating and writing the lock.
    const first = runDriver(root, 4, 'pause:1500');
    const lock = lockFile(path.join(root, 'out'));
    while (!existsSync(lock)) await new Promise((r) => setTimeout(r, 10));
    const second = await runDriver(root, 0, 'kill');
    const one = await first;
    expect(one.status, one.stderr).toBe(0);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(
      /^rulecat: out: output folder is locked by another rulecat run \(pid \d+ on .*, since .*\); waiting up to 30 s \(--lock-timeout\)$/m,
    );
    expect(second.stdout).toMatch(/: 0 written, \d+ unchanged, 0 removed/);
    expect(readTree(path.join(root, 'out'))).toEqual(expected);
    expect(existsSync(lock)).toBe(false);
  });

  it('with --lock-timeout 0, the second gives up at once, exits 2 and changes nothing', async () => {
    const root = catalog();
    expect((await runCli(GENERATE, root)).code).toBe(0);
    writeTree({ 'rules/new.yml': RULE('r-new', 'New rule') }, root);
    const out = path.join(root, 'out');
    writeLock(out, { pid: process.pid, hostname: hostname(), started: '2026-05-01T10:00:00.000Z', token: 't' });
    const before = snapshot(out);
    const r = await runCli([...GENERATE, '--lock-timeout', '0'], root);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `out/.rulecat-lock: error: Output folder is locked by another rulecat run (pid ${process.pid} on ${hostname()}, since 2026-05-01T10:00:00.000Z), expected it to finish within 0 s; if no rulecat is running, remove this file [output-locked]`,
    ]);
    expect(snapshot(out)).toEqual(before);
  });

  it('takes over the lock of a crashed run and says so', async () => {
    const root = catalog();
    writeLock(path.join(root, 'out'), {
      pid: DEAD_PID,
      hostname: hostname(),
      started: '2026-05-01T10:00:00.000Z',
      token: 't',
    });
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `rulecat: out: removed a stale lock (pid ${DEAD_PID} on ${hostname()}, since 2026-05-01T10:00:00.000Z): process ${DEAD_PID} is no longer running`,
    );
    expect(existsSync(lockFile(path.join(root, 'out')))).toBe(false);
  });

  it('rejects a lock timeout that is not a number of seconds', async () => {
    const flag = await runCli([...GENERATE, '--lock-timeout', 'soon'], catalog());
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('rulecat generate: Unexpected --lock-timeout soon, expected a number of seconds\n');
    const root = catalog({ 'rulecat.config.yaml': 'lockTimeout: soon\n' });
    const file = await runCli(GENERATE, root);
    expect(file.code).toBe(2);
    expect(errorLines(file.stderr)).toEqual([
      'rulecat.config.yaml:1:14: error: Unexpected value for "lockTimeout", expected a number of seconds [config-value]',
    ]);
  });
});

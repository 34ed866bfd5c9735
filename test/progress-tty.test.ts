/**
 * The progress line: on a terminal (a pseudo-terminal made by `script` from
 * util-linux) it shows the phases, rewritten in place with `\r` and cleared
 * at the end; never when stderr is not a terminal, never with --json, never
 * with --quiet (which also drops the summary line). The delay before the
 * line shows (about a second) is set to 0 through RULECAT_PROGRESS_AFTER_MS
 * so that the example catalog, which takes less, shows it too, and the
 * least time between two drawings (100 ms) to 0 through
 * RULECAT_PROGRESS_EVERY_MS, so that every step is drawn however fast the
 * machine goes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { copyExampleCatalog } from './tree.js';

const SCRIPT = '/usr/bin/script';
const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
const haveScript = existsSync(SCRIPT);
if (!haveScript) console.warn(`[skipped] ${SCRIPT} (util-linux) not found: the progress test on a terminal is skipped`);

// Every step drawn, whatever the machine's speed: the test reads the steps, not the throttling.
const ENV = { ...process.env, RULECAT_PROGRESS_AFTER_MS: '0', RULECAT_PROGRESS_EVERY_MS: '0', NO_COLOR: '1' };
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Run the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal received. */
function onTerminal(args: string[], cwd: string): { code: number; screen: string } {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ');
  const r = spawnSync(SCRIPT, ['-q', '-e', '-c', command, '/dev/null'], {
    cwd,
    env: ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status ?? -1, screen: r.stdout };
}

/** Run the CLI with stdout and stderr on pipes. */
function onPipes(args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: ENV, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const PROGRESS = /\rrulecat (generate|gaps|explain|preview): [^\r\n]*\(\d+\.\d s\)\x1b\[K/;

describe.skipIf(!haveScript)('the progress line', () => {
  let root: string;
  beforeAll(() => {
    root = copyExampleCatalog('rulecat-progress-');
    expect(existsSync(BIN), 'the CLI is built (npm run build)').toBe(true);
  });

  it('shows phases on a terminal, in place, and clears itself before the result', () => {
    const { code, screen } = onTerminal(['generate', '--no-cache'], root);
    expect(code).toBe(0);
    expect(screen).toMatch(PROGRESS);
    expect(screen).toContain('rulecat generate: reading rules and intakes');
    // Cleared (carriage return, erase line) before the summary line, which starts a clean line.
    const summary = screen.indexOf('rulecat: ');
    expect(summary).toBeGreaterThan(0);
    expect(screen.slice(0, summary)).toMatch(/\r\x1b\[K$/);
    expect(screen.slice(summary)).not.toMatch(PROGRESS);

    const gaps = onTerminal(['gaps', '--all', '--limit', '1', '--no-cache'], root);
    expect(gaps.code).toBe(0);
    expect(gaps.screen).toMatch(/\rrulecat gaps: looking for missing fields: \d+\/9 intakes/);
  });

  it('never shows when stderr is not a terminal', () => {
    for (const args of [
      ['generate', '--no-cache'],
      ['gaps', '--all', '--no-cache'],
      ['preview', '--intake', 'Okta System Log [BETA]'],
    ]) {
      const r = onPipes(args, root);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('\r');
      expect(r.stderr).not.toMatch(/rulecat \w+: reading/);
    }
  });

  it('never shows with --json, and --quiet silences it and the summary line', () => {
    const json = onTerminal(['generate', '--json', '--no-cache'], root);
    expect(json.code).toBe(0);
    expect(json.screen).not.toMatch(PROGRESS);
    expect(json.screen.trimStart().startsWith('{')).toBe(true);

    const quiet = onTerminal(['generate', '--quiet', '--no-cache'], root);
    expect(quiet.code).toBe(0);
    expect(quiet.screen).toBe('');
    const check = onTerminal(['generate', '--check', '--quiet', '--no-cache'], root);
    expect(check).toEqual({ code: 0, screen: '' });
  });
});

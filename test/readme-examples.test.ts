/**
 * The README's command examples are run, and what they print is what the
 * README shows. A runnable example is a fenced block preceded by the line
 *
 *   <!-- runnable -->                        run in a copy of the example catalog
 *   <!-- runnable exit=3 -->                 … and expect this exit code (default 0)
 *   <!-- runnable shared -->                 run in the repository, next to ../shared (skipped without it)
 *
 * In the block, `$ ` starts a command (a line ending in `\` continues it);
 * the lines up to the next command are its output, stdout and stderr
 * together, as a terminal shows them. In the output, `…` stands for any
 * text within a line, and a line holding only `…` for any number of lines.
 * `npx rulecat` is the CLI built from this checkout.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SHARED_DATA } from './shared.js';
import { tempDir } from './tree.js';

export interface Example {
  /** 1-based line of the block's first command in README.md. */
  line: number;
  command: string;
  expected: string[];
  exit: number;
  shared: boolean;
}

const MARKER = /^<!-- runnable((?:\s+(?:exit=\d+|shared))*)\s*-->$/;

/** The runnable examples of a markdown text. */
export function runnableExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i].trim());
    if (!marker) continue;
    const fence = /^(```+)/.exec(lines[i + 1] ?? '');
    if (!fence) throw new Error(`README.md:${i + 1}: <!-- runnable --> must be followed by a fenced block`);
    const exit = Number(/exit=(\d+)/.exec(marker[1])?.[1] ?? 0);
    const shared = /\bshared\b/.test(marker[1]);
    let j = i + 2;
    let current: Example | undefined;
    for (; j < lines.length && !lines[j].startsWith(fence[1]); j++) {
      const line = lines[j];
      if (line.startsWith('$ ')) {
        current = { line: j + 1, command: line.slice(2), expected: [], exit, shared };
        while (current.command.endsWith('\\') && j + 1 < lines.length) current.command += '\n' + lines[++j];
        out.push(current);
      } else if (current) current.expected.push(line);
      else throw new Error(`README.md:${j + 1}: a runnable block starts with a command ($ …)`);
    }
    i = j;
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The expected lines as one regular expression (`…` wildcards). */
export function outputPattern(expected: readonly string[]): RegExp {
  const parts = expected.map((l) =>
    l.trim() === '…' ? '(?:[^\\n]*\\n)*?' : l.split('…').map(escape).join('[^\\n]*') + '\\n',
  );
  return new RegExp(`^${parts.join('')}$`);
}

const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
const examples = runnableExamples(readFileSync(path.join(REPO, 'README.md'), 'utf8'));
const haveShared = existsSync(SHARED_DATA);
if (!haveShared)
  console.warn(`[skipped] ${SHARED_DATA} not found: README examples on the reference corpora are skipped`);
const cache = tempDir('rulecat-readme-cache-');

function catalogCopy(): string {
  const root = tempDir('rulecat-readme-');
  for (const name of ['rules', 'intakes', 'output', 'rulecat.config.yaml', path.join('docs', 'examples')])
    cpSync(path.join(REPO, name), path.join(root, name), { recursive: true });
  return root;
}

describe('README examples', () => {
  it('has runnable examples, each with a command and what it prints', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    for (const e of examples) expect(e.command).toMatch(/^npx rulecat /);
  });

  it('matches expected output with … wildcards', () => {
    expect(outputPattern(['a …', '…', 'z']).test('a b\nx\ny\nz\n')).toBe(true);
    expect(outputPattern(['a …', 'z']).test('a b\nx\nz\n')).toBe(false);
  });

  for (const e of examples) {
    it.skipIf(e.shared && !haveShared)(
      `README.md:${e.line}: ${e.command.split('\n')[0]}`,
      () => {
        const cwd = e.shared ? REPO : catalogCopy();
        const command = e.command.replace(/\\\n/g, ' ').replace(/\bnpx rulecat\b/g, `"${process.execPath}" "${BIN}"`);
        const r = spawnSync('sh', ['-c', `${command} 2>&1`], {
          cwd,
          encoding: 'utf8',
          env: { ...process.env, XDG_CACHE_HOME: cache, NO_COLOR: '1' },
        });
        const printed = r.stdout.replace(/[ \t]+$/gm, '');
        if (!outputPattern(e.expected).test(printed))
          expect(printed, `README.md:${e.line} shows another output`).toBe(e.expected.join('\n') + '\n');
        expect(r.status, printed).toBe(e.exit);
      },
      300_000,
    );
  }
});

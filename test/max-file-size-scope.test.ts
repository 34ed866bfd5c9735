/**
 * A library user's configuration's `maxFileSize` holds for the calls made
 * with it: two runs in one process with different limits, even at the same
 * time, each read with their own, whichever configuration was loaded last.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, loadConfig, runPipeline } from '../generator/index.js';
import { copyExampleCatalog } from './tree.js';

describe('the input size limit of a library call', () => {
  it('is the one of the configuration it was given', async () => {
    const root = copyExampleCatalog();
    const big = path.join(root, 'rules', 'windows', 'big_comment.yml');
    // A valid rule of about 2 MiB (a long comment).
    writeFileSync(
      big,
      [
        'title: Big Comment',
        'id: 6f1d1b0e-2c52-4d0f-9a3c-4b8f0f6f2a11',
        'status: test',
        'description: A rule file made large by a comment.',
        'logsource:',
        '    product: windows',
        '    category: process_creation',
        'detection:',
        '    selection:',
        '        Image|endswith: \\big.exe',
        '    condition: selection',
        'level: low',
        `# ${'x'.repeat(2 * 1024 * 1024)}`,
        '',
      ].join('\n'),
    );
    const small = loadConfig({ cwd: root, out: 'out-small', maxFileSize: 1, cache: false }).config;
    const large = loadConfig({ cwd: root, out: 'out-large', maxFileSize: 3, cache: false }).config;
    // `small` was loaded first: with one process-wide limit, the later `large` would have raised it for both.
    const [a, b] = await Promise.all([generate(small), generate(large)]);
    expect(a.diagnostics.filter((d) => d.code === 'file-too-large').map((d) => d.file)).toEqual([
      path.join('rules', 'windows', 'big_comment.yml'),
    ]);
    expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const state = await runPipeline(small, { noMatch: true });
    expect(state.diagnostics.some((d) => d.code === 'file-too-large')).toBe(true);
  });
});

/**
 * Packs of the input cache carry the fingerprint of the rulecat that wrote
 * them: when a new version writes its packs, those of older versions for the
 * same inputs go, so the cache folder does not grow with every upgrade;
 * packs of other inputs stay.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './shared.js';
import { copyExampleCatalog, tempDir } from './tree.js';

// Each run in a new process, as a user's are (a process keeps the packs it opened).
const BIN = path.join(REPO, 'dist', 'generator', 'bin.js');
const run = (args: string[], cwd: string) => execFileSync(process.execPath, [BIN, ...args], { cwd, stdio: 'pipe' });

const packs = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.bin'));

describe('the input cache across versions', () => {
  it('removes the packs of other versions of the same inputs, and only those', () => {
    const root = copyExampleCatalog();
    const cache = tempDir();
    const args = ['generate', '--cache', cache, '--out', 'out'];
    expect(existsSync(BIN), 'the CLI is built (npm run build)').toBe(true);
    run(args, root);
    const current = packs(cache);
    expect(current.length).toBeGreaterThan(2);
    for (const name of current) expect(name).toMatch(/^[a-z~0-9]+-[0-9a-f]{20}-[0-9a-f]{12}\.bin$/);

    // As if an older rulecat had written them: same stems, another fingerprint; the current ones not written yet.
    const older = current.map((n) => n.replace(/-[0-9a-f]{12}\.bin$/, '-0123456789ab.bin'));
    current.forEach((n, i) => renameSync(path.join(cache, n), path.join(cache, older[i])));
    const unrelated = 'rules-ffffffffffffffffffff-0123456789ab.bin'; // the packs of other inputs
    writeFileSync(path.join(cache, unrelated), 'x');
    rmSync(path.join(cache, 'runs'), { recursive: true, force: true });
    rmSync(path.join(cache, 'match'), { recursive: true, force: true });

    run(args, root);
    expect(packs(cache).sort()).toEqual([...current, unrelated].sort());
  });
});

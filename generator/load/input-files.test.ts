import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha1 } from '../hash.js';
import { InputFiles } from './input-files.js';

describe('InputFiles: hashes vouched for by a previous run', () => {
  const file = () => {
    const absolute = path.join(mkdtempSync(path.join(tmpdir(), 'rulecat-files-')), 'a.yml');
    writeFileSync(absolute, 'title: a\n');
    return { absolute, display: 'a.yml' };
  };

  it('gives the vouched hash without reading, and accepts bytes that agree with it', () => {
    const f = file();
    const files = new InputFiles();
    files.trust(f.absolute, sha1(Buffer.from('title: a\n')));
    expect(files.knownHash(f)).toBe(sha1(Buffer.from('title: a\n')));
    expect(files.bytes(f)?.toString()).toBe('title: a\n');
    expect(files.statMismatch).toBe(false);
  });

  it('notices bytes read later that differ from what the stat vouched for (a file changed during the run)', () => {
    const f = file();
    const files = new InputFiles();
    files.trust(f.absolute, sha1(Buffer.from('title: old\n')));
    expect(files.text(f).text).toBe('title: a\n');
    expect(files.statMismatch).toBe(true);
    expect(files.hash(f)).toBe(sha1(Buffer.from('title: a\n')));
  });
});

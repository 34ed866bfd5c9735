/**
 * Where the read-only reference data lives (`../shared` beside the
 * repository). Tests that need it skip with a message naming the path when
 * it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(REPO, '..', 'shared');
export const SHARED_DATA = path.join(SHARED, 'data');

export function shared(...parts: string[]): string {
  return path.join(SHARED, ...parts);
}

/** True when the file or folder exists; otherwise logs once why dependent tests are skipped. */
export function haveShared(...parts: string[]): boolean {
  const p = shared(...parts);
  if (existsSync(p)) return true;
  console.warn(`[skipped] reference data not found at ${p}; tests that read it are skipped`);
  return false;
}

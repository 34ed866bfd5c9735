/**
 * The match of the last run, kept in the cache folder so that a later run in
 * a new process matches only the rules that changed (a docs CI run after a
 * rule edit). One file per set of input folders (`<cache>/match/`), holding:
 *
 * - `env`: a hash of everything a rule's match depends on besides the rule
 *   itself (every intake file, the mapping and table files, the
 *   configuration, rulecat's code). A different `env` means nothing stored
 *   is used;
 * - per rule, by its key (file path, sha1 of the file's bytes, place in the
 *   file): the positions of the intakes it applies to in that run's intake
 *   list (the same list whenever `env` is the same), and the warnings
 *   matching it gave.
 *
 * Like the input cache it never changes results, only skips work whose
 * result is stored; an unreadable file is a full match, a failed write only
 * costs the next run time.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Diagnostic } from '../diagnostics.js';
import { sha1 } from '../hash.js';
import { makeDirs } from './pseudo-fs.js';
import { readBytesOrThrow } from './read-text.js';

export interface StoredRuleMatch {
  /** Positions in the run's intake list, ascending. */
  intakes: number[];
  /** Warnings matching this rule gave (value tests over their step budget). */
  warnings: Diagnostic[];
}

export interface MatchMemo {
  env: string;
  rules: Map<string, StoredRuleMatch>;
}

const VERSION = 1;

function memoFile(cacheDir: string, roots: readonly string[]): string {
  return path.join(cacheDir, 'match', `${sha1(JSON.stringify(roots.map((r) => path.resolve(r)))).slice(0, 20)}.bin`);
}

/** The stored match for these input folders, or undefined (none, unreadable, or of another format). */
export function readMatchMemo(cacheDir: string, roots: readonly string[]): MatchMemo | undefined {
  try {
    const value = deserialize(readBytesOrThrow(memoFile(cacheDir, roots), { kind: 'cache' })) as {
      version?: unknown;
      env?: unknown;
      rules?: unknown;
    };
    if (value?.version !== VERSION || typeof value.env !== 'string' || !(value.rules instanceof Map)) return undefined;
    return { env: value.env, rules: value.rules as Map<string, StoredRuleMatch> };
  } catch {
    return undefined;
  }
}

/** Store the match atomically (temporary file and rename); failures are ignored. */
export function writeMatchMemo(cacheDir: string, roots: readonly string[], memo: MatchMemo): void {
  const file = memoFile(cacheDir, roots);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDirs(path.dirname(file));
    writeFileSync(tmp, serialize({ version: VERSION, env: memo.env, rules: memo.rules }));
    renameSync(tmp, file);
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the cache folder itself is unusable: nothing was written
    }
  }
}

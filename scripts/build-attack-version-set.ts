#!/usr/bin/env node
/**
 * CLI: writes the techniques of an older ATT&CK Enterprise release
 * (generator/data/attack-enterprise-v13.json), which compat layers need to
 * say honestly which ATT&CK version they hold (docs/format.md#compat-layer).
 *
 *   node dist/scripts/build-attack-version-set.js --current attack-enterprise.json \
 *     --version 13.1 [--out FILE] RELEASE...
 *
 * `--current` is the current ATT&CK data (the compact table scripts/build-attack-table.ts
 * reads, whose `revoked_by` tells techniques of one name apart, or a rulecat table);
 * each RELEASE is MITRE's release notes of one release after `--version`: an
 * "Updates - <Month Year>" page of the ATT&CK website (markdown) or a changelog
 * layer (`layer-enterprise.json`). Every release since must be given.
 *
 * Exit codes: 0 success, 1 I/O failure, 2 invalid arguments or input.
 */
import { readFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  countIds,
  currentTechniques,
  deriveVersionSet,
  readChangelogLayer,
  readReleasePage,
  VERSION_SET_FORMAT,
  type ReleaseChanges,
  type VersionSet,
} from './attack-version-set.js';
import { writeFileAtomic } from './build-attack-table.js';

export const DEFAULT_OUT = path.join('generator', 'data', 'attack-enterprise-v13.json');

const USAGE = `usage: build-attack-version-set --current FILE --version X [--out ${DEFAULT_OUT}] RELEASE...
  --current FILE  current ATT&CK data (compact table or rulecat table)
  --version X     the older release to describe (e.g. 13.1)
  RELEASE...      MITRE release notes of every later release (updates page .md or changelog layer .json)`;

export async function runBuildVersionSet(
  argv: string[],
  io = { cwd: process.cwd(), stdout: console.log, stderr: console.error },
): Promise<number> {
  const flags = new Map<string, string>();
  const releases: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '-h' || argv[i] === '--help') return (io.stdout(USAGE), 0);
    if (['--current', '--version', '--out'].includes(argv[i]) && argv[i + 1]) flags.set(argv[i], argv[++i]);
    else if (argv[i].startsWith('--')) return (io.stderr(`error: unexpected ${argv[i]}\n${USAGE}`), 2);
    else releases.push(argv[i]);
  }
  const [currentFile, version] = [flags.get('--current'), flags.get('--version')];
  if (!currentFile || !version || releases.length === 0) return (io.stderr(`error: missing arguments\n${USAGE}`), 2);
  const read = async (file: string) => readFile(path.resolve(io.cwd, file), 'utf8');
  let current;
  const changes: ReleaseChanges[] = [];
  try {
    const data = JSON.parse(await read(currentFile)) as Record<string, unknown>;
    current = currentTechniques(data);
    if (!current) return (io.stderr(`error: ${currentFile} has no "techniques" list`), 2);
    for (const file of releases) {
      const text = await read(file);
      changes.push(
        file.endsWith('.json')
          ? readChangelogLayer(JSON.parse(text), path.basename(file))
          : readReleasePage(text, path.basename(file)),
      );
    }
    const { techniques, problems } = deriveVersionSet(current, changes);
    for (const p of problems) io.stderr(`error: ${p}`);
    if (problems.length > 0) return 2;
    const domain = typeof data.domain === 'string' ? data.domain : 'enterprise-attack';
    const set: VersionSet = {
      format: VERSION_SET_FORMAT,
      domain,
      version,
      source: `derived by scripts/build-attack-version-set.ts from ${path.basename(currentFile)} (ATT&CK ${String(data.attack_version ?? data.version)}) and the release notes ${changes.map((c) => c.source).join(', ')}`,
      techniques,
    };
    const out = flags.get('--out') ?? DEFAULT_OUT;
    await writeFileAtomic(path.resolve(io.cwd, out), JSON.stringify(set, null, 1) + '\n');
    const n = countIds(techniques);
    io.stdout(`ATT&CK ${domain} v${version}: ${n.techniques} techniques, ${n.subtechniques} sub-techniques -> ${out}`);
    return 0;
  } catch (error) {
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

const invoked = process.argv[1] ? pathToFileURL(realpathSync(process.argv[1])).href : '';
if (import.meta.url === invoked) process.exitCode = await runBuildVersionSet(process.argv.slice(2));

#!/usr/bin/env node
/**
 * CLI: converts MITRE ATT&CK Enterprise data (STIX bundle or compact table)
 * into the table shipped at generator/data/attack-enterprise.json.
 *
 *   node dist/scripts/build-attack-table.js <input.json> [--out FILE] [--version X]
 *
 * Exit codes: 0 success, 1 I/O failure, 2 invalid arguments or input.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { convertAttack, countByStatus, serializeAttackTable, type AttackTable } from './attack-table.js';

export const DEFAULT_OUT = path.join('generator', 'data', 'attack-enterprise.json');

const USAGE = `usage: build-attack-table <input.json> [--out ${DEFAULT_OUT}] [--version X]
  <input.json>   MITRE ATT&CK STIX bundle or compact ATT&CK table (detected from content)
  --out FILE     where to write the table (default: ${DEFAULT_OUT}, relative to the working directory)
  --version X    ATT&CK version to record when the input declares none`;

export interface CliArgs {
  input: string;
  out: string;
  version?: string;
}

export interface CliIo {
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

type ParsedArgs = { kind: 'run'; args: CliArgs } | { kind: 'help' } | { kind: 'error'; message: string };

export function parseCliArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '-h' || arg === '--help') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inlineValue] = splitFlag(arg);
    if (name !== '--out' && name !== '--version') return { kind: 'error', message: `unknown option ${name}` };
    const value = inlineValue ?? argv[index + 1];
    if (value === undefined || value === '') return { kind: 'error', message: `${name} needs a value` };
    if (inlineValue === undefined) index += 1;
    flags.set(name, value);
  }
  if (positional.length !== 1) {
    return {
      kind: 'error',
      message: positional.length === 0 ? 'missing input file' : `expected one input file, got ${positional.length}`,
    };
  }
  return {
    kind: 'run',
    args: { input: positional[0], out: flags.get('--out') ?? DEFAULT_OUT, version: flags.get('--version') },
  };
}

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals < 0 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

export function summarizeTable(table: AttackTable, outPath: string): string {
  const counts = countByStatus(table);
  return (
    `ATT&CK ${table.domain} v${table.version}: ${table.tactics.length} tactics, ${table.techniques.length} techniques ` +
    `(${counts.active} active, ${counts.deprecated} deprecated, ${counts.revoked} revoked) -> ${outPath}`
  );
}

/** Writes via a temp file in the target folder + rename, so readers never see a half-written table. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });
  const temp = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  // A UTF-8 byte-order mark is legal in files but rejected by JSON.parse.
  return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
}

export async function runBuildAttackTable(argv: string[], io: CliIo = createProcessIo()): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr(`error: ${parsed.message}\n${USAGE}`);
    return 2;
  }
  const { input, out, version } = parsed.args;
  const inputPath = path.resolve(io.cwd, input);

  let data: unknown;
  try {
    data = await readJsonFile(inputPath);
  } catch (error) {
    io.stderr(`error: cannot read ${input} as JSON: ${describeError(error)}`);
    return 2;
  }

  const result = convertAttack(data, { version, sourceName: path.basename(inputPath) });
  for (const warning of result.warnings) io.stderr(`warning: ${warning}`);
  if (result.errors.length > 0) {
    for (const message of result.errors) io.stderr(`error: ${message}`);
    io.stderr(`error: ${input} is not valid ATT&CK input (${result.errors.length} error(s)); nothing written`);
    return 2;
  }

  try {
    await writeFileAtomic(path.resolve(io.cwd, out), serializeAttackTable(result.table));
  } catch (error) {
    io.stderr(`error: cannot write ${out}: ${describeError(error)}`);
    return 1;
  }
  io.stdout(summarizeTable(result.table, out));
  return 0;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function createProcessIo(): CliIo {
  return {
    cwd: process.cwd(),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  let resolved = path.resolve(entry);
  try {
    // Symlinked entry points (npm bin links) must still count as "run as main".
    resolved = realpathSync(resolved);
  } catch {
    return false;
  }
  return import.meta.url === pathToFileURL(resolved).href;
}

if (isMainModule()) {
  process.exitCode = await runBuildAttackTable(process.argv.slice(2));
}

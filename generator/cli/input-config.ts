/**
 * Configuration from the input flags shared by every command.
 */
import path from 'node:path';
import { resolveConfig, type Config } from '../config.js';
import type { Loaded } from '../build.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.js';
import { UsageError, type ParsedArgs } from './args.js';
import { applyAttributionFlag, docsOverrides } from './docs-flags.js';

export function configFromArgs(args: ParsedArgs, cwd: string): { config: Config; diagnostics: Diagnostic[] } {
  const v = args.values;
  const list = (name: string) => (v[name] as string[] | undefined)?.map((p) => path.resolve(cwd, p));
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const match = str('match');
  if (match !== undefined && match !== 'default' && match !== 'strict') throw new UsageError(`Unexpected --match ${match}, expected default or strict`);
  const resolved = resolveConfig(cwd, str('config'), {
    rules: list('rules'),
    intakes: list('intakes'),
    out: str('out') && path.resolve(cwd, str('out')!),
    templates: str('templates') && path.resolve(cwd, str('templates')!),
    match: match as Config['match'] | undefined,
    fieldMapping: str('field-mapping') && path.resolve(cwd, str('field-mapping')!),
    logsources: str('logsources') && path.resolve(cwd, str('logsources')!),
    cache: v['no-cache'] === true ? false : str('cache') && path.resolve(cwd, str('cache')!),
    nearMiss: v['near-miss'] === true ? true : undefined,
    ...docsOverrides(args, cwd),
  });
  return { ...resolved, config: applyAttributionFlag(resolved.config, args, cwd) };
}

/** Configuration and catalog for a command that reads inputs; undefined (errors printed) when they are invalid. */
export async function loadForCommand(args: ParsedArgs, io: { stderr: (s: string) => void; cwd: string }): Promise<{ config: Config; loaded: Loaded } | undefined> {
  const { config, diagnostics: configProblems } = configFromArgs(args, io.cwd);
  const { loadCatalog } = await import('../build.js');
  const loaded = loadCatalog(config);
  const problems = [...configProblems, ...loaded.diagnostics];
  if (!hasErrors(problems)) return { config, loaded };
  for (const d of problems.filter((p) => p.severity === 'error')) io.stderr(formatDiagnostic(d) + '\n');
  return undefined;
}

/**
 * Command-line arguments: `--flag value`, `--flag=value`, boolean `--flag`,
 * and list flags that take every following value (`--rules a b --intakes c`)
 * or repeat (`--rules a --rules b`).
 */

export interface FlagSpec {
  type: 'string' | 'boolean' | 'list';
  short?: string;
}

export type ParsedArgs = { values: Record<string, string | boolean | string[]>; positionals: string[] };

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([name, s]) => [s.short!, name]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      name = byShort.get(arg.slice(1));
      if (!name) throw new UsageError(`Unknown option ${arg}`);
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`Unknown option --${name}, expected one of: ${Object.keys(specs).map((s) => `--${s}`).join(', ')}`);
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`Option --${name} takes no value`);
      values[name] = true;
    } else if (spec.type === 'string') {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`Option --${name} needs a value`);
      values[name] = v;
    } else {
      const list = (values[name] as string[] | undefined) ?? [];
      if (inline !== undefined) list.push(inline);
      else {
        while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) list.push(argv[++i]);
      }
      if (list.length === 0) throw new UsageError(`Option --${name} needs at least one value`);
      values[name] = list;
    }
  }
  return { values, positionals };
}

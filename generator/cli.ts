/**
 * `rulecat` command line: flags → library calls → exit codes. Nothing else.
 * Exit codes: 0 done, 1 `--check` found differences, 2 invalid input, usage or write failure.
 */
import { parseArgs, UsageError, type FlagSpec } from './cli/args.js';
import { commands, type Command } from './cli/commands.js';

export const USAGE = `Usage: rulecat <command> [options]

Commands:
  generate   Write pages and layers for every intake (default command)
  explain    Why a rule applies or not to an intake: --rule ID|TITLE --intake UUID|NAME|SLUG [--json]
  gaps       Missing fields that would unlock rules: --intake UUID|NAME|SLUG [--limit N] | --all [--json]
  preview    Print one intake's page: --intake UUID|NAME|SLUG [--html] [--timings]
  serve      Live preview on http://127.0.0.1:PORT/: [--port N] [--open]
  audit      Check a docs site's include lines: --docs DIR [--out DIR] [--json]; exit 1 when something is found

Input options (all commands; default: rulecat.config.yaml in the working directory):
  --config FILE          configuration file
  --rules DIR...         rule folders (Sigma YAML)
  --intakes DIR...       intake folders (intake-formats layout)
  --templates DIR        template folder
  --match default|strict how rules are matched to intakes
  --rules-index FILE     a published rules_index.json as the rule set (instead of --rules)
  --attack FILE          ATT&CK table (default: the shipped Enterprise table)
  --field-mapping FILE   rename Sigma field names per log source before matching
  --logsources FILE      log-source evidence entries replacing the shipped ones
  --cache DIR            cache of parsed inputs (default ~/.cache/rulecat); --no-cache: none

generate:
  --out DIR              output folder
  --check                write nothing; list what would change; exit 1 if anything would
  --json                 print a machine-readable summary on stdout
  --date YYYY-MM-DD      date of the catalog and changelog pages (default: newest changelog date)
  --layer-style compat|rich|both  Navigator layers as the model's (compat), layer format 4.5 (rich), or compat with rich beside it (both)
  --attribution          add author, source link and license notice to rule blocks
  --lock-timeout SECONDS wait this long for another run writing the same folder (default 30)
  --near-miss            add the rules one missing field away to each intake page
  --timings              print the time of each phase on stderr

Exit codes: 0 done, 1 --check found differences, 2 invalid input, usage or write failure.`;

export async function main(argv: readonly string[], io: { stdout: (s: string) => void; stderr: (s: string) => void; cwd: string }): Promise<number> {
  const [first, ...rest] = argv;
  const name = first === undefined || first.startsWith('-') ? 'generate' : first;
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  if (name === 'help' || args.includes('--help') || args.includes('-h')) {
    io.stdout(USAGE + '\n');
    return 0;
  }
  const command: Command | undefined = commands[name];
  if (!command) {
    io.stderr(`rulecat: unknown command "${name}", expected one of: ${Object.keys(commands).join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const parsed = parseArgs(args, command.flags as Record<string, FlagSpec>);
    return await command.run(parsed, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`rulecat ${name}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** Run the CLI as a process: argv, the process's streams and working directory; sets the exit code. */
export function runProcess(): Promise<void> {
  return main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`rulecat: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

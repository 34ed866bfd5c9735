/**
 * `rulecat` command line: flags → library calls → exit codes. Nothing else.
 * Exit codes: 0 done, 1 `--check` found differences, 2 invalid input, usage or write failure.
 */
import { parseArgs, UsageError, type FlagSpec } from './cli/args.js';
import { commands, type Command } from './cli/commands.js';

export const USAGE = `Usage: rulecat <command> [options]

Commands:
  generate   Write pages and layers for every intake (default command)

Input options (all commands; default: rulecat.config.yaml in the working directory):
  --config FILE          configuration file
  --rules DIR...         rule folders (Sigma YAML)
  --intakes DIR...       intake folders (intake-formats layout)
  --templates DIR        template folder
  --match default|strict how rules are matched to intakes

generate:
  --out DIR              output folder
  --check                write nothing; list what would change; exit 1 if anything would
  --json                 print a machine-readable summary on stdout

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

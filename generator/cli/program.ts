/**
 * The `rulecat` command line on commander: commands, their options, help
 * with examples, `--version`, suggestions for mistyped commands and options.
 * Each command's code is imported only when that command runs, so start-up
 * stays small. Exit codes: 0 done, 1 `--check` (or `audit`) found
 * something, 2 invalid input, invalid usage or a write failure.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { PACKAGE_ROOT } from '../package-paths.js';
import { addInputOptions, addPageOptions, type OptionValues } from './input-options.js';
import { UsageError, type IO } from './io.js';
import { FSYNC_MODES } from '../write/apply-output.js';

export const COMMANDS = ['generate', 'explain', 'gaps', 'preview', 'serve', 'audit'] as const;

/** The package's version (package.json). */
export function version(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ npx ${l}`).join('\n')}\n`;

type Run = (options: OptionValues, io: IO) => Promise<number>;

/** Commands that answer a question, and what their exit codes say. */
const ANSWERS = ['explain', 'gaps', 'preview'];
const ANSWER_EXITS =
  '\nExit codes: 0 answered; 3 answered, but other rule files or intake folders have errors: they are\n' +
  'listed on stderr and left out, and the answer is the one the inputs give without them; 2 no answer\n' +
  '(unknown or ambiguous name, the rule or intake asked about has errors, invalid configuration or usage).\n';

/** Build the program; `done` receives the exit code of the command that ran. */
function program(io: IO, done: (code: number) => void): Command {
  const root = new Command('rulecat')
    .description(
      'Detection-rule documentation: Sigma rules × intake parsers → MkDocs pages and ATT&CK Navigator layers.',
    )
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help (also: rulecat <command> --help)')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(`rulecat: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .addHelpText(
      'after',
      '\nWithout a command, rulecat runs generate.\n' +
        'Exit codes: 0 done; 1 generate --check found differences, audit found problems; 2 no answer (invalid input,\n' +
        'usage, unknown name, the rule or intake asked about is broken, write failure); 3 explain, gaps or preview\n' +
        'answered, but other rule files or intake folders have errors (left out of the answer, listed on stderr).\n' +
        'With --json, every outcome is one JSON object on stdout with schemaVersion (docs/schemas/).\n',
    );
  const add = (name: string, description: string, run: Run, configure: (c: Command) => Command, help: string[]) => {
    const command = root
      .command(name)
      .description(description)
      .allowExcessArguments(false)
      .exitOverride()
      .configureOutput({
        writeOut: io.stdout,
        writeErr: io.stderr,
        outputError: (text, write) => write(`rulecat ${name}: ${text.replace(/^error: /, '')}`),
      });
    configure(command).addHelpText('after', examples(help) + (ANSWERS.includes(name) ? ANSWER_EXITS : ''));
    command.action(async (options: OptionValues) => done(await run(options, io)));
    return command;
  };

  add(
    'generate',
    'Write pages and layers for every intake (the default command)',
    async (o, io) => (await import('./generate-command.js')).runGenerate(o, io),
    (c) =>
      addPageOptions(addInputOptions(c))
        .option('--out <dir>', 'output folder')
        .option('--check', 'write nothing; list what would change; exit 1 if anything would')
        .option('--json', 'print a machine-readable summary on stdout (also on errors)')
        .option('--quiet', 'no progress line, no summary line')
        .option('--date <yyyy-mm-dd>', 'date of the catalog and changelog pages (default: newest changelog date)')
        .option('--lock-timeout <seconds>', 'wait this long for another run writing the same folder (default 30)')
        .addOption(
          new Option(
            '--fsync <when>',
            'flush written files to disk: the folders once at the end (end, default) or every file (each)',
          ).choices(FSYNC_MODES),
        )
        .option('--timings', 'print the time of each phase on stderr'),
    [
      'rulecat generate',
      'rulecat generate --check',
      'rulecat generate --rules rules more-rules --intakes intakes --out docs/generated',
      'rulecat generate --json > summary.json',
    ],
  );
  add(
    'explain',
    'Why a rule applies, or not, to an intake',
    async (o, io) => (await import('./explain-command.js')).runExplain(o, io),
    (c) =>
      addInputOptions(c)
        .requiredOption('--rule <id-or-title>', 'the rule: id or title')
        .requiredOption('--intake <uuid-name-or-slug>', 'the intake: uuid, name or slug')
        .option('--json', 'print the explanation as JSON (also on errors)')
        .option('--quiet', 'no progress line'),
    [
      'rulecat explain --rule "Okta Sign-In Failure" --intake "Okta System Log"',
      'rulecat explain --rule 1a2b3c4d --intake okta-system-log --json',
    ],
  );
  add(
    'gaps',
    'Missing fields that would make more rules apply',
    async (o, io) => (await import('./gaps-command.js')).runGaps(o, io),
    (c) =>
      addInputOptions(c)
        .option('--intake <uuid-name-or-slug>', 'the intake to look at')
        .option('--all', 'every intake, and the fields that would help most across intakes')
        .option('--limit <n>', 'suggestions shown per intake (default 20, 5 with --all)')
        .option('--json', 'print the suggestions as JSON (also on errors)')
        .option('--quiet', 'no progress line'),
    [
      'rulecat gaps --intake "Okta System Log"',
      'rulecat gaps --all --limit 3',
      'rulecat gaps --all --json > gaps.json',
    ],
  );
  add(
    'preview',
    "Print one intake's page as generate writes it",
    async (o, io) => (await import('./preview-command.js')).runPreview(o, io),
    (c) =>
      addPageOptions(addInputOptions(c))
        .requiredOption('--intake <uuid-name-or-slug>', 'the intake: uuid, name or slug')
        .option('--html', 'a standalone HTML page instead of markdown')
        .option('--timings', 'print the time of each phase on stderr')
        .option('--quiet', 'no progress line'),
    ['rulecat preview --intake "Okta System Log"', 'rulecat preview --intake okta-system-log --html > okta.html'],
  );
  add(
    'serve',
    'Live preview of every page on http://127.0.0.1:PORT/, updated as files change',
    async (o, io) => (await import('./serve-command.js')).runServe(o, io),
    (c) =>
      addPageOptions(addInputOptions(c))
        .option('--port <n>', 'port (0: any free port)', '8137')
        .option('--open', 'open the preview in a browser'),
    ['rulecat serve', 'rulecat serve --port 0 --open'],
  );
  add(
    'audit',
    "Check a docs site's include lines against the generated pages; exit 1 when something is found",
    async (o, io) => (await import('./audit-command.js')).runAudit(o, io),
    (c) =>
      c
        .requiredOption('--docs <dir>', 'the docs folder to audit')
        .option('--out <dir>', 'the folder of generated pages (default: found from the include lines)')
        .option('--json', 'print the report as JSON (also on errors)'),
    ['rulecat audit --docs docs', 'rulecat audit --docs docs --out docs/_shared_content/generated --json'],
  );
  return root;
}

/** Arguments with `generate` put first when no command is named (`rulecat`, `rulecat --check`). */
function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  const asksTool = first === '-h' || first === '--help' || first === '-V' || first === '--version' || first === 'help';
  if (first === undefined || (first.startsWith('-') && !asksTool)) return ['generate', ...argv];
  return [...argv];
}

/** With `--json`, a usage error is also a JSON envelope on stdout (exit 2). */
async function usageJson(argv: readonly string[], io: IO, message: string, code: string): Promise<void> {
  if (!argv.includes('--json')) return;
  const { envelope, printJson, usageProblem } = await import('./envelope.js');
  const name = argv[0] && (COMMANDS as readonly string[]).includes(argv[0]) ? argv[0] : 'generate';
  printJson(io, envelope(name, 2, {}, [usageProblem(message, code)]));
}

export async function main(argv: readonly string[], io: IO): Promise<number> {
  let code = 0;
  const args = withDefaultCommand(argv);
  const root = program(io, (c) => (code = c));
  try {
    await root.parseAsync(args, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      await usageJson(args, io, e.message.replace(/^error: /, ''), 'usage');
      return 2;
    }
    if (e instanceof UsageError) {
      const name = args[0] && (COMMANDS as readonly string[]).includes(args[0]) ? args[0] : 'generate';
      io.stderr(`rulecat ${name}: ${e.message}\n`);
      await usageJson(args, io, e.message, 'usage');
      return 2;
    }
    throw e;
  }
}

/** Run the CLI as a process: argv, the process's streams and working directory; sets the exit code. */
export function runProcess(): Promise<void> {
  // A reader that stops early (`rulecat --help | head`) is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? 0);
    });
  }
  return main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    stderrIsTTY: process.stderr.isTTY === true,
    stderrColumns: process.stderr.columns,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    async (e: unknown) => {
      process.stderr.write(`rulecat: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      await usageJson(
        withDefaultCommand(process.argv.slice(2)),
        { stdout: (s) => process.stdout.write(s), stderr: () => undefined, cwd: process.cwd() },
        `internal error: ${e instanceof Error ? e.message : String(e)}`,
        'internal-error',
      );
      process.exitCode = 2;
    },
  );
}

/**
 * The commands and their flags. Each command's code is imported only when
 * that command runs, so start-up stays small.
 */
import type { FlagSpec, ParsedArgs } from './args.js';

export interface IO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

export interface Command {
  flags: Record<string, FlagSpec>;
  run(args: ParsedArgs, io: IO): Promise<number>;
}

export const INPUT_FLAGS: Record<string, FlagSpec> = {
  config: { type: 'string' },
  rules: { type: 'list' },
  intakes: { type: 'list' },
  templates: { type: 'string' },
  match: { type: 'string' },
};

export const commands: Record<string, Command> = {
  generate: {
    flags: { ...INPUT_FLAGS, out: { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' } },
    run: async (args, io) => (await import('./generate-command.js')).runGenerate(args, io),
  },
};

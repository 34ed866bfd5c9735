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
  'field-mapping': { type: 'string' },
  logsources: { type: 'string' },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'rules-index': { type: 'string' },
  attack: { type: 'string' },
};

export const commands: Record<string, Command> = {
  explain: {
    flags: { ...INPUT_FLAGS, rule: { type: 'string' }, intake: { type: 'string' }, json: { type: 'boolean' } },
    run: async (args, io) => (await import('./explain-command.js')).runExplain(args, io),
  },
  gaps: {
    flags: { ...INPUT_FLAGS, intake: { type: 'string' }, all: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    run: async (args, io) => (await import('./gaps-command.js')).runGaps(args, io),
  },
  generate: {
    flags: { ...INPUT_FLAGS, out: { type: 'string' }, check: { type: 'boolean' }, json: { type: 'boolean' }, timings: { type: 'boolean' }, 'near-miss': { type: 'boolean' }, date: { type: 'string' }, 'layer-style': { type: 'string' }, attribution: { type: 'boolean' }, 'lock-timeout': { type: 'string' } },
    run: async (args, io) => (await import('./generate-command.js')).runGenerate(args, io),
  },
  preview: {
    flags: { ...INPUT_FLAGS, intake: { type: 'string' }, html: { type: 'boolean' }, timings: { type: 'boolean' }, 'layer-style': { type: 'string' }, attribution: { type: 'boolean' }, 'near-miss': { type: 'boolean' } },
    run: async (args, io) => (await import('../preview/preview-command.js')).runPreview(args, io),
  },
  serve: {
    flags: { ...INPUT_FLAGS, port: { type: 'string' }, open: { type: 'boolean' }, 'layer-style': { type: 'string' }, attribution: { type: 'boolean' }, 'near-miss': { type: 'boolean' } },
    run: async (args, io) => (await import('../serve/serve-command.js')).runServe(args, io),
  },
  audit: {
    flags: { docs: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
    run: async (args, io) => (await import('./audit-command.js')).runAudit(args, io),
  },
};

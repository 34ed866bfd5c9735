/**
 * A worker thread that parses input files for the prefill
 * (`parallel-prefill.ts`): it receives the files' bytes (read once, on the
 * main thread), returns the models the input cache keeps for them. Pure work:
 * no file is read or written here.
 */
import { parentPort } from 'node:worker_threads';
import type { RuleOptions } from '../model/rule.js';
import type { TextSource } from './input-files.js';
import { readIntakeFolder, type IntakeFolder, type IntakeOptions } from './read-intakes.js';
import { parseRuleBytes } from './read-rules.js';
import { decodeUtf8 } from './read-text.js';
import { leavePositionedElsewhere, PositionedElsewhere } from './read-yaml.js';
import { packPlaces } from '../model/intake-places.js';

export interface WorkRequest {
  rules: { display: string; bytes: Uint8Array }[];
  /** Each folder with the bytes of its files (and of its module manifest), by absolute path. */
  intakes: { folder: IntakeFolder; contents: [string, Uint8Array][] }[];
  ruleOptions: RuleOptions;
  intakeOptions: IntakeOptions;
}

/** A result not computed here: the item needs the positioned YAML reading, left to the main thread. */
export const LEFT = '\u0000left-to-the-main-thread';

/** One model per requested item (or LEFT), rules first then intakes, in request order. */
export type WorkResult = unknown[];

/** `f()`, or LEFT when it needs the positioned reading on a thread that leaves it elsewhere. */
function unlessPositioned(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (e instanceof PositionedElsewhere) return LEFT;
    throw e;
  }
}

function work(request: WorkRequest): WorkResult {
  const out: WorkResult = [];
  for (const file of request.rules)
    out.push(unlessPositioned(() => parseRuleBytes(file.display, file.bytes, request.ruleOptions)));
  for (const { folder, contents } of request.intakes) {
    const bytes = new Map(contents);
    const source: TextSource = (f) => {
      const b = bytes.get(f.absolute);
      // Every file of the folder was sent (unreadable folders are parsed on the main thread).
      return b === undefined ? { text: undefined, diagnostics: [] } : decodeUtf8(f.display, b);
    };
    out.push(
      unlessPositioned(() => {
        const result = readIntakeFolder(folder, request.intakeOptions, source);
        if (result.intake) packPlaces(result.intake); // sent and stored packed (read-intakes.ts)
        return result;
      }),
    );
  }
  return out;
}

// A worker leaves the texts that need the yaml package to the main thread (which loads it anyway).
if (parentPort) leavePositionedElsewhere();

parentPort?.on('message', (request: WorkRequest) => {
  parentPort!.postMessage(work(request));
});

export { work };

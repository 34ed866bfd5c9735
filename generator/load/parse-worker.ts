/**
 * A worker thread that parses input files for the prefill
 * (`parallel-prefill.ts`): it receives files, returns the models the input
 * cache keeps for them. Pure work, no writes.
 */
import { parentPort } from 'node:worker_threads';
import type { RuleOptions } from '../model/rule.js';
import { sha1 } from '../hash.js';
import { folderHash, readIntakeFolder, type IntakeFolder, type IntakeOptions } from './read-intakes.js';
import { parseRuleBytes } from './read-rules.js';
import { readBytesOrThrow } from './read-text.js';
import type { FoundFile } from './walk-files.js';

export interface WorkRequest {
  rules: FoundFile[];
  intakes: IntakeFolder[];
  ruleOptions: RuleOptions;
  intakeOptions: IntakeOptions;
}

/** One result per requested item, rules first then intakes, in request order (undefined: unreadable, the loader reports it). */
export type WorkResult = ({ hash: string; value: unknown } | undefined)[];

function work(request: WorkRequest): WorkResult {
  const out: WorkResult = [];
  for (const file of request.rules) {
    let bytes: Buffer | undefined;
    try {
      bytes = readBytesOrThrow(file.absolute, { kind: 'rule', noFollow: true });
    } catch {
      bytes = undefined;
    }
    out.push(bytes && { hash: sha1(bytes), value: parseRuleBytes(file.display, bytes, request.ruleOptions) });
  }
  for (const folder of request.intakes) {
    const hash = folderHash(folder);
    out.push(hash === undefined ? undefined : { hash, value: readIntakeFolder(folder, request.intakeOptions) });
  }
  return out;
}

parentPort?.on('message', (request: WorkRequest) => {
  parentPort!.postMessage(work(request));
});

export { work };

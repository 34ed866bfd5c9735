/**
 * Content hashes: sha1 keys the input cache (speed), sha256 records what
 * rulecat wrote (ownership of output files).
 */
import { createHash } from 'node:crypto';

export function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

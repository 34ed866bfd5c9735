/**
 * Preloaded (`node --import`) into the child processes of the bounded-read
 * tests: at exit, prints the process's peak resident memory (`VmHWM` of
 * /proc/self/status) as a last stderr line `VMHWM <kB>`.
 */
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kB = -1;
  try {
    kB = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? -1);
  } catch {
    // not Linux: unknown
  }
  process.stderr.write(`VMHWM ${kB}\n`);
});

/**
 * One measured `rulecat` run for the benchmarks: runs the CLI exactly as
 * `generator/bin.ts` does and, when the process exits, writes what the
 * parent cannot see from outside to the file named by RULECAT_BENCH_REPORT:
 *   {"code": 0, "maxRssKiB": 123456, "userMs": 812, "systemMs": 95}
 *
 *   RULECAT_BENCH_REPORT=/tmp/r.json node dist/scripts/bench-child.js generate --timings ...
 */
import { writeFileSync } from 'node:fs';
import { runProcess } from '../generator/cli/program.js';

export interface ChildReport {
  code: number;
  /** Peak resident set size of the process, KiB. */
  maxRssKiB: number;
  userMs: number;
  systemMs: number;
}

const reportFile = process.env.RULECAT_BENCH_REPORT;

process.on('exit', (code) => {
  if (!reportFile) return;
  const usage = process.resourceUsage();
  const report: ChildReport = {
    code,
    maxRssKiB: usage.maxRSS,
    userMs: usage.userCPUTime / 1000,
    systemMs: usage.systemCPUTime / 1000,
  };
  writeFileSync(reportFile, JSON.stringify(report) + '\n');
});

void runProcess();

/**
 * Child process for the kill and lock tests: runs the built CLI (`dist/`)
 * in the catalog folder and, just before its Nth file-system mutation inside
 * the output folder (0: never), SIGKILLs itself (`kill`) or pauses
 * (`pause:<ms>`). Prints the number of mutations it made when not killed.
 *
 *   node kill-driver.mjs <repo> <N> kill|pause:<ms> <catalog folder> <out folder> generate --rules ...
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installFaults } from './fs-faults.mjs';

const [repo, at, action, cwd, out, ...args] = process.argv.slice(2);
const faults = installFaults({ root: path.resolve(out), at: Number(at), action });
const { main } = await import(pathToFileURL(path.join(repo, 'dist', 'generator', 'cli', 'program.js')).href);
const code = await main(args, { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd });
process.stdout.write(`MUTATIONS ${faults.count()}\n${faults.log.join('\n')}\n`);
process.exitCode = code;

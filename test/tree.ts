/**
 * File trees for tests: build one in a temporary folder, read one back.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const created: string[] = [];
// Temporary folders go when the test process ends (vitest runs each file in a worker process).
process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'rulecat-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Write `files` (relative path → content) under `root` (a new temp folder by default). */
export function writeTree(files: Record<string, string | Uint8Array>, root = tempDir()): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** Every file under `root` (relative path → content), sorted; hidden files included. */
export function readTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(p);
      else out[path.relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  try {
    visit(root);
  } catch {
    // missing folder: empty tree
  }
  return out;
}

/** Run the CLI in-process and capture its streams. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../generator/cli/program.js');
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd });
  return { code, stdout, stderr };
}

export const INTAKE_MANIFEST = (uuid: string, name: string) =>
  `uuid: ${uuid}\nname: ${name}\nslug: ${name.toLowerCase().replace(/\W+/g, '-')}\ndescription: Test intake\n`;

export const PARSER = (fields: Record<string, string>) =>
  `name: test\npipeline:\n  - name: parsed\n    external:\n      name: json.parse-json\n  - name: set_fields\nstages:\n  set_fields:\n    actions:\n      - set:\n${Object.entries(
    fields,
  )
    .map(([k, v]) => `          ${k}: "${v}"`)
    .join('\n')}\n`;

/** A copy of the example catalog (rules, intakes, configuration) in a new temporary folder. */
export function copyExampleCatalog(prefix?: string): string {
  const root = tempDir(prefix);
  for (const name of ['rules', 'intakes', 'rulecat.config.yaml'])
    cpSync(path.join(REPO_ROOT, name), path.join(root, name), { recursive: true });
  return root;
}

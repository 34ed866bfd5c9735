/**
 * Merge the shipped field mappings (generator/data/mappings/*.yaml, in file
 * name order) into one mapping file, for `--field-mapping` until rulecat
 * reads the folder itself:
 *
 *   node dist/scripts/merge-mappings.js OUT.yaml [DIR]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
/** generator/data/mappings from the source tree or from dist/scripts. */
export const SHIPPED_MAPPINGS = path.resolve(
  here,
  here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..',
  'generator',
  'data',
  'mappings',
);

export function mappingFiles(dir = SHIPPED_MAPPINGS): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The entries of every file, in file order, as one `mappings:` document. */
export function mergeMappings(files: readonly string[]): string {
  const mappings: unknown[] = [];
  for (const file of files) {
    const doc = YAML.parse(readFileSync(file, 'utf8')) as { mappings?: unknown };
    if (!Array.isArray(doc?.mappings)) throw new Error(`${file}: expected "mappings:" with a list`);
    mappings.push(...doc.mappings);
  }
  return `# Merged from ${files.map((f) => path.basename(f)).join(', ')}\n${YAML.stringify({ mappings })}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [out, dir] = process.argv.slice(2);
  if (!out) {
    console.error('Usage: node dist/scripts/merge-mappings.js OUT.yaml [DIR]');
    process.exit(2);
  }
  writeFileSync(out, mergeMappings(mappingFiles(dir)));
}

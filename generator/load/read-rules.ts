/**
 * Rules in: every `.yml`/`.yaml` under the rule folders, sorted by path, each
 * document built into a Rule. Files whose bytes did not change since a
 * previous run come from the input cache instead of being parsed again.
 */
import { error, wholeFile, type Diagnostic, type Place } from '../diagnostics.js';
import { buildRule, type Rule, type RuleOptions } from '../model/rule.js';
import { InputCache } from './input-cache.js';
import { sha1 } from '../hash.js';
import { decodeUtf8, readBytes, readText } from './read-text.js';
import { readYamlDocs, type YamlPath } from './read-yaml.js';
import { walkFiles, type FoundFile } from './walk-files.js';

export const isYaml = (name: string) => /\.ya?ml$/i.test(name);

export interface ParsedFile {
  rules: Rule[];
  /** For each rule, the index of its YAML document in the file. */
  docIndexes: number[];
  diagnostics: Diagnostic[];
}

function parseRuleText(file: string, text: string, options: RuleOptions): ParsedFile {
  const out: ParsedFile = { rules: [], docIndexes: [], diagnostics: [] };
  if (text.trim() === '') {
    out.diagnostics.push(error(wholeFile(file), 'empty-file', 'Empty file, expected a Sigma rule'));
    return out;
  }
  const { docs, diagnostics: yamlProblems } = readYamlDocs(file, text);
  out.diagnostics.push(...yamlProblems);
  docs.forEach((doc, i) => {
    if (doc.value === null && docs.length > 1) return; // empty document between `---` separators
    const rule = buildRule(doc, options, out.diagnostics);
    if (rule) {
      out.rules.push(rule);
      out.docIndexes.push(i);
    }
  });
  return out;
}

export function readRuleText(file: string, text: string, options: RuleOptions, diagnostics: Diagnostic[]): Rule[] {
  const parsed = parseRuleText(file, text, options);
  diagnostics.push(...parsed.diagnostics);
  return parsed.rules;
}

/** Places of a cached rule, found by parsing its file again only if a message needs one. */
function lazyPlaces(file: FoundFile, docIndex: number): (path: YamlPath) => Place {
  let docs: ReturnType<typeof readYamlDocs>['docs'] | undefined;
  return (path) => {
    docs ??= readYamlDocs(file.display, readText(file.absolute, file.display).text ?? '').docs;
    return docs[docIndex]?.place(path) ?? { file: file.display, line: 1, col: 1 };
  };
}

export type CachedRuleFile = { rules: Omit<Rule, 'placeOf'>[]; docIndexes: number[]; diagnostics: Diagnostic[] };
type Cached = CachedRuleFile;

/** What the cache keeps of a rule file: its models without closures (places are found again on demand). */
export function parseRuleBytes(display: string, bytes: Uint8Array, options: RuleOptions): CachedRuleFile {
  const { text, diagnostics: textProblems } = decodeUtf8(display, bytes);
  const parsed: ParsedFile =
    text === undefined
      ? { rules: [], docIndexes: [], diagnostics: textProblems }
      : parseRuleText(display, text, options);
  return {
    rules: parsed.rules.map(({ placeOf: _placeOf, ...rest }) => rest),
    docIndexes: parsed.docIndexes,
    diagnostics: parsed.diagnostics,
  };
}

/** One rule file, from the input cache when its bytes did not change. */
export function readRuleFile(file: FoundFile, options: RuleOptions, cache: InputCache<Cached>): ParsedFile {
  const read = readBytes(file.absolute, { kind: 'rule', display: file.display, noFollow: true });
  if (read.bytes === undefined) return { rules: [], docIndexes: [], diagnostics: read.diagnostics };
  const bytes = read.bytes;
  const hash = sha1(bytes);
  const hit = cache.get(file.display, hash);
  if (hit) {
    return {
      rules: hit.rules.map((r, i) => ({ ...r, placeOf: lazyPlaces(file, hit.docIndexes[i]) })),
      docIndexes: hit.docIndexes,
      diagnostics: hit.diagnostics,
    };
  }
  const { text, diagnostics: textProblems } = decodeUtf8(file.display, bytes);
  const parsed: ParsedFile =
    text === undefined
      ? { rules: [], docIndexes: [], diagnostics: textProblems }
      : parseRuleText(file.display, text, options);
  cache.set(file.display, hash, {
    rules: parsed.rules.map(({ placeOf: _placeOf, ...rest }) => rest),
    docIndexes: parsed.docIndexes,
    diagnostics: parsed.diagnostics,
  });
  return parsed;
}

/** The input cache of the rule files under `folder`. */
export function openRuleCache(
  cacheDir: string | undefined,
  folder: string,
  options: RuleOptions,
): InputCache<CachedRuleFile> {
  return InputCache.open<CachedRuleFile>(cacheDir, 'rules', folder, JSON.stringify(options));
}

/** All rules of the given folders, in path order; problems of every file are collected. */
export function readRules(
  folders: readonly string[],
  options: RuleOptions,
  cwd = process.cwd(),
  cacheDir?: string,
): { rules: Rule[]; diagnostics: Diagnostic[]; files: number } {
  const diagnostics: Diagnostic[] = [];
  const rules: Rule[] = [];
  let count = 0;
  for (const folder of folders) {
    const walked = walkFiles(folder, isYaml, cwd);
    diagnostics.push(...walked.diagnostics);
    const cache = openRuleCache(cacheDir, folder, options);
    for (const file of walked.files) {
      const parsed = readRuleFile(file, options, cache);
      rules.push(...parsed.rules);
      diagnostics.push(...parsed.diagnostics);
    }
    count += walked.files.length;
    cache.save();
  }
  return { rules, diagnostics, files: count };
}

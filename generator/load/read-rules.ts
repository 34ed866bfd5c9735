/**
 * Rules in: every `.yml`/`.yaml` under the rule folders, sorted by path, each
 * document built into a Rule.
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { buildRule, type Rule, type RuleOptions } from '../model/rule.js';
import { readText } from './read-text.js';
import { readYamlDocs } from './read-yaml.js';
import { walkFiles, type FoundFile } from './walk-files.js';

const isYaml = (name: string) => /\.ya?ml$/i.test(name);

export function readRuleText(file: string, text: string, options: RuleOptions, diagnostics: Diagnostic[]): Rule[] {
  if (text.trim() === '') {
    diagnostics.push(error(wholeFile(file), 'empty-file', 'Empty file, expected a Sigma rule'));
    return [];
  }
  const { docs, diagnostics: yamlProblems } = readYamlDocs(file, text);
  diagnostics.push(...yamlProblems);
  const rules: Rule[] = [];
  for (const doc of docs) {
    if (doc.value === null && docs.length > 1) continue; // empty document between `---` separators
    const rule = buildRule(doc, options, diagnostics);
    if (rule) rules.push(rule);
  }
  return rules;
}

function readRuleFile(file: FoundFile, options: RuleOptions): { rules: Rule[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { text, diagnostics: textProblems } = readText(file.absolute, file.display);
  if (text === undefined) return { rules: [], diagnostics: textProblems };
  return { rules: readRuleText(file.display, text, options, diagnostics), diagnostics };
}

/** All rules of the given folders, in path order; problems of every file are collected. */
export function readRules(folders: readonly string[], options: RuleOptions, cwd = process.cwd()): { rules: Rule[]; diagnostics: Diagnostic[]; files: number } {
  const diagnostics: Diagnostic[] = [];
  const files: FoundFile[] = [];
  for (const folder of folders) {
    const walked = walkFiles(folder, isYaml, cwd);
    files.push(...walked.files);
    diagnostics.push(...walked.diagnostics);
  }
  const results = files.map((f) => readRuleFile(f, options));
  const rules: Rule[] = [];
  for (const r of results) {
    rules.push(...r.rules);
    diagnostics.push(...r.diagnostics);
  }
  return { rules, diagnostics, files: files.length };
}

/**
 * Rules in: every `.yml`/`.yaml` under the rule folders, sorted by path, each
 * document built into a Rule. Files whose bytes did not change since a
 * previous run come from the input cache instead of being parsed again.
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { buildRule, type Rule, type RuleOptions } from '../model/rule.js';
import { InputCache } from './input-cache.js';
import { decodeUtf8 } from './read-text.js';
import { sha1 } from '../hash.js';
import { InputFiles, isRuleFile, RULE } from './input-files.js';
import { readYamlDocs, YamlLocator } from './read-yaml.js';
import { placeRef, revivePlaces, SourcePlace } from '../model/source-doc.js';
import { walkFiles, type FoundFile } from './walk-files.js';

export const isYaml = isRuleFile;

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

export type StoredRule = Omit<Rule, 'placeOf'>;
export type CachedRuleFile = { rules: StoredRule[]; docIndexes: number[]; diagnostics: Diagnostic[] };

/** What a rule's detection and texts are not: what the catalog checks read, and what says where a rule can apply. */
type HeavyKey = 'description' | 'author' | 'references' | 'dataSources' | 'changelog' | 'detection';
export type LightRule = Omit<StoredRule, HeavyKey>;
/** What a shard keeps of a rule: the rest of it. */
type HeavyRule = Pick<StoredRule, HeavyKey>;

function lightRule(r: StoredRule): LightRule {
  const { description: _d, author: _a, references: _r, dataSources: _s, changelog: _c, detection: _t, ...light } = r;
  return light;
}

function heavyRule(r: StoredRule): HeavyRule {
  const { description, author, references, dataSources, changelog, detection } = r;
  return { description, author, references, dataSources, changelog, detection };
}

/** The index entry of a rule file: its rules without detections and texts, and the shard holding the rest of them. */
interface IndexEntry {
  rules: LightRule[];
  docIndexes: number[];
  diagnostics: Diagnostic[];
  shard: string;
}

/** The shard of a file: by the log source of its first rule (the rules one intake can get are in few shards). */
function shardOf(rules: readonly LightRule[]): string {
  const ls = rules[0]?.logsource;
  return sha1(`${ls?.product ?? ''}\u0000${ls?.category ?? ''}`).slice(0, 8);
}

/**
 * The input cache of the rule files under a folder, in two levels: an index
 * of every file (light rules, diagnostics) and shards of the rest of the rules (detections, texts) by log
 * source, so that a run that needs only the rules fitting one intake
 * deserialises only their shards.
 */
export class RuleCache {
  readonly index: InputCache<IndexEntry>;
  private readonly shards = new Map<string, InputCache<{ rules: HeavyRule[] }>>();

  constructor(
    private readonly cacheDir: string | undefined,
    private readonly folder: string,
    private readonly salt: string,
    /** False: keep entries this run did not use (it read only some shards). */
    private readonly prune = true,
  ) {
    this.index = InputCache.open<IndexEntry>(cacheDir, 'rules', folder, salt);
    this.index.prune = prune;
  }

  shard(key: string): InputCache<{ rules: HeavyRule[] }> {
    let shard = this.shards.get(key);
    if (!shard) {
      shard = InputCache.open<{ rules: HeavyRule[] }>(this.cacheDir, `rules~${key}`, this.folder, this.salt);
      shard.prune = this.prune;
      this.shards.set(key, shard);
    }
    return shard;
  }

  /** Whether a file with these bytes is in the index (without counting a hit). */
  has(display: string, hash: string): boolean {
    return this.index.has(display, hash);
  }

  set(display: string, hash: string, file: CachedRuleFile): void {
    const light = file.rules.map(lightRule);
    const shard = shardOf(light);
    this.index.set(display, hash, { rules: light, docIndexes: file.docIndexes, diagnostics: file.diagnostics, shard });
    if (file.rules.length > 0) this.shard(shard).set(display, hash, { rules: file.rules.map(heavyRule) });
  }

  save(): void {
    this.index.save();
    for (const shard of this.shards.values()) shard.save();
  }
}

/** Rules read back from the cache, their places bound to their file (parsed again only if a message needs one). */
function revived(file: FoundFile, rules: (StoredRule | LightRule)[], hit: IndexEntry, store: InputFiles): ParsedFile {
  const locator = new YamlLocator(file.display, () => store.text(file, RULE).text);
  revivePlaces(rules, () => locator);
  return {
    rules: rules.map((r, i) => ({
      // A light rule (not needed whole by this run) has no detection and empty texts.
      description: '',
      references: [],
      dataSources: [],
      changelog: [],
      ...r,
      placeOf: (path) => new SourcePlace(file.display, placeRef(hit.docIndexes[i], path, 'value'), locator),
    })),
    docIndexes: hit.docIndexes,
    diagnostics: hit.diagnostics,
  };
}

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

/**
 * One rule file (read through `store`), from the input cache when its bytes
 * did not change. With `wanted`, a cached file none of whose rules it wants
 * comes light (from the index only: no detection, empty texts).
 */
export function readRuleFile(
  file: FoundFile,
  options: RuleOptions,
  cache: RuleCache,
  store: InputFiles,
  wanted?: (rule: LightRule) => boolean,
): ParsedFile {
  // Looked up by the hash a previous run's stat vouches for (the file is not read then), stored under the bytes' own.
  const known = store.knownHash(file, RULE);
  if (known === undefined) return { rules: [], docIndexes: [], diagnostics: store.text(file, RULE).diagnostics };
  const hit = cache.index.get(file.display, known);
  if (hit) {
    if (hit.rules.length === 0 || (wanted && !hit.rules.some(wanted))) return revived(file, hit.rules, hit, store);
    const rest = cache.shard(hit.shard).get(file.display, known);
    if (rest && rest.rules.length === hit.rules.length)
      return revived(
        file,
        hit.rules.map((light, i) => ({ ...light, ...rest.rules[i] })),
        hit,
        store,
      );
  }
  const bytes = store.bytes(file, RULE);
  if (bytes === undefined) return { rules: [], docIndexes: [], diagnostics: store.text(file, RULE).diagnostics };
  const hash = store.hash(file, RULE)!;
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

/** The input cache of the rule files under `folder` (`prune` false: keep the entries a run does not use). */
export function openRuleCache(
  cacheDir: string | undefined,
  folder: string,
  options: RuleOptions,
  prune = true,
): RuleCache {
  return new RuleCache(cacheDir, folder, JSON.stringify(options), prune);
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
  const store = new InputFiles();
  let count = 0;
  for (const folder of folders) {
    const walked = walkFiles(folder, isYaml, cwd);
    diagnostics.push(...walked.diagnostics);
    const cache = openRuleCache(cacheDir, folder, options);
    for (const file of walked.files) {
      const parsed = readRuleFile(file, options, cache, store);
      rules.push(...parsed.rules);
      diagnostics.push(...parsed.diagnostics);
    }
    count += walked.files.length;
    cache.save();
  }
  return { rules, diagnostics, files: count };
}

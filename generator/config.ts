/**
 * Configuration: defaults ← `rulecat.config.yaml` ← command-line flags.
 * Paths in the file are relative to the file's folder.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DOCS_KEYS, readDocsConfig, type DocsConfig } from './config-docs.js';
import { error, wholeFile, type Diagnostic } from './diagnostics.js';
import { MiB, readText, setMaxFileSize } from './load/read-text.js';
import { distinctFolders } from './load/walk-files.js';
import { defaultCacheDir } from './load/input-cache.js';
import { readYamlDocs, type YamlDoc } from './load/read-yaml.js';
import type { MatchMode } from './match/evaluate.js';
import { PACKAGE_ROOT, SHIPPED_ATTACK, SHIPPED_LOGSOURCES, SHIPPED_TEMPLATES } from './package-paths.js';
import type { LayerOptions } from './plan/plan-options.js';
import { FSYNC_MODES, type FsyncMode } from './write/apply-output.js';
import { DEFAULT_WORDS } from './plan/words.js';
import { gitHubPlace, rawFolderUrl } from './load/git-origin.js';
import { warning } from './diagnostics.js';
import { DEFAULT_EFFORT_BY_LEVEL, EFFORTS, type Effort, type EffortTable } from './model/effort.js';
import { isMap } from './model/yaml-values.js';

export const CONFIG_FILE = 'rulecat.config.yaml';

export type LayerConfig = LayerOptions;

export interface Config extends DocsConfig {
  /** Folder that paths in messages are shown relative to. */
  cwd: string;
  rules: string[];
  intakes: string[];
  out: string;
  match: MatchMode;
  templates: string;
  platformFields: string[];
  effortByLevel: EffortTable;
  layer: LayerConfig;
  /** Field-mapping files (Sigma field names → intake field names per log source) read after the shipped ones. */
  fieldMapping: string[];
  /** Whether the shipped mappings (generator/data/mappings) apply; `fieldMapping: none` turns them off. */
  shippedMappings: boolean;
  /** pySigma processing pipelines (their field renamings), one more reading of every rule. */
  pipelines: string[];
  /** Log-source evidence table overriding entries of the shipped one. */
  logsources?: string;
  /** Seconds a writing run waits for another one writing the same output folder (default 30). */
  lockTimeout?: number;
  /** When written files are flushed to disk: `end` (default: the folders once, at the end) or `each` (every file). */
  fsync?: FsyncMode;
  /** Folder of the input cache (parsed rules and intakes by content hash), or false for none. */
  cache: string | false;
  /** Add to each intake page the rules one missing field away (off by default: pages stay byte-exact). */
  nearMiss?: boolean;
  /** Where `layer.baseUrl` comes from: --base-url, the configuration file, the output folder's GitHub origin, or the default. */
  baseUrlFrom: 'flag' | 'file' | 'git' | 'default';
  /** Largest input file read, in MiB (default: per kind of file, see load/read-text.ts). */
  maxFileSize?: number;
}

export { PACKAGE_ROOT, SHIPPED_LOGSOURCES };

export const DEFAULT_CONFIG: Config = {
  cwd: '.',
  rules: [],
  intakes: [],
  out: 'output',
  match: 'default',
  templates: SHIPPED_TEMPLATES,
  platformFields: [
    '@timestamp',
    'message',
    'event.dialect',
    'event.dialect_uuid',
    'sekoiaio.intake.dialect',
    'sekoiaio.intake.dialect_uuid',
    'sekoiaio.intake.uuid',
  ],
  effortByLevel: DEFAULT_EFFORT_BY_LEVEL,
  layer: {
    baseUrl:
      'https://raw.githubusercontent.com/SEKOIA-IO/documentation/main/_shared_content/operations_center/detection/generated/',
    navigatorUrl: 'https://mitre-attack.github.io/attack-navigator/#layerURL=',
    versions: { attack: '13', layer: '4.4', navigator: '4.8.2' },
  },
  attack: SHIPPED_ATTACK,
  layerStyle: 'compat',
  cache: defaultCacheDir(),
  fieldMapping: [],
  shippedMappings: true,
  pipelines: [],
  words: DEFAULT_WORDS,
  baseUrlFrom: 'default',
};

/** Values given on the command line (already relative to the working directory). */
export type ConfigOverrides = Partial<
  Pick<
    Config,
    | 'rules'
    | 'intakes'
    | 'out'
    | 'match'
    | 'templates'
    | 'logsources'
    | 'attack'
    | 'rulesIndex'
    | 'date'
    | 'layerStyle'
    | 'cache'
    | 'nearMiss'
    | 'pipelines'
    | 'maxFileSize'
  >
> & {
  /** Mapping files, or `none` (no mapping at all: the shipped ones off). */
  fieldMapping?: string | string[] | 'none';
  /** `--base-url`: where the layers are published. */
  baseUrl?: string;
};

/** The word that turns the shipped mappings off. */
export const NO_MAPPING = 'none';

const KNOWN_KEYS = new Set([
  'rules',
  'intakes',
  'out',
  'match',
  'templates',
  'platformFields',
  'effortByLevel',
  'layer',
  'fieldMapping',
  'pipelines',
  'logsources',
  'lockTimeout',
  'fsync',
  'cache',
  'nearMiss',
  'maxFileSize',
  ...DOCS_KEYS,
]);

function readConfigDoc(doc: YamlDoc, base: string, diagnostics: Diagnostic[]): Partial<Config> {
  const root = doc.value ?? {};
  if (!isMap(root)) {
    diagnostics.push(error(doc.place([]), 'config-type', 'Unexpected value at top level, expected a map of settings'));
    return {};
  }
  const out: Partial<Config> = {};
  const bad = (key: (string | number)[], expected: string) =>
    diagnostics.push(
      error(doc.place(key), 'config-value', `Unexpected value for "${key.join('.')}", expected ${expected}`),
    );
  const paths = (key: 'rules' | 'intakes') => {
    const v = root[key];
    if (v === undefined) return;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
      return bad([key], 'a folder or a list of folders');
    out[key] = list.map((p) => path.resolve(base, p));
  };
  for (const key of Object.keys(root)) {
    if (!KNOWN_KEYS.has(key))
      diagnostics.push(
        error(
          doc.place([key], 'key'),
          'config-unknown',
          `Unknown setting "${key}", expected one of: ${[...KNOWN_KEYS].join(', ')}`,
        ),
      );
  }
  paths('rules');
  paths('intakes');
  if (root.out !== undefined) {
    if (typeof root.out === 'string' && root.out !== '') out.out = path.resolve(base, root.out);
    else bad(['out'], 'a folder');
  }
  if (root.templates !== undefined) {
    if (typeof root.templates === 'string') out.templates = path.resolve(base, root.templates);
    else bad(['templates'], 'a folder');
  }
  if (root.logsources !== undefined) {
    if (typeof root.logsources === 'string' && root.logsources !== '')
      out.logsources = path.resolve(base, root.logsources);
    else bad(['logsources'], 'a file path');
  }
  if (root.fieldMapping !== undefined) {
    const v = root.fieldMapping;
    const list = typeof v === 'string' ? [v] : v;
    if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string' && x !== '')) {
      // `none` turns the shipped mappings off; files listed with it are still read.
      out.shippedMappings = !list.includes(NO_MAPPING);
      out.fieldMapping = list.filter((p: string) => p !== NO_MAPPING).map((p: string) => path.resolve(base, p));
    } else bad(['fieldMapping'], `a mapping file, a list of mapping files, or ${NO_MAPPING} (with or without files)`);
  }
  if (root.pipelines !== undefined) {
    const v = root.pipelines;
    const list = typeof v === 'string' ? [v] : v;
    if (Array.isArray(list) && list.every((x) => typeof x === 'string' && x !== ''))
      out.pipelines = list.map((p: string) => path.resolve(base, p));
    else bad(['pipelines'], 'a pySigma pipeline file or a list of them');
  }
  if (root.nearMiss !== undefined) {
    if (typeof root.nearMiss === 'boolean') out.nearMiss = root.nearMiss;
    else bad(['nearMiss'], 'true or false');
  }
  if (root.cache !== undefined) {
    if (root.cache === false) out.cache = false;
    else if (typeof root.cache === 'string' && root.cache !== '') out.cache = path.resolve(base, root.cache);
    else bad(['cache'], 'a folder, or false for no cache');
  }
  if (root.lockTimeout !== undefined) {
    if (typeof root.lockTimeout === 'number' && root.lockTimeout >= 0 && Number.isFinite(root.lockTimeout))
      out.lockTimeout = root.lockTimeout;
    else bad(['lockTimeout'], 'a number of seconds');
  }
  if (root.fsync !== undefined) {
    if ((FSYNC_MODES as readonly unknown[]).includes(root.fsync)) out.fsync = root.fsync as FsyncMode;
    else bad(['fsync'], FSYNC_MODES.join(' or '));
  }
  if (root.maxFileSize !== undefined) {
    if (typeof root.maxFileSize === 'number' && root.maxFileSize > 0 && Number.isFinite(root.maxFileSize))
      out.maxFileSize = root.maxFileSize;
    else bad(['maxFileSize'], 'a size in MiB');
  }
  if (root.match !== undefined) {
    if (root.match === 'default' || root.match === 'strict') out.match = root.match;
    else bad(['match'], 'default or strict');
  }
  if (root.platformFields !== undefined) {
    const v = root.platformFields;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out.platformFields = v as string[];
    else bad(['platformFields'], 'a list of field names');
  }
  if (root.effortByLevel !== undefined) {
    const v = root.effortByLevel;
    if (isMap(v) && Object.values(v).every((x) => (EFFORTS as readonly unknown[]).includes(x)))
      out.effortByLevel = v as Record<string, Effort>;
    else bad(['effortByLevel'], `a map of level: ${EFFORTS.join('|')}`);
  }
  if (root.layer !== undefined) {
    const v = root.layer;
    if (!isMap(v)) bad(['layer'], 'a map with baseUrl, navigatorUrl, versions');
    else {
      const layer = { ...DEFAULT_CONFIG.layer, versions: { ...DEFAULT_CONFIG.layer.versions } };
      for (const key of ['baseUrl', 'navigatorUrl', 'ruleUrl'] as const) {
        if (v[key] === undefined) continue;
        if (typeof v[key] === 'string') layer[key] = v[key] as string;
        else bad(['layer', key], 'a URL');
      }
      if (typeof v.baseUrl === 'string') out.baseUrlFrom = 'file';
      if (v.versions !== undefined) {
        if (isMap(v.versions) && Object.values(v.versions).every((x) => typeof x === 'string'))
          Object.assign(layer.versions, v.versions);
        else bad(['layer', 'versions'], 'a map of attack, layer, navigator version strings');
      }
      out.layer = layer;
    }
  }
  Object.assign(out, readDocsConfig(doc, root, base, diagnostics));
  return out;
}

/**
 * Resolve the configuration. `configPath` is read when given (it must exist);
 * otherwise `rulecat.config.yaml` in `cwd` is read when present.
 */
export function resolveConfig(
  cwd: string,
  configPath: string | undefined,
  overrides: ConfigOverrides,
): { config: Config; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let fromFile: Partial<Config> = {};
  const file = configPath ? path.resolve(cwd, configPath) : path.join(cwd, CONFIG_FILE);
  const display = configPath ?? CONFIG_FILE;
  if (existsSync(file)) {
    const { text, diagnostics: problems } = readText(file, display, { kind: 'config' });
    diagnostics.push(...problems);
    if (text !== undefined) {
      const { docs, diagnostics: yamlProblems } = readYamlDocs(display, text);
      diagnostics.push(...yamlProblems);
      if (docs[0]) fromFile = readConfigDoc(docs[0], path.dirname(file), diagnostics);
    }
  } else if (configPath) {
    diagnostics.push(error(wholeFile(display), 'config-missing', 'Configuration file does not exist'));
  }
  const { fieldMapping, baseUrl, ...rest } = overrides;
  const defined = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
  const config: Config = { ...DEFAULT_CONFIG, ...fromFile, ...defined, cwd };
  if (fieldMapping !== undefined) {
    const list = typeof fieldMapping === 'string' ? [fieldMapping] : fieldMapping;
    if (list.includes(NO_MAPPING)) config.shippedMappings = false;
    const files = list.filter((f) => f !== NO_MAPPING);
    if (files.length > 0 || list.includes(NO_MAPPING)) config.fieldMapping = files;
  }
  config.out = path.resolve(cwd, config.out);
  // Overlapping folders (`rules ./rules/`, `intakes intakes/Acme`): each file is read once.
  config.rules = distinctFolders(config.rules, cwd);
  config.intakes = distinctFolders(config.intakes, cwd);
  setMaxFileSize(maxFileSizeBytes(config));
  placeLayers(config, baseUrl);
  return { config, diagnostics };
}

/** A folder URL ends with `/`: file names are appended to it. */
const folderUrl = (url: string) => (url.endsWith('/') ? url : url + '/');

/**
 * `layer.baseUrl`: `--base-url`, else the configuration file's, else, when the
 * output folder lies in a git work tree whose origin is on GitHub, the raw URL
 * of that folder on the current branch; else the default (Sekoia.io's folder).
 */
function placeLayers(config: Config, flag: string | undefined): void {
  if (flag !== undefined) {
    config.layer = { ...config.layer, baseUrl: folderUrl(flag) };
    config.baseUrlFrom = 'flag';
    return;
  }
  if (config.baseUrlFrom === 'file') return;
  const place = gitHubPlace(config.out);
  if (place) {
    config.layer = { ...config.layer, baseUrl: rawFolderUrl(place) };
    config.baseUrlFrom = 'git';
  }
}

/** The warning of a run whose layer links point at the default folder because nothing said where layers go. */
export function baseUrlWarnings(config: Config): Diagnostic[] {
  if (config.baseUrlFrom !== 'default') return [];
  return [
    warning(
      wholeFile('(configuration)'),
      'layer-base-url',
      `Navigator links point at the default layer folder ${config.layer.baseUrl}, expected the URL where ${path.relative(config.cwd, config.out) || '.'} is published: set --base-url URL or layer.baseUrl in ${CONFIG_FILE} (or generate inside a git repository whose origin is on GitHub)`,
    ),
  ];
}

/** The configuration's limit for input files, in bytes (undefined: the default of each kind of file). */
export function maxFileSizeBytes(config: Pick<Config, 'maxFileSize'>): number | undefined {
  return config.maxFileSize === undefined ? undefined : config.maxFileSize * MiB;
}

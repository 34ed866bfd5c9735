/**
 * A catalog rule: a Sigma detection, correlation or filter rule with the
 * catalog extensions (effort, data_sources, changelog, intakes).
 */
import { error, warning, type Diagnostic, type Place } from '../diagnostics.js';
import type { YamlDoc, YamlPath } from './source-doc.js';
import { readDetection, type Detection } from './detection.js';
import { isMap, typeName } from './yaml-values.js';
import { EFFORTS, type Effort, type EffortTable } from './effort.js';

export { DEFAULT_EFFORT_BY_LEVEL, EFFORTS, type Effort, type EffortTable } from './effort.js';

export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

export interface ChangelogEntry {
  date: string;
  type: 'minor' | 'major';
  description: string;
}

export interface Correlation {
  type: string;
  /** Ids or names of the rules it correlates. */
  rules: string[];
  groupBy: string[];
  /** Field named by `condition.field` (value_count) if any. */
  valueField?: string;
}

/** A technique reference as written in the rule, with where it was written. */
export interface TagRef {
  value: string;
  place: Place;
}

export interface Rule {
  kind: 'detection' | 'correlation' | 'filter';
  id: string;
  title: string;
  description: string;
  status?: string;
  level?: string;
  effort: Effort;
  /** Where the effort came from: the rule itself, its level, or the default. */
  effortFrom: 'rule' | 'level' | 'default';
  author?: string;
  references: string[];
  tags: string[];
  /** ATT&CK technique IDs (`T1059.001`), in tag order, without duplicates. */
  techniques: TagRef[];
  /** ATT&CK tactic shortnames (`execution`), in tag order, without duplicates. */
  tactics: TagRef[];
  dataSources: string[];
  changelog: ChangelogEntry[];
  /** Intakes (uuid or name) the rule applies to whatever its fields say. */
  intakes: TagRef[];
  logsource: LogSource;
  detection?: Detection;
  correlation?: Correlation;
  /** Rules a filter rule applies to. */
  filterOf?: string[];
  file: string;
  place: Place;
  /** Place of any value of the rule's source document. */
  placeOf(path: YamlPath): Place;
}

export interface RuleOptions {
  effortByLevel: EffortTable;
}

/** Reads typed values out of one document, collecting problems instead of throwing. */
class Fields {
  constructor(
    readonly doc: YamlDoc,
    readonly root: Record<string, unknown>,
    readonly diagnostics: Diagnostic[],
  ) {}

  string(key: string, required: boolean): string | undefined {
    const v = this.root[key];
    if (v === undefined || v === null) {
      if (required)
        this.diagnostics.push(
          error(this.doc.place([]), `rule-missing-${key}`, `Missing "${key}", expected a non-empty string`),
        );
      return undefined;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (typeof v !== 'string' || (required && v.trim() === '')) {
      this.diagnostics.push(
        error(
          this.doc.place([key]),
          'rule-type',
          `Unexpected ${typeName(v)}${v === '' ? ' string' : ''} for "${key}", expected a non-empty string`,
        ),
      );
      return undefined;
    }
    return v;
  }

  stringList(key: string): { values: string[]; places: Place[] } {
    const v = this.root[key];
    if (v === undefined || v === null) return { values: [], places: [] };
    if (!Array.isArray(v)) {
      this.diagnostics.push(
        error(this.doc.place([key]), 'rule-type', `Unexpected ${typeName(v)} for "${key}", expected a list of strings`),
      );
      return { values: [], places: [] };
    }
    const values: string[] = [];
    const places: Place[] = [];
    v.forEach((item, i) => {
      if (typeof item === 'string' || typeof item === 'number') {
        values.push(String(item));
        places.push(this.doc.place([key, i]));
      } else {
        this.diagnostics.push(
          error(this.doc.place([key, i]), 'rule-type', `Unexpected ${typeName(item)} in "${key}", expected a string`),
        );
      }
    });
    return { values, places };
  }
}

function readLogSource(f: Fields): LogSource {
  const raw = f.root.logsource;
  if (raw === undefined || raw === null) return {};
  if (!isMap(raw)) {
    f.diagnostics.push(
      error(
        f.doc.place(['logsource']),
        'rule-type',
        `Unexpected ${typeName(raw)} for "logsource", expected a map with product, category or service`,
      ),
    );
    return {};
  }
  const out: LogSource = {};
  for (const key of ['product', 'category', 'service'] as const) {
    const v = raw[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
    else if (v !== undefined && v !== null) {
      f.diagnostics.push(
        error(
          f.doc.place(['logsource', key]),
          'rule-type',
          `Unexpected ${typeName(v)} for "logsource.${key}", expected a string`,
        ),
      );
    }
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function readChangelog(f: Fields): ChangelogEntry[] {
  const raw = f.root.changelog;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    f.diagnostics.push(
      error(
        f.doc.place(['changelog']),
        'rule-type',
        `Unexpected ${typeName(raw)} for "changelog", expected a list of {date, type, description}`,
      ),
    );
    return [];
  }
  const entries: ChangelogEntry[] = [];
  raw.forEach((item, i) => {
    const path = ['changelog', i];
    if (!isMap(item)) {
      f.diagnostics.push(
        error(
          f.doc.place(path),
          'rule-type',
          `Unexpected ${typeName(item)} in "changelog", expected a map {date, type, description}`,
        ),
      );
      return;
    }
    const date = typeof item.date === 'string' ? item.date : '';
    const type = item.type;
    const description = item.description;
    let ok = true;
    if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      f.diagnostics.push(
        error(
          f.doc.place([...path, 'date']),
          'changelog-date',
          `Unexpected changelog date ${JSON.stringify(item.date ?? null)}, expected YYYY-MM-DD`,
        ),
      );
      ok = false;
    }
    if (type !== 'minor' && type !== 'major') {
      f.diagnostics.push(
        error(
          f.doc.place([...path, 'type']),
          'changelog-type',
          `Unexpected changelog type ${JSON.stringify(type ?? null)}, expected minor or major`,
        ),
      );
      ok = false;
    }
    if (typeof description !== 'string' || description.trim() === '') {
      f.diagnostics.push(
        error(
          f.doc.place([...path, 'description']),
          'changelog-description',
          'Missing changelog description, expected a non-empty string',
        ),
      );
      ok = false;
    }
    if (ok) entries.push({ date, type: type as ChangelogEntry['type'], description: description as string });
  });
  return entries;
}

function readEffort(f: Fields, level: string | undefined, options: RuleOptions): Pick<Rule, 'effort' | 'effortFrom'> {
  const raw = f.root.effort;
  if (raw !== undefined && raw !== null) {
    if (typeof raw === 'string' && (EFFORTS as readonly string[]).includes(raw))
      return { effort: raw as Effort, effortFrom: 'rule' };
    f.diagnostics.push(
      error(
        f.doc.place(['effort']),
        'unknown-effort',
        `Unknown effort ${JSON.stringify(raw)}, expected one of: ${EFFORTS.join(', ')}`,
      ),
    );
  }
  const fromLevel = level === undefined ? undefined : options.effortByLevel[level];
  return fromLevel ? { effort: fromLevel, effortFrom: 'level' } : { effort: 'elementary', effortFrom: 'default' };
}

const TECHNIQUE_TAG = /^attack\.(t\d{4}(?:\.\d{3})?)$/i;
/**
 * A tag meant as a technique that is not a technique ID (`attack.t1059.0001`,
 * `attack.t10590`, `attack.t1059-001`, `attack.t1059_001`, `attack.1059`):
 * after `attack.`, an optional `t` and then a digit after anything but
 * letters. Tactic names and the IDs of groups, software or tactics (`ta0002`)
 * start with letters.
 */
const TECHNIQUE_LIKE_TAG = /^attack\.t?[^a-z]*\d/i;
/** Groups, software, campaigns, mitigations, data sources and tactic IDs: neither technique nor tactic name. */
const OTHER_ATTACK_TAG = /^attack\.((?:[gcms]|ds|ta)\d{4})$/i;

function splitTags(
  tags: string[],
  places: Place[],
  diagnostics: Diagnostic[],
): { techniques: TagRef[]; tactics: TagRef[] } {
  const techniques: TagRef[] = [];
  const tactics: TagRef[] = [];
  tags.forEach((tag, i) => {
    const t = TECHNIQUE_TAG.exec(tag);
    if (t) {
      const id = t[1].toUpperCase();
      if (!techniques.some((x) => x.value === id)) techniques.push({ value: id, place: places[i] });
    } else if (TECHNIQUE_LIKE_TAG.test(tag)) {
      // Not dropped silently: the technique would vanish from the layers.
      diagnostics.push(
        error(
          places[i],
          'malformed-technique',
          `Unexpected ATT&CK tag ${JSON.stringify(tag)}, expected a technique as attack.tNNNN or attack.tNNNN.NNN (such as attack.t1059.001)`,
        ),
      );
    } else if (tag.toLowerCase().startsWith('attack.') && !OTHER_ATTACK_TAG.test(tag)) {
      const name = tag.slice('attack.'.length).toLowerCase().replace(/_/g, '-');
      if (!tactics.some((x) => x.value === name)) tactics.push({ value: name, place: places[i] });
    }
  });
  return { techniques, tactics };
}

function readCorrelation(f: Fields): Correlation | undefined {
  const raw = f.root.correlation;
  if (!isMap(raw)) {
    f.diagnostics.push(
      error(
        f.doc.place(['correlation']),
        'rule-type',
        `Unexpected ${typeName(raw)} for "correlation", expected a map with type, rules and group-by`,
      ),
    );
    return undefined;
  }
  const type = typeof raw.type === 'string' ? raw.type : '';
  if (!type)
    f.diagnostics.push(
      error(
        f.doc.place(['correlation']),
        'correlation-type',
        'Missing "correlation.type", expected event_count, value_count, temporal or temporal_ordered',
      ),
    );
  const asList = (v: unknown, key: string): string[] => {
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'string')) {
      f.diagnostics.push(
        error(
          f.doc.place(['correlation', key]),
          'rule-type',
          `Unexpected value for "correlation.${key}", expected a string or a list of strings`,
        ),
      );
      return [];
    }
    return list as string[];
  };
  const rules = asList(raw.rules, 'rules');
  if (rules.length === 0)
    f.diagnostics.push(
      error(
        f.doc.place(['correlation']),
        'correlation-rules',
        'Missing "correlation.rules", expected the ids or names of the correlated rules',
      ),
    );
  const condition = isMap(raw.condition) ? raw.condition : {};
  const valueField = typeof condition.field === 'string' ? condition.field : undefined;
  return { type, rules, groupBy: asList(raw['group-by'], 'group-by'), valueField };
}

function readFilter(f: Fields, rule: Pick<Rule, 'detection' | 'filterOf'>): void {
  const raw = f.root.filter;
  if (!isMap(raw)) {
    f.diagnostics.push(
      error(
        f.doc.place(['filter']),
        'rule-type',
        `Unexpected ${typeName(raw)} for "filter", expected a map with rules, selections and a condition`,
      ),
    );
    return;
  }
  const rules = raw.rules;
  rule.filterOf = Array.isArray(rules)
    ? rules.filter((r): r is string => typeof r === 'string')
    : typeof rules === 'string'
      ? [rules]
      : [];
  const selections = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== 'rules'));
  rule.detection = readDetection(f.doc, selections, ['filter'], f.diagnostics);
}

/** Build a rule from one YAML document; problems go to `diagnostics`. */
export function buildRule(doc: YamlDoc, options: RuleOptions, diagnostics: Diagnostic[]): Rule | undefined {
  if (!isMap(doc.value)) {
    diagnostics.push(
      error(
        doc.place([]),
        'rule-type',
        `Unexpected ${typeName(doc.value)} at top level, expected a map (a Sigma rule)`,
      ),
    );
    return undefined;
  }
  const before = diagnostics.length;
  const f = new Fields(doc, doc.value, diagnostics);
  const kind: Rule['kind'] =
    'correlation' in doc.value ? 'correlation' : 'filter' in doc.value ? 'filter' : 'detection';
  const title = f.string('title', true);
  const id = f.string('id', true);
  const level = f.string('level', false);
  const tags = f.stringList('tags');
  const intakes = f.stringList('intakes');
  const rule: Rule = {
    kind,
    id: id ?? '',
    title: title ?? '',
    description: f.string('description', false) ?? '',
    status: f.string('status', false),
    level,
    ...readEffort(f, level, options),
    author: f.string('author', false),
    references: f.stringList('references').values,
    tags: tags.values,
    ...splitTags(tags.values, tags.places, diagnostics),
    dataSources: f.stringList('data_sources').values,
    changelog: readChangelog(f),
    intakes: intakes.values.map((value, i) => ({ value, place: intakes.places[i] })),
    logsource: readLogSource(f),
    file: doc.file,
    place: doc.place([]),
    placeOf: doc.place,
  };
  if (kind === 'detection') {
    if (doc.value.detection === undefined) {
      diagnostics.push(
        error(
          doc.place([]),
          'rule-missing-detection',
          'Missing "detection", expected search identifiers and a condition (or "correlation" / "filter")',
        ),
      );
    } else {
      rule.detection = readDetection(doc, doc.value.detection, ['detection'], diagnostics);
    }
  } else if (kind === 'correlation') {
    rule.correlation = readCorrelation(f);
  } else {
    readFilter(f, rule);
  }
  if (title !== undefined && /[\r\n]/.test(title)) {
    diagnostics.push(
      warning(doc.place(['title']), 'title-newline', 'Title spans several lines; it is shown on one line'),
    );
  }
  return diagnostics.slice(before).some((d) => d.severity === 'error') ? undefined : rule;
}

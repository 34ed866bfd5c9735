/**
 * Field facts of all intakes in the two shapes matching uses: bit sets over
 * intakes (the whole catalog at once) and booleans for one intake. Both
 * answer the same questions the same way:
 *  - is a field produced (one of its names; `*` in a name is a wildcard)?
 *  - parser-derived names: an intake's parser fills ECS fields from raw
 *    source paths (`event.action: "{{json_event.message.eventName}}"`); when
 *    the rule's log source fits the intake, a rule field naming such a raw
 *    path stands for the ECS field (see `derivedNames` for how names are
 *    recognised);
 *  - can the test's values hold, given the constants of its field?
 */
import type { Scalar } from '../model/detection.js';
import type { Intake } from '../model/intake.js';
import type { LogSource } from '../model/rule.js';
import { difference, emptySet, fullSet, hasBit, intersect, isEmpty, setBit, union, type BitSet } from './bitset.js';
import { eventDataCopy, eventDataName, readsEventData } from './event-data.js';
import type { Lattice } from './evaluate.js';
import { logsourceFit, logsourceParts, namingPlaces, words, type LogsourceTable } from './logsource.js';
import type { FieldNeed, NeededTest } from './needs.js';
import { testCanMatchConstants } from './values.js';

/** Which refinements of plain field overlap are on (all on by default). */
export interface MatchFeatures {
  derived: boolean;
  values: boolean;
  logsource: boolean;
}

export const ALL_FEATURES: MatchFeatures = { derived: true, values: true, logsource: true };

export interface DerivedName {
  /** The raw source path as the parser writes it. */
  raw: string;
  /** The ECS field it fills. */
  target: string;
  /**
   * How the rule's field name was recognised in the raw path: `value` when the parser copies `X.value` and the
   * rule names `X` (see `VALUE`); `eventdata` when the rule reads its field in Windows event data the parser
   * copies whole (see `event-data.ts`).
   */
  how: 'path' | 'suffix' | 'name' | 'value' | 'eventdata';
}

interface RawName {
  raw: string;
  target: string;
  /** Normalised segments of the raw path, without the stage name. */
  segments: string[];
  /** Indexed under the object holding the copied value (`X` for a copied `X.value`), not the copied path. */
  wrapper?: boolean;
}

interface IntakeFacts {
  /** Last normalised segment of a raw path → the raw names ending so, in the order the parser writes them. */
  byLast: Map<string, RawName[]>;
  /**
   * Raw objects copied whole into a produced object: the parsed event
   * (`json.event` → `action.properties`, `json_event.message` → `cloudflare`),
   * or an object at any depth below it into `action.properties`
   * (`json.event.winlog.event_data` → `action.properties`).
   */
  roots: RawName[];
  /** Lower-cased produced field → produced field. */
  lowerFields: Map<string, string>;
  /** Answers of `derivedNames`, by rule field. */
  memo: Map<string, DerivedName[]>;
}

const factsCache = new WeakMap<Intake, IntakeFacts>();

/** Names compared without case, `_` or `-`: `method_name`, `methodName` and `MethodName` are one name. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.includes('_') || lower.includes('-') ? lower.replace(/[_-]/g, '') : lower;
}

/** Stage names that are not external stages but hold the raw event in some parsers. */
const RAW_ROOTS = new Set(['input', 'original']);

/** Whether a raw path starts at an external stage (or a raw root) and goes below it. */
function isRawPath(raw: string, intake: Intake): boolean {
  const dot = raw.indexOf('.');
  if (dot < 0) return false;
  const head = raw.slice(0, dot);
  return intake.externals.has(head) || RAW_ROOTS.has(head);
}

/** Segments of a raw path relative to the parsed event: without the stage (or raw root) name. */
export function rawSegments(raw: string, intake: Intake): string[] | undefined {
  if (!isRawPath(raw, intake)) return undefined;
  return raw.split('.').slice(1).map(normaliseName);
}

/**
 * Where parsers put the vendor properties of an event (the Sekoia.io
 * taxonomy's field for them). An object copied there from any depth of the
 * raw event (`action.properties: "{{json.event.winlog.event_data}}"`) is the
 * record rules describe: they name its keys directly (`TargetFilename`).
 * An object below the event copied anywhere else (`json.event.host` →
 * `sekoiaio.server`, `…geoLocation` → `source.geo.location`) is a named part
 * of the event: rules reach its keys through its name (`userIdentity.arn`, the
 * prefix level), not directly (auditd's `name` is not `sekoiaio.server.name`).
 */
const PROPERTIES = 'action.properties';

/** Whether the raw name may be copied whole into an object (a root needs its target to hold produced fields too). */
const mayBeRoot = (segments: number, target: string) => segments === 1 || target === PROPERTIES;

/** Whether the intake produces fields below `target` (compared without case): `target` holds an object. */
function holdsObject(intake: Intake, target: string): boolean {
  if (target === '') return false;
  const prefix = `${target.toLowerCase()}.`;
  for (const f of intake.fields.keys()) if (f.toLowerCase().startsWith(prefix)) return true;
  return false;
}

/**
 * The key under which vendors wrap the value of a field in an object
 * (Azure activity logs: `operationName: {value, localizedValue}`). A copied
 * `X.value` is the value of `X`, and a rule naming `X` (`operationName`)
 * tests that value, when `X` is such a wrapper: the parser reads no key of
 * `X` but `value` and `localizedValue` (SentinelOne's `data.value` is one
 * key of a record whose `data.filePath` the parser also reads: `data` is not
 * its value). Only this key: a rule naming any other parent of a copied path
 * (`properties` for `properties.foo`) names an object, not the copied value.
 */
const VALUE = 'value';
const WRAPPER_KEYS = new Set([VALUE, 'localizedvalue']);

const keysCache = new WeakMap<Intake, Map<string, Set<string>>>();

/** Raw objects (lower-cased paths) whose keys the parser reads or copies, with those keys (normalised). */
function keysRead(intake: Intake): Map<string, Set<string>> {
  const known = keysCache.get(intake);
  if (known) return known;
  const out = new Map<string, Set<string>>();
  keysCache.set(intake, out);
  const add = (raw: string) => {
    const parts = raw.split('.');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('.').toLowerCase();
      let keys = out.get(parent);
      if (!keys) out.set(parent, (keys = new Set()));
      keys.add(normaliseName(parts[i]));
    }
  };
  for (const raws of intake.sources.values()) for (const raw of raws) add(raw);
  for (const raw of intake.reads?.keys() ?? []) add(raw);
  return out;
}

/** Whether the raw path is `X.value` with `X` a value wrapper (see `VALUE`): `X` then stands for it. */
export function wrapsValue(intake: Intake, raw: string): boolean {
  const parts = raw.split('.');
  if (parts.length < 2 || normaliseName(parts[parts.length - 1]) !== VALUE) return false;
  const holder = parts.slice(0, -1).join('.').toLowerCase();
  return [...(keysRead(intake).get(holder) ?? [])].every((k) => WRAPPER_KEYS.has(k));
}

/** What `derivedNames` looks at in one intake, computed on first use (only intakes a rule's field may derive on). */
function factsOf(intake: Intake): IntakeFacts {
  let facts = factsCache.get(intake);
  if (facts) return facts;
  const byLast = new Map<string, RawName[]>();
  const named: RawName[] = [];
  for (const [target, raws] of intake.sources) {
    for (const raw of raws) {
      const segments = rawSegments(raw, intake);
      if (!segments) continue;
      const name: RawName = { raw, target, segments };
      named.push(name);
      const index = (entry: RawName) => {
        const last = entry.segments[entry.segments.length - 1];
        const list = byLast.get(last);
        if (list) list.push(entry);
        else byLast.set(last, [entry]);
      };
      index(name);
      if (segments.length > 1 && segments[segments.length - 1] === VALUE && wrapsValue(intake, raw))
        index({ raw, target, segments: segments.slice(0, -1), wrapper: true });
    }
  }
  const roots = named.filter((n) => mayBeRoot(n.segments.length, n.target) && holdsObject(intake, n.target));
  const lowerFields = new Map<string, string>();
  for (const f of intake.fields.keys()) if (!lowerFields.has(f.toLowerCase())) lowerFields.set(f.toLowerCase(), f);
  facts = { byLast, roots, lowerFields, memo: new Map() };
  factsCache.set(intake, facts);
  return facts;
}

/** Raw names whose segments end with `key` (normalised segments), in the order the parser writes them. */
function withSuffix(facts: IntakeFacts, key: readonly string[]): RawName[] {
  const list = facts.byLast.get(key[key.length - 1]);
  if (!list) return [];
  if (key.length === 1) return list;
  return list.filter((d) => {
    const offset = d.segments.length - key.length;
    if (offset < 0) return false;
    for (let i = 0; i < key.length - 1; i++) if (d.segments[offset + i] !== key[i]) return false;
    return true;
  });
}

/** Key of intakes that copy a raw object whole into a produced object. */
const ROOT_KEY = '\u0000root';

/** A last segment long enough to name one thing (`methodname`, `operationname`), not a generic word (`status`, `type`). */
const SPECIFIC = 8;

/**
 * ECS fields a rule field stands for on this intake through its parser, by
 * the first level that finds any:
 *  1. path: the rule field, or a dotted prefix of it, is the raw path (below
 *     the parser stage and its container: `eventName` ~ `json_event.message.eventName`)
 *     or a segment suffix of it (`methodName` ~ `…protoPayload.methodName`); for a prefix, the rest of
 *     the rule field must exist below the ECS field (`userIdentity.arn` →
 *     `action.properties.userIdentity.arn`); a raw object copied whole into
 *     a produced object, the parsed event (`action.properties: "{{json.event}}"`)
 *     maps every field that exists below the target (`TicketOptions` →
 *     `action.properties.TicketOptions`); so does an object at any depth
 *     copied into `action.properties` (`action.properties:
 *     "{{json.event.winlog.event_data}}"`, see `PROPERTIES`);
 *  2. name: the last segments are the same specific name (8+ characters),
 *     whatever the namespaces (`gcp.audit.method_name` ~ `protoPayload.methodName`).
 * Names are compared without case, `_` or `-`.
 */
export function derivedNames(intake: Intake, source: string): DerivedName[] {
  const facts = factsOf(intake);
  let known = facts.memo.get(source);
  if (!known) facts.memo.set(source, (known = findDerivedNames(facts, source)));
  return known;
}

function findDerivedNames(facts: IntakeFacts, source: string): DerivedName[] {
  const segments = source.split('.');
  const normalised = segments.map(normaliseName);
  const out: DerivedName[] = [];
  for (const d of withSuffix(facts, normalised)) {
    const how = d.wrapper ? 'value' : d.segments.length - normalised.length <= 1 ? 'path' : 'suffix';
    out.push({ raw: d.raw, target: d.target, how });
  }
  for (let k = normalised.length - 1; k > 0; k--) {
    const rest = segments.slice(k).join('.');
    for (const d of withSuffix(facts, normalised.slice(0, k))) {
      if (d.wrapper) continue; // a value has no fields below it
      const produced = facts.lowerFields.get(`${d.target}.${rest}`.toLowerCase());
      if (produced) out.push({ raw: `${d.raw}.${rest}`, target: produced, how: 'path' });
    }
  }
  for (const d of facts.roots) {
    const produced = facts.lowerFields.get(`${d.target}.${source}`.toLowerCase());
    if (produced) out.push({ raw: `${d.raw}.${source}`, target: produced, how: 'path' });
  }
  if (out.length > 0) return out;
  const last = normalised[normalised.length - 1];
  if (last.length < SPECIFIC || normalised.length === 1) return out;
  for (const d of withSuffix(facts, [last])) out.push({ raw: d.raw, target: d.target, how: 'name' });
  return out;
}

const globCache = new Map<string, RegExp>();

export function isPattern(name: string): boolean {
  return name.includes('*');
}

export function globRegExp(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
    globCache.set(pattern, re);
  }
  return re;
}

/**
 * Parser-derived names of a rule field for a rule of this log source: `derivedNames`, and the Windows event
 * data copied whole (`event-data.ts`) when the rule reads its field there.
 */
export function derivedNamesFor(intake: Intake, source: string, logsource?: LogSource): DerivedName[] {
  const names = derivedNames(intake, source);
  const data = logsource ? eventDataName(intake, logsource, source) : undefined;
  return data ? [...names, { ...data, how: 'eventdata' }] : names;
}

/** The produced fields that would carry a rule field on this intake (for a rule of `logsource`, when given). */
export function carriers(intake: Intake, need: FieldNeed, derivedAllowed: boolean, logsource?: LogSource): string[] {
  const out: string[] = [];
  for (const name of need.names) {
    if (!isPattern(name)) {
      if (intake.fields.has(name)) out.push(name);
    } else {
      const re = globRegExp(name);
      for (const f of intake.fields.keys()) if (re.test(f)) out.push(f);
    }
  }
  if (derivedAllowed) for (const d of derivedNamesFor(intake, need.source, logsource)) out.push(d.target);
  return [...new Set(out)];
}

/** False only when every carrier of the compared field holds constants the test cannot match. */
export function valuesCanHold(
  intake: Intake,
  test: NeededTest,
  derivedAllowed: boolean,
  logsource?: LogSource,
): boolean {
  const need = test.compared;
  if (!need) return true;
  let carried = false;
  const holds = (field: string) => {
    carried = true;
    const constants = intake.constants.get(field);
    return constants === undefined || testCanMatchConstants(test.test, constants);
  };
  for (const name of need.names) {
    if (!isPattern(name)) {
      if (intake.fields.has(name) && holds(name)) return true;
    } else {
      // A wildcard carrier is never used as proof of a mismatch.
      const re = globRegExp(name);
      for (const f of intake.fields.keys()) if (re.test(f)) return true;
    }
  }
  if (derivedAllowed) for (const d of derivedNamesFor(intake, need.source, logsource)) if (holds(d.target)) return true;
  return !carried;
}

export interface MatchContext {
  logsource: LogSource;
  features: MatchFeatures;
  table: LogsourceTable;
}

/** Lattice of one intake: "can this be true there". */
export function booleanLattice(intake: Intake, context: MatchContext): Lattice<boolean> {
  const fits = !context.features.logsource || logsourceFit(context.logsource, intake, context.table).fits;
  const derivedAllowed = context.features.derived && fits;
  return {
    top: true,
    bottom: false,
    meet: (a, b) => a && b,
    join: (a, b) => a || b,
    field: (need) => carriers(intake, need, derivedAllowed, context.logsource).length > 0,
    values: (test, within) =>
      within && (!context.features.values || valuesCanHold(intake, test, derivedAllowed, context.logsource)),
    scope: fits,
  };
}

// ---- the whole catalog ---------------------------------------------------

/** Positions of intakes in the index, ascending: the index's sets, kept as lists (most are small). */
export type Members = number[];

export interface IntakeIndex {
  intakes: readonly Intake[];
  size: number;
  /** Field → intakes producing it. */
  producers: Map<string, Members>;
  /** Last normalised segment of a raw path → intakes whose parser reads such a path (and ROOT_KEY: may copy objects). */
  derivedBy: Map<string, Members>;
  /** Field → intakes holding constants for it. */
  constantsBy: Map<string, Members>;
  /** Field → groups of intakes holding the same constants for it (a test is judged once per group). */
  constantGroups: Map<string, { constants: Scalar[]; intakes: Members }[]>;
  patternCache: Map<string, Members>;
  fitCache: Map<string, BitSet>;
  /** Word of an intake's names (module, name, slug) → intakes using it. */
  byWord: Map<string, number[]>;
  /** Field names → intakes producing one of them, cached across log sources (derived names excluded). */
  producedBy: Map<string, Members>;
  /** Bit sets of member lists used whole (large lists), made on first use. */
  dense: WeakMap<Members, BitSet>;
  /** Per field with constants: word of the bit sets → groups having intakes there (sparse scopes look only there). */
  groupsByWord: Map<string, Map<number, number[]>>;
  /** Intakes copying Windows event data whole (`event-data.ts`). */
  eventData: Members;
}

function addTo(map: Map<string, Members>, key: string, i: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

export function indexIntakes(intakes: readonly Intake[]): IntakeIndex {
  const size = intakes.length;
  const producers = new Map<string, Members>();
  const derivedBy = new Map<string, Members>();
  const constantsBy = new Map<string, Members>();
  const groups = new Map<string, Map<string, { constants: Scalar[]; intakes: Members }>>();
  const eventData: Members = [];
  intakes.forEach((intake, i) => {
    if (eventDataCopy(intake) !== undefined) eventData.push(i);
    for (const field of intake.fields.keys()) addTo(producers, field, i);
    for (const [field, constants] of intake.constants) {
      addTo(constantsBy, field, i);
      let byValues = groups.get(field);
      if (!byValues) groups.set(field, (byValues = new Map()));
      const key = JSON.stringify(constants);
      const group = byValues.get(key);
      if (!group) byValues.set(key, { constants, intakes: [i] });
      else group.intakes.push(i);
    }
    // Parser-derived names: an intake is a candidate for a rule field when one of its raw paths ends with a
    // segment of that field, or when it may copy a raw object whole (see `derivedKeys`); `derivedNames` decides.
    for (const [target, raws] of intake.sources) {
      for (const raw of raws) {
        if (!isRawPath(raw, intake)) continue;
        const last = raw.lastIndexOf('.');
        const lastName = normaliseName(raw.slice(last + 1));
        addTo(derivedBy, lastName, i);
        // A copied `X.value` may stand for `X` (see `VALUE`).
        if (lastName === VALUE && last > 0) {
          const before = raw.lastIndexOf('.', last - 1);
          addTo(derivedBy, normaliseName(raw.slice(before + 1, last)), i);
        }
        if (mayBeRoot(raw.indexOf('.') === last ? 1 : 2, target) && holdsObject(intake, target))
          addTo(derivedBy, ROOT_KEY, i);
      }
    }
  });
  const byWord = new Map<string, number[]>();
  intakes.forEach((intake, i) => {
    const seen = new Set<string>();
    for (const place of namingPlaces(intake)) {
      for (const w of place.spaced.trim().split(' ')) {
        if (w === '' || seen.has(w)) continue;
        seen.add(w);
        const list = byWord.get(w) ?? [];
        list.push(i);
        byWord.set(w, list);
      }
    }
  });
  const constantGroups = new Map([...groups].map(([field, byValues]) => [field, [...byValues.values()]]));
  return {
    intakes,
    size,
    producers,
    derivedBy,
    constantsBy,
    constantGroups,
    patternCache: new Map(),
    fitCache: new Map(),
    byWord,
    producedBy: new Map(),
    dense: new WeakMap(),
    groupsByWord: new Map(),
    eventData,
  };
}

/** Merge ascending lists into one ascending list without repeats. */
function mergeMembers(lists: readonly Members[]): Members {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0];
  const all = new Set<number>();
  for (const l of lists) for (const i of l) all.add(i);
  return [...all].sort((a, b) => a - b);
}

function producersOf(index: IntakeIndex, name: string): Members | undefined {
  if (!isPattern(name)) return index.producers.get(name);
  let list = index.patternCache.get(name);
  if (!list) {
    const re = globRegExp(name);
    const hits: Members[] = [];
    for (const [field, l] of index.producers) if (re.test(field)) hits.push(l);
    index.patternCache.set(name, (list = mergeMembers(hits)));
  }
  return list;
}

/** Intakes producing one of the names (shared by every log source). */
function namedProducers(index: IntakeIndex, names: readonly string[]): Members {
  if (names.length === 1) return producersOf(index, names[0]) ?? [];
  const key = names.join('\u0000');
  let list = index.producedBy.get(key);
  if (!list) {
    const lists: Members[] = [];
    for (const name of names) {
      const l = producersOf(index, name);
      if (l) lists.push(l);
    }
    index.producedBy.set(key, (list = mergeMembers(lists)));
  }
  return list;
}

/**
 * The keys of `derivedBy` under which `derivedNames` may find something for
 * the field: every raw name it can find ends with a segment of the field (the
 * field itself, a prefix of it, or its last segment), or is a root. Their
 * union is a superset; `derivedNames` decides each intake.
 */
const derivedKeysCache = new Map<string, string[]>();

function derivedKeys(source: string): string[] {
  let keys = derivedKeysCache.get(source);
  if (!keys) derivedKeysCache.set(source, (keys = [...new Set(source.split('.').map(normaliseName)), ROOT_KEY]));
  return keys;
}

/** Intakes a log source fits: the intersection of where its product, service and category fit, each computed once. */
export function fitSet(index: IntakeIndex, logsource: LogSource, table: LogsourceTable): BitSet {
  let set = fullSet(index.size);
  for (const part of logsourceParts(logsource, table)) {
    let partSet = index.fitCache.get(part.key);
    if (!partSet) {
      partSet = emptySet(index.size);
      // A part decided by name can only fit intakes whose names hold its first word.
      const first = part.byName === undefined ? undefined : words(part.byName).split(' ')[0];
      const candidates = first === undefined ? undefined : (index.byWord.get(first) ?? []);
      if (candidates) {
        for (const i of candidates) if (part.holds(index.intakes[i])) setBit(partSet, i);
      } else {
        for (let i = 0; i < index.size; i++) if (part.holds(index.intakes[i])) setBit(partSet, i);
      }
      index.fitCache.set(part.key, partSet);
    }
    set = intersect(set, partSet);
  }
  return set;
}

/**
 * The words of intake bit sets a lattice works on. Every value of a lattice
 * lies within its scope (the log source's fit; rules are judged nowhere
 * else), so when the scope is sparse the lattice keeps only the words where
 * the scope has intakes: its sets are that many words long, whatever the
 * number of intakes. Bit operations are per intake, so the kept words hold
 * exactly what the whole sets would.
 */
export interface Words {
  /** Word of the whole sets behind each word of the lattice's sets; undefined: all words, in order. */
  kept?: Int32Array;
  /** Word of the whole sets → its place in the lattice's sets (-1: not kept); with `kept`. */
  place?: Int32Array;
}

/** Fewer kept words than this share of all: the lattice keeps only those. */
const SPARSE = 0.5;

function scopeWords(scope: BitSet): Words {
  const kept: number[] = [];
  for (let w = 0; w < scope.length; w++) if (scope[w] !== 0) kept.push(w);
  if (kept.length >= scope.length * SPARSE) return {};
  const place = new Int32Array(scope.length).fill(-1);
  kept.forEach((w, j) => (place[w] = j));
  return { kept: Int32Array.from(kept), place };
}

/** A whole set restricted to the kept words. */
function restrict(set: BitSet, words: Words): BitSet {
  const { kept } = words;
  if (!kept) return set;
  const out = new Uint32Array(kept.length);
  for (let j = 0; j < kept.length; j++) out[j] = set[kept[j]];
  return out;
}

/** The bit set of intake positions, restricted to the kept words (lists longer than the set's words go through a cached whole set). */
function membersSet(index: IntakeIndex, list: Members, words: Words): BitSet {
  const { kept, place } = words;
  const length = kept ? kept.length : (index.size + 31) >>> 5;
  if (kept && list.length > length) {
    let whole = index.dense.get(list);
    if (!whole) {
      whole = emptySet(index.size);
      for (const i of list) setBit(whole, i);
      index.dense.set(list, whole);
    }
    return restrict(whole, words);
  }
  const out = new Uint32Array(length);
  for (const i of list) {
    const j = place ? place[i >>> 5] : i >>> 5;
    if (j >= 0) out[j] |= 1 << (i & 31);
  }
  return out;
}

/** Intake positions of a set restricted to the kept words, ascending. */
export function restrictedMembers(set: BitSet, words: Words): number[] {
  const out: number[] = [];
  const { kept } = words;
  for (let j = 0; j < set.length; j++) {
    let word = set[j];
    const base = (kept ? kept[j] : j) << 5;
    while (word !== 0) {
      const low = word & -word;
      out.push(base + 31 - Math.clz32(low));
      word ^= low;
    }
  }
  return out;
}

/** Groups of the field's constants that have intakes in the kept words (all groups when all words are kept). */
function groupsWithin(index: IntakeIndex, field: string, words: Words): { constants: Scalar[]; intakes: Members }[] {
  const groups = index.constantGroups.get(field) ?? [];
  const { kept } = words;
  if (!kept || groups.length <= kept.length) return groups;
  let byWord = index.groupsByWord.get(field);
  if (!byWord) {
    byWord = new Map();
    groups.forEach((g, k) => {
      let last = -1;
      for (const i of g.intakes) {
        const w = i >>> 5;
        if (w === last) continue;
        last = w;
        const list = byWord!.get(w);
        if (!list) byWord!.set(w, [k]);
        else if (list[list.length - 1] !== k) list.push(k);
      }
    });
    index.groupsByWord.set(field, byWord);
  }
  const picked = new Set<number>();
  for (const w of kept) for (const k of byWord.get(w) ?? []) picked.add(k);
  return [...picked].sort((a, b) => a - b).map((k) => groups[k]);
}

export interface ScopedLattice {
  lattice: Lattice<BitSet>;
  /** The words its sets hold (`restrictedMembers` reads them back as intake positions). */
  words: Words;
}

/**
 * Lattice of intake sets, "where can this be true", for rules of one log
 * source: sets restricted to the words of the log source's scope when it is
 * sparse (see `Words`).
 */
export function scopedLattice(index: IntakeIndex, context: MatchContext, sparse = true): ScopedLattice {
  const scopeSet = context.features.logsource ? fitSet(index, context.logsource, context.table) : undefined;
  const words: Words = sparse && scopeSet ? scopeWords(scopeSet) : {};
  const length = words.kept ? words.kept.length : (index.size + 31) >>> 5;
  const none = new Uint32Array(length);
  const all = restrict(fullSet(index.size), words);
  const scope = scopeSet ? restrict(scopeSet, words) : all;
  const derivedScope = context.features.derived ? scope : none;
  const setOf = (list: Members) => membersSet(index, list, words);
  /** Where a parser-derived name of the field may exist (a superset, checked one by one), within the derived scope. */
  // Read-only once made (callers combine them into new sets): one per field and lattice.
  const candidatesMemo = new Map<string, BitSet | undefined>();
  const derivedCandidates = (source: string): BitSet | undefined => {
    if (!context.features.derived) return undefined;
    if (candidatesMemo.has(source)) return candidatesMemo.get(source);
    let out: BitSet | undefined;
    for (const key of derivedKeys(source)) {
      const list = index.derivedBy.get(key);
      if (list) out = out ? union(out, setOf(list)) : setOf(list);
    }
    const candidates = out && intersect(out, derivedScope);
    candidatesMemo.set(source, candidates);
    return candidates;
  };
  const hasDerived = (i: number, source: string) => derivedNames(index.intakes[i], source).length > 0;
  /**
   * Derived candidates of the field whose parser-derived names all fill fields with constants: the only ones
   * where a derived carrier can fail a value test (a name without constants holds whatever the test). Once per field.
   */
  const constrainedMemo = new Map<string, BitSet>();
  const constrained = (source: string): BitSet => {
    let set = constrainedMemo.get(source);
    if (set) return set;
    set = new Uint32Array(length);
    const candidates = derivedCandidates(source);
    if (candidates) {
      for (const i of restrictedMembers(candidates, words)) {
        const intake = index.intakes[i];
        const names = derivedNames(intake, source);
        if (names.length > 0 && names.every((d) => intake.constants.get(d.target) !== undefined))
          setBit(set, words.place ? (words.place[i >>> 5] << 5) | (i & 31) : i);
      }
    }
    constrainedMemo.set(source, set);
    return set;
  };
  // Needs are interned per renaming (needs.ts): found by object first, then by content (equal needs of other readings).
  const byNeed = new Map<FieldNeed, BitSet>();
  const fieldMemo = new Map<string, BitSet>();
  const field = (need: FieldNeed): BitSet => {
    let known = byNeed.get(need);
    if (!known) {
      const key =
        need.names.length === 1
          ? `${need.source}\u0000${need.names[0]}`
          : `${need.source}\u0000${need.names.join('\u0000')}`;
      known = fieldMemo.get(key);
      if (!known) fieldMemo.set(key, (known = computeField(need)));
      byNeed.set(need, known);
    }
    return known;
  };
  const computeField = (need: FieldNeed): BitSet => {
    const set = setOf(namedProducers(index, need.names));
    // Windows event data copied whole carries the field (`event-data.ts`).
    if (context.features.derived && readsEventData(context.logsource, need.source)) {
      const data = intersect(setOf(index.eventData), derivedScope);
      for (let w = 0; w < set.length; w++) set[w] |= data[w];
    }
    const candidates = derivedCandidates(need.source);
    if (!candidates) return set;
    for (const i of restrictedMembers(difference(candidates, set), words)) {
      if (hasDerived(i, need.source)) setBit(set, words.place ? (words.place[i >>> 5] << 5) | (i & 31) : i);
    }
    return set;
  };
  /**
   * Where the compared field has a carrier whose constants the test can match
   * (or no carrier with constants at all), as `valuesCanHold` decides for one
   * intake: named carriers are judged once per group of intakes sharing
   * constants, so the cost does not grow with the number of intakes; a
   * parser-derived carrier is judged on its own intake, against the
   * constants of the field it fills.
   */
  const values = (test: NeededTest, within: BitSet): BitSet => {
    const need = test.compared;
    if (!context.features.values || !need || isEmpty(within)) return within;
    let ok: BitSet = none; // a named carrier holds
    let carried: BitSet = none; // a named carrier is produced
    for (const name of need.names) {
      const produced = producersOf(index, name);
      if (!produced) continue;
      const producedSet = setOf(produced);
      carried = union(carried, producedSet);
      let bad: BitSet = none;
      if (!isPattern(name)) {
        for (const group of groupsWithin(index, name, words)) {
          if (!testCanMatchConstants(test.test, group.constants)) bad = union(bad, setOf(group.intakes));
        }
      }
      ok = union(ok, bad === none ? producedSet : difference(producedSet, bad));
    }
    // Windows event data copied whole carries the field without constants (`event-data.ts`).
    if (context.features.derived && readsEventData(context.logsource, need.source))
      ok = union(ok, intersect(setOf(index.eventData), derivedScope));
    // Without derived carriers: a named carrier holds, or no named carrier is produced.
    const out = difference(within, difference(carried, ok));
    const derived = derivedCandidates(need.source);
    if (derived) {
      // A derived carrier changes the answer only where a named one contradicts (carried, not ok: it may hold),
      // or where no named carrier is produced and every derived carrier fills a field with constants (it may not).
      const mayChange = difference(
        union(
          intersect(within, intersect(derived, difference(carried, ok))),
          difference(intersect(within, constrained(need.source)), carried),
        ),
        ok,
      );
      for (const i of restrictedMembers(mayChange, words)) {
        const intake = index.intakes[i];
        const names = derivedNames(intake, need.source);
        if (names.length === 0) continue;
        const holds = names.some((d) => {
          const constants = intake.constants.get(d.target);
          return constants === undefined || testCanMatchConstants(test.test, constants);
        });
        const at = words.place ? (words.place[i >>> 5] << 5) | (i & 31) : i;
        if (holds !== hasBit(out, at)) out[at >>> 5] ^= 1 << (at & 31);
      }
    }
    return out;
  };
  return { lattice: { top: all, bottom: none, meet: intersect, join: union, field, values, scope }, words };
}

/** Lattice of intake sets over every intake: "where can this be true". */
export function bitsetLattice(index: IntakeIndex, context: MatchContext): Lattice<BitSet> {
  return scopedLattice(index, context, false).lattice;
}

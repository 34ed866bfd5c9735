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
import { eventDataCopy, eventDataName, readsEventData } from './event-data.js';
import { difference, emptySet, fullSet, hasBit, intersect, isEmpty, setBit, union, type BitSet } from './bitset.js';
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
  /** Normalised segment suffix of a raw path (`protopayload.methodname`, `methodname`) → raw names. */
  bySuffix: Map<string, RawName[]>;
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
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Stage names that are not external stages but hold the raw event in some parsers. */
const RAW_ROOTS = new Set(['input', 'original']);

/** Segments of a raw path relative to the parsed event: without the stage (or raw root) name. */
export function rawSegments(raw: string, intake: Intake): string[] | undefined {
  const parts = raw.split('.');
  if (!intake.externals.has(parts[0]) && !RAW_ROOTS.has(parts[0])) return undefined;
  return parts.length > 1 ? parts.slice(1).map(normaliseName) : undefined;
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

function factsOf(intake: Intake): IntakeFacts {
  let facts = factsCache.get(intake);
  if (facts) return facts;
  const bySuffix = new Map<string, RawName[]>();
  const roots: RawName[] = [];
  // Fields with produced fields below them hold objects.
  const objects = new Set<string>();
  for (const f of intake.fields.keys()) {
    const lower = f.toLowerCase();
    for (let dot = lower.indexOf('.'); dot > 0; dot = lower.indexOf('.', dot + 1)) objects.add(lower.slice(0, dot));
  }
  for (const [target, raws] of intake.sources) {
    for (const raw of raws) {
      const segments = rawSegments(raw, intake);
      if (!segments) continue;
      const name: RawName = { raw, target, segments };
      if (objects.has(target.toLowerCase()) && (segments.length === 1 || target === PROPERTIES)) roots.push(name);
      const index = (entry: RawName) => {
        for (let k = 0; k < entry.segments.length; k++) {
          const key = entry.segments.slice(k).join('.');
          const list = bySuffix.get(key) ?? [];
          list.push(entry);
          bySuffix.set(key, list);
        }
      };
      index(name);
      if (segments.length > 1 && segments[segments.length - 1] === VALUE && wrapsValue(intake, raw))
        index({ raw, target, segments: segments.slice(0, -1), wrapper: true });
    }
  }
  const lowerFields = new Map<string, string>();
  for (const f of intake.fields.keys()) if (!lowerFields.has(f.toLowerCase())) lowerFields.set(f.toLowerCase(), f);
  facts = { bySuffix, roots, lowerFields, memo: new Map() };
  factsCache.set(intake, facts);
  return facts;
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
  for (const d of facts.bySuffix.get(normalised.join('.')) ?? []) {
    const how = d.wrapper ? 'value' : d.segments.length - normalised.length <= 1 ? 'path' : 'suffix';
    out.push({ raw: d.raw, target: d.target, how });
  }
  for (let k = normalised.length - 1; k > 0; k--) {
    const rest = segments.slice(k).join('.');
    for (const d of facts.bySuffix.get(normalised.slice(0, k).join('.')) ?? []) {
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
  for (const d of facts.bySuffix.get(last) ?? []) out.push({ raw: d.raw, target: d.target, how: 'name' });
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

export interface IntakeIndex {
  intakes: readonly Intake[];
  size: number;
  /** Field → intakes producing it. */
  producers: Map<string, BitSet>;
  /** Normalised segment suffix of a raw path → intakes whose parser reads such a path. */
  derivedBy: Map<string, BitSet>;
  /** Field → intakes holding constants for it. */
  constantsBy: Map<string, BitSet>;
  /** Field → groups of intakes holding the same constants for it (a test is judged once per group). */
  constantGroups: Map<string, { constants: Scalar[]; intakes: BitSet }[]>;
  patternCache: Map<string, BitSet>;
  fitCache: Map<string, BitSet>;
  /** Word of an intake's names (module, name, slug) → intakes using it. */
  byWord: Map<string, number[]>;
  /** Field → intakes producing it, cached across log sources (derived names excluded). */
  producedBy: Map<string, BitSet>;
  /** Intakes copying Windows event data whole (`event-data.ts`). */
  eventData: BitSet;
}

function addTo(map: Map<string, BitSet>, key: string, i: number, size: number): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = emptySet(size)));
  setBit(set, i);
}

export function indexIntakes(intakes: readonly Intake[]): IntakeIndex {
  const size = intakes.length;
  const producers = new Map<string, BitSet>();
  const derivedBy = new Map<string, BitSet>();
  const constantsBy = new Map<string, BitSet>();
  const eventData = emptySet(size);
  const groups = new Map<string, Map<string, { constants: Scalar[]; intakes: BitSet }>>();
  intakes.forEach((intake, i) => {
    for (const field of intake.fields.keys()) addTo(producers, field, i, size);
    for (const [field, constants] of intake.constants) {
      addTo(constantsBy, field, i, size);
      let byValues = groups.get(field);
      if (!byValues) groups.set(field, (byValues = new Map()));
      const key = JSON.stringify(constants);
      let group = byValues.get(key);
      if (!group) byValues.set(key, (group = { constants, intakes: emptySet(size) }));
      setBit(group.intakes, i);
    }
    if (eventDataCopy(intake) !== undefined) setBit(eventData, i);
    const facts = factsOf(intake);
    for (const key of facts.bySuffix.keys()) addTo(derivedBy, key, i, size);
    if (facts.roots.length > 0) addTo(derivedBy, ROOT_KEY, i, size);
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
    eventData,
  };
}

function producersOf(index: IntakeIndex, name: string): BitSet | undefined {
  if (!isPattern(name)) return index.producers.get(name);
  let set = index.patternCache.get(name);
  if (!set) {
    set = emptySet(index.size);
    const re = globRegExp(name);
    for (const [field, s] of index.producers) if (re.test(field)) set = union(set, s);
    index.patternCache.set(name, set);
  }
  return set;
}

/** Intakes producing one of the names (shared by every log source). */
function namedProducers(index: IntakeIndex, names: readonly string[]): BitSet {
  const key = names.join('\u0000');
  let set = index.producedBy.get(key);
  if (!set) {
    set = emptySet(index.size);
    for (const name of names) {
      const s = producersOf(index, name);
      if (s) set = union(set, s);
    }
    index.producedBy.set(key, set);
  }
  return set;
}

/** Intakes where `derivedNames` may find something for the field (a superset, checked one by one). */
function derivedCandidates(index: IntakeIndex, source: string): BitSet | undefined {
  const normalised = source.split('.').map(normaliseName);
  let out: BitSet | undefined;
  const add = (key: string) => {
    const s = index.derivedBy.get(key);
    if (s) out = out ? union(out, s) : s;
  };
  for (let k = normalised.length; k > 0; k--) add(normalised.slice(0, k).join('.'));
  add(ROOT_KEY);
  if (normalised.length > 1 && normalised[normalised.length - 1].length >= SPECIFIC)
    add(normalised[normalised.length - 1]);
  return out;
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
        for (const i of candidates) if (part.fit(index.intakes[i]).fits) setBit(partSet, i);
      } else {
        for (let i = 0; i < index.size; i++) if (part.fit(index.intakes[i]).fits) setBit(partSet, i);
      }
      index.fitCache.set(part.key, partSet);
    }
    set = intersect(set, partSet);
  }
  return set;
}

function eachMember(set: BitSet, fn: (i: number) => void): void {
  for (let w = 0; w < set.length; w++) {
    let word = set[w];
    while (word !== 0) {
      const low = word & -word;
      fn((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

/** Lattice of intake sets: "where can this be true". */
export function bitsetLattice(index: IntakeIndex, context: MatchContext): Lattice<BitSet> {
  const none = emptySet(index.size);
  const all = fullSet(index.size);
  const scope = context.features.logsource ? fitSet(index, context.logsource, context.table) : all;
  const derivedScope = context.features.derived ? scope : none;
  const fieldMemo = new Map<string, BitSet>();
  const field = (need: FieldNeed): BitSet => {
    const key = `${need.source}\u0000${need.names.join('\u0000')}`;
    let known = fieldMemo.get(key);
    if (!known) fieldMemo.set(key, (known = computeField(need)));
    return known;
  };
  const computeField = (need: FieldNeed): BitSet => {
    const named = namedProducers(index, need.names);
    const data = context.features.derived && readsEventData(context.logsource, need.source);
    const base = data ? union(named, intersect(index.eventData, derivedScope)) : named;
    const candidates = context.features.derived ? derivedCandidates(index, need.source) : undefined;
    if (!candidates) return base;
    let set = base; // shared: copied before the first change
    eachMember(intersect(candidates, derivedScope), (i) => {
      if (!hasBit(set, i) && derivedNames(index.intakes[i], need.source).length > 0) {
        if (set === named) set = new Uint32Array(named);
        setBit(set, i);
      }
    });
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
    let ok = none; // a named carrier holds
    let carried = none; // a named carrier is produced
    for (const name of need.names) {
      const produced = producersOf(index, name);
      if (!produced) continue;
      carried = union(carried, produced);
      let bad = none;
      if (!isPattern(name)) {
        for (const group of index.constantGroups.get(name) ?? []) {
          if (!testCanMatchConstants(test.test, group.constants)) bad = union(bad, group.intakes);
        }
      }
      ok = union(ok, bad === none ? produced : difference(produced, bad));
    }
    // Windows event data copied whole carries the field without constants (`event-data.ts`).
    if (context.features.derived && readsEventData(context.logsource, need.source))
      ok = union(ok, intersect(index.eventData, derivedScope));
    // Without derived carriers: a named carrier holds, or no named carrier is produced.
    const out = difference(within, difference(carried, ok));
    const derived = context.features.derived ? derivedCandidates(index, need.source) : undefined;
    if (derived) {
      eachMember(difference(intersect(within, intersect(derived, derivedScope)), ok), (i) => {
        const intake = index.intakes[i];
        const names = derivedNames(intake, need.source);
        if (names.length === 0) return;
        const holds = names.some((d) => {
          const constants = intake.constants.get(d.target);
          return constants === undefined || testCanMatchConstants(test.test, constants);
        });
        if (holds !== hasBit(out, i)) out[i >>> 5] ^= 1 << (i & 31);
      });
    }
    return out;
  };
  return { top: all, bottom: none, meet: intersect, join: union, field, values, scope };
}

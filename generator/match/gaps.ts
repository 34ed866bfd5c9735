/**
 * What an intake's parser is missing: the smallest sets of fields whose
 * addition would make more rules applicable, ranked by the rules and then the
 * techniques they unlock.
 *
 * One fix is proposed once, whatever the naming scheme: a Sigma field read
 * under several readings (pipelines of the mapping, a pySigma pipeline, names
 * as written) or mapped to several alternatives gives several names for the
 * same missing field. Names standing for the same Sigma fields form one
 * suggestion when they unlock the same rules, shown in the intake's own
 * naming (the namespace its produced fields use most), the others listed as
 * alternatives. What the parser already does with the field's raw source is
 * said: it reads it (copy it), copies it elsewhere (copy it here too, or map
 * the Sigma field there), or copies the object holding it (declare it).
 */
import type { Place } from '../diagnostics.js';
import type { Catalog } from '../model/catalog.js';
import type { Intake } from '../model/intake.js';
import type { Rule } from '../model/rule.js';
import { byCodePoint, parentOf } from './coverage.js';
import { ruleCanMatch, type Lattice } from './evaluate.js';
import { ALL_FEATURES, normaliseName, rawSegments, wrapsValue } from './intake-index.js';
import type { CatalogMatch } from './match-catalog.js';
import { minimise, missingLattice, type FieldSets } from './missing-lattice.js';
import type { ExplainOptions } from './explain.js';
import { ruleNeeds } from './needs.js';
import { renamingsFor } from './renaming.js';

/** What the parser already does with the raw source of a missing field. */
export type ParserHint =
  /** It reads `raw` (a filter, a condition) without copying it anywhere. */
  | { kind: 'reads'; raw: string; place?: Place }
  /** It copies `raw` into `field`, which the rule's readings do not name. */
  | { kind: 'copies'; raw: string; field: string; place?: Place }
  /** It copies the object `raw` whole into `field`; the missing name lies below it. */
  | { kind: 'copies-object'; raw: string; field: string; place?: Place };

export interface GapField {
  /** The field to add, in the intake's naming. */
  name: string;
  /** The Sigma fields (as rules write them) it stands for. */
  sigma: string[];
  /** The readings giving this name: pipeline names, null for names as written. */
  readings: (string | null)[];
  /** The same fix under other names (other readings, other targets of the mapping), unlocking no other rule. */
  alternatives: { name: string; readings: (string | null)[] }[];
  /** What the parser already does with its raw source, when it does something. */
  parser?: ParserHint;
}

export interface Gap {
  /** The fields to add, in the intake's naming (`fixes[i].name`), sorted. */
  fields: string[];
  /** One per field: what it stands for, where the name comes from, what the parser already does. */
  fixes: GapField[];
  rules: string[];
  techniques: string[];
}

/** Sets of up to this many fields are proposed. */
export const MAX_GAP_SIZE = 3;

const key = (s: readonly string[]) => s.join('\u0000');

/** The Sigma field and reading a missing name was asked for. */
export interface NameOrigin {
  sigma: string;
  reading: string | null;
}

/** Missing names → Sigma field → readings that asked for the name. */
export type Origins = Map<string, Map<string, Set<string | null>>>;

function addOrigin(origins: Origins, name: string, sigma: string, reading: string | null): void {
  let bySigma = origins.get(name);
  if (!bySigma) origins.set(name, (bySigma = new Map()));
  let readings = bySigma.get(sigma);
  if (!readings) bySigma.set(sigma, (readings = new Set()));
  readings.add(reading);
}

/**
 * Minimal missing field sets of one rule on one intake (none when no field
 * can help), and, into `origins` when given, the Sigma field and reading each
 * name was asked for.
 */
export function missingSetsOf(rule: Rule, intake: Intake, options: ExplainOptions, origins?: Origins): FieldSets {
  if (rule.kind !== 'detection' || !rule.detection) return [];
  const context = { logsource: rule.logsource, features: options.features ?? ALL_FEATURES, table: options.table };
  const L = missingLattice(intake, context);
  const sets = renamingsFor(rule.logsource, options.mapping).flatMap((renaming) => {
    const labelled: Lattice<FieldSets> = origins
      ? {
          ...L,
          field: (need) => {
            const out = L.field(need);
            for (const s of out) for (const n of s) addOrigin(origins, n, need.source, renaming.pipeline);
            return out;
          },
        }
      : L;
    return ruleCanMatch(labelled, ruleNeeds(rule, renaming), options.mode);
  });
  return minimise(sets);
}

function subsetsOf(fields: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let mask = 1; mask < 1 << fields.length; mask++) out.push(fields.filter((_, i) => mask & (1 << i)));
  return out;
}

function techniquesOf(rules: readonly Rule[]): string[] {
  const set = new Set<string>();
  for (const r of rules) for (const t of r.techniques) set.add(parentOf(t.value) ?? t.value);
  return [...set].sort(byCodePoint);
}

// ---- the intake's naming and what its parser already does ---------------

/** Produced objects the parser fills by copying a raw object whole: target → raw path. */
function copiedObjects(intake: Intake): Map<string, string> {
  const objects = new Set<string>();
  for (const f of intake.fields.keys())
    for (let dot = f.indexOf('.'); dot > 0; dot = f.indexOf('.', dot + 1)) objects.add(f.slice(0, dot));
  const out = new Map<string, string>();
  for (const [target, raws] of intake.sources) {
    if (!objects.has(target)) continue;
    const raw = raws.find((r) => rawSegments(r, intake) !== undefined || intake.externals.has(r));
    if (raw) out.set(target, raw);
  }
  return out;
}

/** Raw paths the parser reads or copies, by normalised segment suffix (and their values' holders, their concatenations). */
interface RawPath {
  raw: string;
  /** The produced field it is copied into (none when only read). */
  field?: string;
  place?: Place;
}

/**
 * How an intake names fields and what its parser does with raw paths: the
 * judge of which of several names of one fix to show, and of what to say
 * about the parser.
 */
export class IntakeNaming {
  private readonly namespaces = new Map<string, number>();
  private readonly objects: Map<string, string>;
  private readonly raws = new Map<string, RawPath[]>();
  private readonly hints = new Map<string, ParserHint | undefined>();

  constructor(private readonly intake: Intake) {
    for (const f of intake.fields.keys()) {
      const ns = namespaceOf(f);
      this.namespaces.set(ns, (this.namespaces.get(ns) ?? 0) + 1);
    }
    this.objects = copiedObjects(intake);
    const index = (path: RawPath) => {
      const segments = rawSegments(path.raw, intake);
      if (!segments) return;
      const keys = new Set<string>();
      for (let k = 0; k < segments.length; k++) {
        keys.add(segments.slice(k).join('.'));
        // Several segments read as one name: `category.value` ~ `CategoryValue`.
        if (segments.length - k > 1) keys.add(segments.slice(k).join(''));
        // The holder of a value: `operationName.value` ~ `operationName` (see `wrapsValue`).
        if (segments.length - k > 1 && wrapsValue(intake, path.raw)) keys.add(segments.slice(k, -1).join('.'));
      }
      for (const k of keys) {
        const list = this.raws.get(k) ?? [];
        list.push(path);
        this.raws.set(k, list);
      }
    };
    for (const [field, raws] of intake.sources)
      for (const raw of raws) index({ raw, field, place: intake.sourcePlaces?.get(field)?.get(raw) });
    for (const [raw, place] of intake.reads ?? []) index(place ? { raw, place } : { raw });
  }

  /** The object copied whole that `name` lies below, if any. */
  private objectOf(name: string): { field: string; raw: string } | undefined {
    for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
      const raw = this.objects.get(name.slice(0, dot));
      if (raw) return { field: name.slice(0, dot), raw };
    }
    return undefined;
  }

  /** What the parser already does towards producing `name` for the Sigma fields `sigma`. */
  hint(name: string, sigma: readonly string[]): ParserHint | undefined {
    const k = `${name}\u0000${sigma.join('\u0000')}`;
    if (this.hints.has(k)) return this.hints.get(k);
    let found: ParserHint | undefined;
    const object = this.objectOf(name);
    if (object) {
      found = {
        kind: 'copies-object',
        raw: object.raw,
        field: object.field,
        place: this.intake.sourcePlaces?.get(object.field)?.get(object.raw),
      };
    } else {
      for (const s of [...sigma, name]) {
        const normalised = s.split('.').map(normaliseName);
        const paths = [
          ...(this.raws.get(normalised.join('.')) ?? []),
          ...(normalised.length === 1 ? [] : (this.raws.get(normalised.join('')) ?? [])),
        ];
        // A copy first (the value is already in an event field), then a read; the shortest path.
        const best = paths.sort(
          (a, b) => Number(!a.field) - Number(!b.field) || a.raw.length - b.raw.length || byCodePoint(a.raw, b.raw),
        )[0];
        if (best) {
          found = best.field
            ? { kind: 'copies', raw: best.raw, field: best.field, place: best.place }
            : { kind: 'reads', raw: best.raw, place: best.place };
          break;
        }
      }
    }
    this.hints.set(k, found);
    return found;
  }

  /**
   * How well a name fits the intake (higher is better): below an object the
   * parser copies whole (it may be there already), then the number of
   * produced fields in its namespace (`process` for `process.parent.executable`,
   * `action` for `action.properties.ParentImage`, the undotted fields for
   * an undotted name), then a pipeline's name over a name as written.
   */
  score(name: string, readings: Iterable<string | null>): number[] {
    const asWritten = [...readings].every((r) => r === null);
    return [this.objectOf(name) ? 1 : 0, this.namespaces.get(namespaceOf(name)) ?? 0, asWritten ? 0 : 1];
  }
}

function namespaceOf(field: string): string {
  const dot = field.indexOf('.');
  return dot < 0 ? '' : field.slice(0, dot);
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i] - a[i];
  return 0;
}

function sumScores(scores: number[][]): number[] {
  return scores.reduce((acc, s) => acc.map((x, i) => x + s[i]), [0, 0, 0]);
}

/** Names that stand for one Sigma field are one component: the key of a name is its component's. */
function components(origins: Origins): (name: string) => string {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const join = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const [name, bySigma] of origins) for (const sigma of bySigma.keys()) join(`\u0001${sigma}`, name);
  return (name) => find(name);
}

function readingsOf(origins: Origins, name: string): (string | null)[] {
  const set = new Set<string | null>();
  for (const readings of origins.get(name)?.values() ?? []) for (const r of readings) set.add(r);
  return [...set].sort((a, b) => (a === null ? 1 : b === null ? -1 : byCodePoint(a, b)));
}

interface Candidate {
  fields: string[];
  unlocked: Set<Rule>;
  rules: string[];
  techniques: string[];
}

function isSubset<T>(a: Set<T>, b: Set<T>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * One suggestion per fix: candidates whose names stand for the same Sigma
 * fields and that unlock no rule beyond another's are that other's
 * alternatives. Within a group the candidate unlocking the most rules leads,
 * then the one in the intake's naming.
 */
type Grouped = Gap & { unlocked: Set<Rule>; components: string[] };

/** Whether every item of `a` is in `b` as many times at least, and `a` is shorter. */
function isStrictSubMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length >= b.length) return false;
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n === 0) return false;
    left.set(x, n - 1);
  }
  return true;
}

/** The origins of names in the given rules only. */
function originsIn(rules: Iterable<Rule>, byRule: ReadonlyMap<Rule, Origins>): Origins {
  const out: Origins = new Map();
  for (const rule of rules)
    for (const [name, bySigma] of byRule.get(rule) ?? [])
      for (const [sigma, readings] of bySigma) for (const r of readings) addOrigin(out, name, sigma, r);
  return out;
}

function groupByFix(
  candidates: Candidate[],
  origins: Origins,
  byRule: ReadonlyMap<Rule, Origins>,
  naming: IntakeNaming,
): Grouped[] {
  const componentOf = components(origins);
  const score = (c: Candidate) => sumScores(c.fields.map((n) => naming.score(n, readingsOf(origins, n))));
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const k = key(c.fields.map(componentOf).sort(byCodePoint));
    const list = groups.get(k) ?? [];
    list.push(c);
    groups.set(k, list);
  }
  const out: Grouped[] = [];
  for (const members of groups.values()) {
    members.sort(
      (a, b) =>
        b.unlocked.size - a.unlocked.size ||
        compareScores(score(a), score(b)) ||
        byCodePoint(key(a.fields), key(b.fields)),
    );
    const kept: { lead: Candidate; others: Candidate[] }[] = [];
    for (const m of members) {
      const home = kept.find((k) => isSubset(m.unlocked, k.lead.unlocked));
      if (home) home.others.push(m);
      else kept.push({ lead: m, others: [] });
    }
    for (const { lead, others } of kept) {
      // What the names stand for in the rules they unlock (a name can stand for other Sigma fields elsewhere).
      const local = originsIn(lead.unlocked, byRule);
      const fixes = lead.fields.map((name): GapField => {
        const sigma = [...(local.get(name)?.keys() ?? [])].sort(byCodePoint);
        const component = componentOf(name);
        const alternatives = new Map<string, (string | null)[]>();
        for (const o of others)
          for (const alt of o.fields)
            if (alt !== name && componentOf(alt) === component)
              alternatives.set(alt, readingsOf(originsIn(o.unlocked, byRule), alt));
        const parser = naming.hint(name, sigma);
        return {
          name,
          sigma,
          readings: readingsOf(local, name),
          alternatives: [...alternatives]
            .sort(([a], [b]) => byCodePoint(a, b))
            .map(([alt, readings]) => ({ name: alt, readings })),
          ...(parser ? { parser } : {}),
        };
      });
      out.push({
        fields: lead.fields,
        fixes,
        rules: lead.rules,
        techniques: lead.techniques,
        unlocked: lead.unlocked,
        components: lead.fields.map(componentOf).sort(byCodePoint),
      });
    }
  }
  return out;
}

/** Ranked gaps of one intake. */
export function intakeGaps(intake: Intake, catalog: Catalog, match: CatalogMatch, options: ExplainOptions): Gap[] {
  const applying = new Set(match.rulesByIntake.get(intake.uuid) ?? []);
  const rulesBySet = new Map<string, Rule[]>();
  const candidates = new Map<string, string[]>();
  const origins: Origins = new Map();
  const byRule = new Map<Rule, Origins>();
  for (const rule of catalog.rules) {
    if (applying.has(rule) || rule.kind !== 'detection') continue;
    const own: Origins = new Map();
    const sets = missingSetsOf(rule, intake, options, own);
    byRule.set(rule, own);
    for (const [name, bySigma] of own)
      for (const [sigma, readings] of bySigma) for (const r of readings) addOrigin(origins, name, sigma, r);
    for (const set of sets) {
      if (set.length === 0 || set.length > MAX_GAP_SIZE) continue;
      const k = key(set);
      const list = rulesBySet.get(k) ?? [];
      if (!list.includes(rule)) list.push(rule);
      rulesBySet.set(k, list);
      candidates.set(k, set);
    }
  }
  const gaps: Candidate[] = [];
  for (const set of candidates.values()) {
    const unlocked = new Set<Rule>();
    for (const sub of subsetsOf(set)) for (const r of rulesBySet.get(key(sub)) ?? []) unlocked.add(r);
    const rules = [...unlocked];
    gaps.push({
      fields: set,
      rules: [...new Set(rules.map((r) => r.title))].sort(byCodePoint),
      techniques: techniquesOf(rules),
      unlocked,
    });
  }
  // A set that unlocks nothing more than one of its own subsets is not among the smallest.
  const byKey = new Map(gaps.map((g) => [key(g.fields), g]));
  const useful = gaps.filter((g) =>
    subsetsOf(g.fields).every(
      (sub) => sub.length === g.fields.length || (byKey.get(key(sub))?.unlocked.size ?? 0) < g.unlocked.size,
    ),
  );
  const grouped = groupByFix(useful, origins, byRule, new IntakeNaming(intake));
  // A suggestion that unlocks nothing more than one standing for fewer of its fields is not among the smallest.
  const smallest = grouped.filter(
    (g) =>
      !grouped.some(
        (h) => h !== g && isStrictSubMultiset(h.components, g.components) && isSubset(g.unlocked, h.unlocked),
      ),
  );
  smallest.sort(
    (a, b) =>
      b.rules.length - a.rules.length ||
      b.techniques.length - a.techniques.length ||
      a.fields.length - b.fields.length ||
      byCodePoint(key(a.fields), key(b.fields)),
  );
  return smallest.map(({ fields, fixes, rules, techniques }) => ({ fields, fixes, rules, techniques }));
}

/**
 * The single fields that would each make a rule apply, one per fix (names
 * standing for the same Sigma field: the one in the intake's naming), sorted.
 */
export function singleFixesOf(rule: Rule, intake: Intake, options: ExplainOptions, naming: IntakeNaming): string[] {
  const origins: Origins = new Map();
  const singles = missingSetsOf(rule, intake, options, origins)
    .filter((s) => s.length === 1)
    .map((s) => s[0]);
  const componentOf = components(origins);
  const best = new Map<string, { name: string; score: number[] }>();
  for (const name of singles.sort(byCodePoint)) {
    const c = componentOf(name);
    const score = naming.score(name, readingsOf(origins, name));
    const known = best.get(c);
    if (!known || compareScores(score, known.score) < 0) best.set(c, { name, score });
  }
  return [...best.values()].map((b) => b.name).sort(byCodePoint);
}

export interface CatalogGaps {
  intakes: { uuid: string; name: string; applying: number; withinOneSet: number; gaps: Gap[] }[];
  /** Single fields ranked by the rules they would unlock summed over intakes. */
  fields: { field: string; rules: number; intakes: number }[];
}

export function catalogGaps(
  catalog: Catalog,
  match: CatalogMatch,
  options: ExplainOptions,
  perIntake = 5,
  /** Told after each intake (progress). */
  onIntake?: (done: number, total: number) => void,
): CatalogGaps {
  const fieldTotals = new Map<string, { rules: number; intakes: number }>();
  const intakes = catalog.intakes.map((intake, i) => {
    onIntake?.(i, catalog.intakes.length);
    const gaps = intakeGaps(intake, catalog, match, options);
    const within = new Set(gaps.flatMap((g) => g.rules));
    for (const g of gaps) {
      if (g.fields.length !== 1) continue;
      const t = fieldTotals.get(g.fields[0]) ?? { rules: 0, intakes: 0 };
      t.rules += g.rules.length;
      t.intakes += 1;
      fieldTotals.set(g.fields[0], t);
    }
    return {
      uuid: intake.uuid,
      name: intake.name,
      applying: match.rulesByIntake.get(intake.uuid)?.length ?? 0,
      withinOneSet: within.size,
      gaps: gaps.slice(0, perIntake),
    };
  });
  intakes.sort((a, b) => b.withinOneSet - a.withinOneSet || byCodePoint(a.name, b.name));
  const fields = [...fieldTotals]
    .map(([field, t]) => ({ field, ...t }))
    .sort((a, b) => b.rules - a.rules || b.intakes - a.intakes || byCodePoint(a.field, b.field));
  return { intakes, fields };
}

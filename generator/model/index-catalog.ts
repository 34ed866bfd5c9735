/**
 * A catalog from a published rules index: every entry is a rule that applies
 * to exactly the intakes it names. Entries may repeat a rule (same uuid and
 * name, other techniques and intakes): they stay separate rules, so only the
 * entries naming an intake bring their techniques to its layer, and pages
 * list a name once.
 */
import { warning, type Diagnostic, type Place } from '../diagnostics.js';
import type { Catalog } from './catalog.js';
import type { Intake } from './intake.js';
import { EFFORTS, type Effort, type Rule, type TagRef } from './rule.js';

/** One entry of a published rules index, with the places of its parts. */
export interface IndexEntry {
  uuid: string;
  name: string;
  /** null in the model for a few entries (printed as `elementary`). */
  effort: string | null;
  dataSources: string[];
  description: string;
  /** `<tactic-shortname> - <Technique name> (<ID>)` items as published. */
  attack: { tactic: string; name: string; id: string; place: Place }[];
  /** Intake names. */
  intakes: string[];
  place: Place;
}

function unique(refs: TagRef[]): TagRef[] {
  return refs.filter((r, i) => refs.findIndex((x) => x.value === r.value) === i);
}

export function indexRule(entry: IndexEntry, diagnostics: Diagnostic[]): Rule {
  const known = entry.effort !== null && (EFFORTS as readonly string[]).includes(entry.effort);
  if (entry.effort !== null && !known) {
    diagnostics.push(
      warning(
        entry.place,
        'unknown-effort',
        `Unknown effort ${JSON.stringify(entry.effort)} for "${entry.name}", expected one of: ${EFFORTS.join(', ')}; shown as elementary`,
      ),
    );
  }
  return {
    kind: 'detection',
    id: entry.uuid,
    title: entry.name,
    description: entry.description,
    effort: known ? (entry.effort as Effort) : 'elementary',
    effortFrom: known ? 'rule' : 'default',
    references: [],
    tags: entry.attack.map((a) => `attack.${a.id.toLowerCase()}`),
    techniques: unique(entry.attack.map((a) => ({ value: a.id, place: a.place }))),
    tactics: unique(entry.attack.map((a) => ({ value: a.tactic, place: a.place }))),
    dataSources: entry.dataSources,
    changelog: [],
    intakes: entry.intakes.map((value) => ({ value, place: entry.place })),
    logsource: {},
    file: entry.place.file,
    place: entry.place,
    placeOf: () => entry.place,
  };
}

/** Rules of the index with their intakes resolved by name (or uuid, or slug); unknown names warned once each. */
export function buildIndexCatalog(
  entries: readonly IndexEntry[],
  intakes: Intake[],
  diagnostics: Diagnostic[],
): Catalog {
  const byKey = new Map<string, Intake>();
  for (const intake of intakes) {
    for (const key of [intake.uuid, intake.name, intake.slug]) if (key && !byKey.has(key)) byKey.set(key, intake);
  }
  const rules: Rule[] = [];
  const explicit = new Map<Rule, Intake[]>();
  const unknown = new Map<string, { place: Rule['place']; count: number }>();
  for (const entry of entries) {
    const rule = indexRule(entry, diagnostics);
    rules.push(rule);
    const named: Intake[] = [];
    for (const name of entry.intakes) {
      const intake = byKey.get(name) ?? byKey.get(name.toLowerCase());
      if (intake) {
        if (!named.includes(intake)) named.push(intake);
      } else {
        const seen = unknown.get(name);
        if (seen) seen.count++;
        else unknown.set(name, { place: entry.place, count: 1 });
      }
    }
    explicit.set(rule, named);
  }
  for (const [name, { place, count }] of unknown) {
    diagnostics.push(
      warning(
        place,
        'unknown-intake',
        `Unknown intake "${name}" (in ${count} entr${count === 1 ? 'y' : 'ies'}), expected the name of an intake of the intake folders; ignored`,
      ),
    );
  }
  return { rules, intakes, explicit, correlated: new Map() };
}

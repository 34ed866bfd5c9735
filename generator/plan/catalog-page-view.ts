/**
 * The catalog page (docs/format.md#catalog-page): tactics in matrix order (from the ATT&CK
 * table, so Stealth and Defense Impairment are there), under each the parent
 * techniques in ascending ID, under each the rules by title. A rule appears
 * under every tactic of each of its techniques; a sub-technique's rules are
 * listed under its parent technique's name; a revoked technique's rules under
 * its replacement. Rules with no current technique are listed last, under
 * their own heading, so that no rule of the count is missing from the page.
 */
import { byCodePoint } from '../match/coverage.js';
import { currentTechnique, parentTechnique, tacticsOf, type AttackIndex } from '../model/attack.js';
import { sortedByTitle, type RuleView } from './rule-view.js';

export interface CatalogGroup {
  id: string;
  name: string;
  rules: RuleView[];
}

export interface CatalogTactic {
  id: string;
  shortname: string;
  name: string;
  groups: CatalogGroup[];
}

export interface CatalogPageView {
  /** `YYYY-MM-DD`, or empty when no date is known (the page then names no date and links no changelog). */
  date: string;
  /** Rules of the catalog (titles counted once). */
  ruleCount: number;
  tactics: CatalogTactic[];
  /** Rules none of whose techniques is in the ATT&CK table. */
  unmapped: RuleView[];
}

/** A rule as a catalog block: changelog oldest first (as the model page lists it). */
function catalogRule(rule: RuleView, blocks: Map<RuleView, RuleView>): RuleView {
  // One block object per rule, wherever it is listed (its text is rendered once: render/block-memo.ts).
  let block = blocks.get(rule);
  if (!block) {
    const changelog = [...rule.changelog].sort((a, b) => byCodePoint(a.date, b.date));
    blocks.set(rule, (block = { ...rule, changelog }));
  }
  return block;
}

export function catalogPageView(rules: readonly RuleView[], attack: AttackIndex, date: string): CatalogPageView {
  // tactic shortname → parent technique ID → title → rule
  const placed = new Map<string, Map<string, Map<string, RuleView>>>();
  const titles = new Set<string>();
  const mapped = new Set<string>();
  const ordered = sortedByTitle(rules);
  const blocks = new Map<RuleView, RuleView>();
  for (const rule of ordered) {
    titles.add(rule.title);
    for (const id of rule.techniques) {
      const technique = currentTechnique(attack, id) ?? attack.technique(id);
      if (!technique || technique.status === 'revoked') continue;
      const group = parentTechnique(attack, technique).id;
      for (const tactic of tacticsOf(attack, technique)) {
        let groups = placed.get(tactic.shortname);
        if (!groups) placed.set(tactic.shortname, (groups = new Map()));
        let byTitle = groups.get(group);
        if (!byTitle) groups.set(group, (byTitle = new Map()));
        if (!byTitle.has(rule.title)) byTitle.set(rule.title, catalogRule(rule, blocks));
        mapped.add(rule.title);
      }
    }
  }
  const tactics = attack.tactics
    .filter((t) => placed.has(t.shortname))
    .map((t) => {
      const groups = placed.get(t.shortname)!;
      return {
        ...t,
        groups: [...groups.keys()].sort(byCodePoint).map((id) => ({
          id,
          name: attack.technique(id)!.name,
          rules: [...groups.get(id)!.values()].sort((a, b) => byCodePoint(a.title, b.title)),
        })),
      };
    });
  const unmapped: RuleView[] = [];
  const listed = new Set<string>();
  for (const rule of ordered) {
    if (mapped.has(rule.title) || listed.has(rule.title)) continue;
    listed.add(rule.title);
    unmapped.push(catalogRule(rule, blocks));
  }
  return { date, ruleCount: titles.size, tactics, unmapped };
}

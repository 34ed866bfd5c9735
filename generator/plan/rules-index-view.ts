/**
 * `rules_index.json` (docs/format.md#rules-index): one entry per rule, keys in the published
 * order, `attack` items `<tactic-shortname> - <Technique name> (<ID>)`.
 * The technique is named as the rule tags it (a revoked ID stays as written;
 * the catalog check warns about it). The tactic is the first of the rule's
 * tactic tags the technique belongs to, else the technique's first tactic in
 * matrix order. Entries are sorted by name, then uuid; intakes by name.
 */
import { byCodePoint } from '../match/coverage.js';
import { currentTactics, type AttackIndex } from '../model/attack.js';
import { sortedByTitle, type RuleView } from './rule-view.js';

export interface RulesIndexEntry {
  uuid: string;
  name: string;
  effort: string;
  data_sources: string[];
  description: string;
  attack: string[];
  'intake-formats': string[];
}

export function attackItem(attack: AttackIndex, id: string, ruleTactics: readonly string[]): string {
  const technique = attack.technique(id);
  const tagged = ruleTactics.flatMap((t) => currentTactics(attack, t));
  if (!technique) return `${ruleTactics[0] ?? 'unknown'} - Unknown technique (${id})`;
  const tactic =
    tagged.find((t) => technique.tactics.includes(t)) ??
    technique.tactics[0] ??
    tagged[0] ??
    ruleTactics[0] ??
    'unknown';
  return `${tactic} - ${technique.name} (${technique.id})`;
}

export function rulesIndexView(
  rules: readonly { rule: RuleView; intakes: readonly string[] }[],
  attack: AttackIndex,
): RulesIndexEntry[] {
  // Entries sorted by name (title), then uuid (id), then their order: the views' order by title then id.
  const order = sortedByTitle(rules.map((r) => r.rule));
  const byView = new Map<RuleView, { rule: RuleView; intakes: readonly string[] }[]>();
  for (const r of rules) {
    const list = byView.get(r.rule);
    if (list) list.push(r);
    else byView.set(r.rule, [r]);
  }
  const sorted = [...new Set(order)].flatMap((view) => byView.get(view)!);
  const entries = sorted.map(({ rule, intakes }) => ({
    uuid: rule.id,
    name: rule.title,
    effort: rule.effort,
    data_sources: rule.dataSources,
    description: rule.description,
    attack: rule.techniques.map((id) => attackItem(attack, id, rule.tactics)),
    'intake-formats': [...new Set(intakes)].sort(byCodePoint),
  }));
  return entries;
}

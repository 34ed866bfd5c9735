/**
 * What templates see of a rule: plain, render-ready values.
 */
import { byCodePoint } from '../match/coverage.js';
import type { Rule } from '../model/rule.js';
import type { AttributionView } from './attribution-view.js';

export interface RuleView {
  id: string;
  title: string;
  description: string;
  effort: string;
  level: string;
  author: string;
  techniques: string[];
  tactics: string[];
  dataSources: string[];
  changelog: { date: string; type: string; description: string }[];
  file: string;
  /** Author, source and license notice, when attribution is on. */
  attribution?: AttributionView | null;
}

export interface NearMissView {
  title: string;
  /** The fields, each of which alone would make the rule apply. */
  fields: string[];
}

export function ruleView(rule: Rule): RuleView {
  return {
    id: rule.id,
    title: rule.title,
    description: rule.description,
    effort: rule.effort,
    level: rule.level ?? '',
    author: rule.author ?? '',
    techniques: rule.techniques.map((t) => t.value),
    tactics: rule.tactics.map((t) => t.value),
    dataSources: rule.dataSources,
    changelog: rule.changelog,
    file: rule.file,
  };
}

export function sortedNearMisses(list: readonly { rule: Rule; fields: string[] }[]): NearMissView[] {
  const views = list
    .map((n) => ({ title: n.rule.title, fields: n.fields }))
    .sort((a, b) => byCodePoint(a.title, b.title));
  return views.filter((v, i) => i === 0 || v.title !== views[i - 1].title);
}

/** Rules sorted by title (code points), each title once. */
export function sortedUnique(rules: readonly RuleView[]): RuleView[] {
  const sorted = [...rules].sort((a, b) => byCodePoint(a.title, b.title) || byCodePoint(a.id, b.id));
  return sorted.filter((r, i) => i === 0 || r.title !== sorted[i - 1].title);
}

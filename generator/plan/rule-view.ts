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

const byTitleThenId = (a: RuleView, b: RuleView) => byCodePoint(a.title, b.title) || byCodePoint(a.id, b.id);

/** The views of one run in (title, id) order: a view's rank is its place here. */
interface Ranking {
  sorted: RuleView[];
}

const ranks = new WeakMap<RuleView, { ranking: Ranking; rank: number }>();

/**
 * Sort the views of a run once by title then id (stable: equal ones keep
 * their order), so that the many sorts of their subsets (every intake's rules)
 * compare numbers instead of texts. Returns them sorted.
 */
export function rankRuleViews(views: readonly RuleView[]): RuleView[] {
  const ranking: Ranking = { sorted: [...views].sort(byTitleThenId) };
  ranking.sorted.forEach((view, rank) => ranks.set(view, { ranking, rank }));
  return ranking.sorted;
}

/** Views sorted by title then id (equal ones in their order): by rank when they were ranked together. */
export function sortedByTitle(views: readonly RuleView[]): RuleView[] {
  const ranking = views.length > 1 ? ranks.get(views[0])?.ranking : undefined;
  if (ranking) {
    const at = new Float64Array(views.length);
    let together = true;
    for (let i = 0; i < views.length && together; i++) {
      const r = ranks.get(views[i]);
      if (r?.ranking !== ranking) together = false;
      // The rank, then the place in `views`: equal views keep their order, as a stable sort does.
      else at[i] = r.rank * 2 ** 21 + i;
    }
    if (together && views.length < 2 ** 21)
      return Array.from(at.sort(), (x) => ranking.sorted[Math.floor(x / 2 ** 21)]);
  }
  return [...views].sort(byTitleThenId);
}

/** Rules sorted by title (code points), each title once. */
export function sortedUnique(rules: readonly RuleView[]): RuleView[] {
  return uniqueTitles(sortedByTitle(rules));
}

/** Views sorted by title, each title once (the first). */
export function uniqueTitles(sorted: readonly RuleView[]): RuleView[] {
  return sorted.filter((r, i) => i === 0 || r.title !== sorted[i - 1].title);
}

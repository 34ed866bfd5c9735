/**
 * The changelog page (docs/format.md#changelog-page) and the date both catalog pages show.
 * The date is given (`--date`, `date:`) or, when not, the newest changelog
 * date of the catalog: the same catalog always gives the same pages, whatever
 * day rulecat runs.
 */
import { byCodePoint } from '../match/coverage.js';
import type { RuleView } from './rule-view.js';

export interface ChangelogRule {
  title: string;
  /** Newest first. */
  entries: RuleView['changelog'];
}

export interface ChangelogPageView {
  date: string;
  rules: ChangelogRule[];
}

/** The given date, else the newest changelog date of the rules, else undefined. */
export function catalogDate(
  given: string | undefined,
  rules: readonly { changelog: readonly { date: string }[] }[],
): string | undefined {
  if (given) return given;
  let newest: string | undefined;
  for (const rule of rules)
    for (const entry of rule.changelog) if (newest === undefined || entry.date > newest) newest = entry.date;
  return newest;
}

/** Rules with changelog entries, ordered by their newest entry (newest first), then by title. */
export function changelogView(rules: readonly RuleView[], date: string): ChangelogPageView {
  const withEntries = rules
    .filter((r) => r.changelog.length > 0)
    .map((r) => ({
      title: r.title,
      // Stable: entries of one day keep the order they are written in.
      entries: r.changelog
        .map((e, i) => ({ e, i }))
        .sort((a, b) => byCodePoint(b.e.date, a.e.date) || a.i - b.i)
        .map(({ e }) => e),
    }));
  withEntries.sort((a, b) => byCodePoint(b.entries[0].date, a.entries[0].date) || byCodePoint(a.title, b.title));
  return { date, rules: withEntries };
}

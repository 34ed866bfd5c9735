/**
 * ATT&CK coverage of a set of rules: every technique they name, plus the
 * parent of every sub-technique (a parent lists its own and its
 * sub-techniques' rules). Sorted, so unchanged rules give unchanged layers.
 */

export interface CoveredTechnique {
  id: string;
  /** Titles of the rules, code-point order, unique. */
  rules: string[];
}

export interface CoverageInput {
  title: string;
  techniques: readonly string[];
}

export const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function parentOf(technique: string): string | undefined {
  const dot = technique.indexOf('.');
  return dot < 0 ? undefined : technique.slice(0, dot);
}

/** `inTitleOrder`: the rules come sorted by title (code points), so the titles of each technique need no sorting. */
export function techniqueCoverage(rules: readonly CoverageInput[], inTitleOrder = false): CoveredTechnique[] {
  const byTechnique = new Map<string, Set<string>>();
  const add = (id: string, title: string) => {
    let set = byTechnique.get(id);
    if (!set) byTechnique.set(id, (set = new Set()));
    set.add(title);
  };
  for (const rule of rules) {
    for (const id of rule.techniques) {
      add(id, rule.title);
      const parent = parentOf(id);
      if (parent) add(parent, rule.title);
    }
  }
  return [...byTechnique.keys()].sort(byCodePoint).map((id) => {
    const titles = [...byTechnique.get(id)!];
    return { id, rules: inTitleOrder ? titles : titles.sort(byCodePoint) };
  });
}

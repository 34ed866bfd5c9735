/**
 * The ATT&CK coverage of a set of rules as a matrix: one column per tactic in
 * matrix order (every tactic of the table, covered or not), under each the
 * covered techniques (parents, by name) with the rules that detect them and
 * their covered sub-techniques. A technique appears under every tactic it
 * belongs to, as in the ATT&CK matrix. A revoked ID counts for its
 * replacement; unknown and deprecated IDs are listed apart. Pure.
 */
import { byCodePoint } from '../match/coverage.js';
import { currentTechnique, parentTechnique, type AttackIndex, type AttackTactic } from '../model/attack.js';

export interface MatrixSubTechnique {
  id: string;
  name: string;
  /** Titles of the rules naming it (or a revoked ID it replaced), code-point order. */
  rules: string[];
}

export interface MatrixTechnique {
  id: string;
  name: string;
  /** Titles of the rules naming it or one of its sub-techniques, code-point order. */
  rules: string[];
  subtechniques: MatrixSubTechnique[];
}

export interface MatrixColumn {
  tactic: AttackTactic;
  techniques: MatrixTechnique[];
}

export interface CoverageMatrix {
  attackVersion: string;
  columns: MatrixColumn[];
  /** IDs the table does not have as active techniques, with their rules. */
  outside: { id: string; status: 'unknown' | 'deprecated' | 'revoked'; rules: string[] }[];
  /** Distinct covered techniques (parents: a sub-technique's rules count for its technique too). */
  techniqueCount: number;
  /** Distinct covered sub-techniques. */
  subtechniqueCount: number;
  /** The highest rule count of a technique (0 when none). */
  maxRules: number;
}

export interface MatrixRule {
  title: string;
  techniques: readonly string[];
}

const sorted = (set: Set<string>) => [...set].sort(byCodePoint);

function addTo<K>(map: Map<K, Set<string>>, key: K, title: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(title);
}

export function coverageMatrix(rules: readonly MatrixRule[], attack: AttackIndex): CoverageMatrix {
  const parents = new Map<string, Set<string>>();
  const subs = new Map<string, Map<string, Set<string>>>();
  const outside = new Map<string, Set<string>>();
  for (const rule of rules) {
    for (const id of rule.techniques) {
      const technique = currentTechnique(attack, id);
      if (!technique) {
        addTo(outside, id.toUpperCase(), rule.title);
        continue;
      }
      const parent = parentTechnique(attack, technique);
      addTo(parents, parent.id, rule.title);
      if (parent !== technique) {
        let bySub = subs.get(parent.id);
        if (!bySub) subs.set(parent.id, (bySub = new Map()));
        addTo(bySub, technique.id, rule.title);
      }
    }
  }
  const techniques: MatrixTechnique[] = [...parents.keys()].map((id) => ({
    id,
    name: attack.technique(id)!.name,
    rules: sorted(parents.get(id)!),
    subtechniques: [...(subs.get(id) ?? new Map<string, Set<string>>())]
      .map(([sub, titles]) => ({ id: sub, name: attack.technique(sub)!.name, rules: sorted(titles) }))
      .sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id)),
  }));
  techniques.sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id));
  const columns = attack.tactics.map((tactic) => ({
    tactic,
    techniques: techniques.filter((t) => attack.technique(t.id)!.tactics.includes(tactic.shortname)),
  }));
  return {
    attackVersion: attack.version,
    columns,
    outside: [...outside.keys()].sort(byCodePoint).map((id) => ({
      id,
      status: attack.technique(id)?.status ?? 'unknown',
      rules: sorted(outside.get(id)!),
    })) as CoverageMatrix['outside'],
    techniqueCount: techniques.length,
    subtechniqueCount: techniques.reduce((n, t) => n + t.subtechniques.length, 0),
    maxRules: Math.max(0, ...techniques.map((t) => t.rules.length)),
  };
}

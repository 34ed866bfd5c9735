/**
 * The ATT&CK Enterprise table rulecat ships (format `rulecat-attack-table/1`,
 * written by scripts/build-attack-table.ts) and the lookups the rest of the
 * pipeline needs: a technique by ID, what replaced it, tactics in matrix order.
 */

export const ATTACK_TABLE_FORMAT = 'rulecat-attack-table/1';

export type TechniqueStatus = 'active' | 'deprecated' | 'revoked';

export interface AttackTactic {
  id: string;
  shortname: string;
  name: string;
}

export interface AttackTechnique {
  id: string;
  name: string;
  /** Tactic shortnames in matrix order; names outside the matrix (only on revoked/deprecated techniques) come last. */
  tactics: string[];
  parent: string | null;
  status: TechniqueStatus;
  /** Final replacement of a revoked technique (end of the revoked-by chain); null otherwise. */
  replacedBy: string | null;
}

export interface AttackTable {
  format: typeof ATTACK_TABLE_FORMAT;
  domain: string;
  version: string;
  source: string;
  tactics: AttackTactic[];
  techniques: AttackTechnique[];
}

export interface AttackIndex {
  version: string;
  domain: string;
  /** Tactics in matrix order. */
  tactics: readonly AttackTactic[];
  tactic(shortname: string): AttackTactic | undefined;
  technique(id: string): AttackTechnique | undefined;
}

/**
 * Tactics that left the matrix, with the tactics that took their techniques.
 * ATT&CK v19 split Defense Evasion (TA0005) into Stealth (TA0005, renamed) and
 * Defense Impairment (TA0112). The table only lists current tactics, so the
 * names that were retired are kept here.
 */
export const RETIRED_TACTICS: Readonly<Record<string, readonly string[]>> = {
  'defense-evasion': ['stealth', 'defense-impairment'],
};

export function indexAttack(table: AttackTable): AttackIndex {
  const tactics = new Map(table.tactics.map((t) => [t.shortname, t]));
  const techniques = new Map(table.techniques.map((t) => [t.id, t]));
  return {
    version: table.version,
    domain: table.domain,
    tactics: table.tactics,
    tactic: (shortname) => tactics.get(shortname),
    technique: (id) => techniques.get(id.toUpperCase()),
  };
}

/**
 * The active technique an ID stands for today: itself when active, its
 * replacement when revoked; undefined when unknown or deprecated without
 * replacement.
 */
export function currentTechnique(attack: AttackIndex, id: string): AttackTechnique | undefined {
  const t = attack.technique(id);
  if (!t) return undefined;
  if (t.status === 'active') return t;
  if (t.status === 'revoked' && t.replacedBy) {
    const next = attack.technique(t.replacedBy);
    return next?.status === 'active' ? next : undefined;
  }
  return undefined;
}

/** Current shortnames a tactic name stands for: itself, the tactics that replaced it, or none when unknown. */
export function currentTactics(attack: AttackIndex, shortname: string): readonly string[] {
  if (attack.tactic(shortname)) return [shortname];
  return (RETIRED_TACTICS[shortname] ?? []).filter((s) => attack.tactic(s));
}

/** The parent technique of a sub-technique, or the technique itself. */
export function parentTechnique(attack: AttackIndex, technique: AttackTechnique): AttackTechnique {
  return (technique.parent && attack.technique(technique.parent)) || technique;
}

/** Tactics of a technique, in matrix order, keeping only tactics of the matrix. */
export function tacticsOf(attack: AttackIndex, technique: AttackTechnique): AttackTactic[] {
  const own = new Set(technique.tactics);
  return attack.tactics.filter((t) => own.has(t.shortname));
}

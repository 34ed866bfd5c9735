/**
 * Rules' ATT&CK tags against the shipped table: unknown techniques are errors
 * (warnings for an imported index, which predates the table); revoked and
 * deprecated techniques, retired and unknown tactics are warnings that say
 * what to write instead.
 */
import { warning, type Diagnostic } from '../diagnostics.js';
import { RETIRED_TACTICS, type AttackIndex, type AttackTechnique } from './attack.js';
import type { Rule, TagRef } from './rule.js';

export interface CheckAttackOptions {
  /** Rules read from a published index: technique problems are warnings, one per ID. */
  imported: boolean;
}

function techniqueProblem(
  attack: AttackIndex,
  id: string,
  imported: boolean,
  usedBy = '',
): Omit<Diagnostic, 'file' | 'line' | 'col'> | undefined {
  const v = `ATT&CK v${attack.version}`;
  const t: AttackTechnique | undefined = attack.technique(id);
  if (!t) {
    const message = `Unknown ATT&CK technique ${id}${usedBy}, expected a technique ID of ${v} such as T1059.001`;
    return { severity: imported ? 'warning' : 'error', code: 'unknown-technique', message };
  }
  if (t.status === 'revoked') {
    const next = t.replacedBy ? attack.technique(t.replacedBy) : undefined;
    const instead = next ? `${next.id} (${next.name}), expected attack.${next.id.toLowerCase()}` : 'no technique';
    return {
      severity: 'warning',
      code: 'revoked-technique',
      message: `ATT&CK technique ${id} (${t.name})${usedBy} is revoked in ${v}, replaced by ${instead}`,
    };
  }
  if (t.status === 'deprecated') {
    return {
      severity: 'warning',
      code: 'deprecated-technique',
      message: `ATT&CK technique ${id} (${t.name})${usedBy} is deprecated in ${v} and has no replacement, expected a current technique`,
    };
  }
  return undefined;
}

function tacticProblem(attack: AttackIndex, ref: TagRef): Diagnostic | undefined {
  if (attack.tactic(ref.value)) return undefined;
  const v = `ATT&CK v${attack.version}`;
  const now = RETIRED_TACTICS[ref.value];
  if (now) {
    const names = now.map((s) => `${attack.tactic(s)?.name ?? s} (attack.${s})`).join(' or ');
    return warning(
      ref.place,
      'retired-tactic',
      `ATT&CK tactic ${ref.value} no longer exists in ${v}, expected ${names}`,
    );
  }
  const known = attack.tactics.map((t) => t.shortname).join(', ');
  return warning(ref.place, 'unknown-tactic', `Unknown ATT&CK tactic "${ref.value}", expected one of: ${known}`);
}

/** Problems with the ATT&CK tags of every rule, each at its tag. */
export function checkAttack(rules: readonly Rule[], attack: AttackIndex, options: CheckAttackOptions): Diagnostic[] {
  return options.imported ? checkImported(rules, attack) : checkTagged(rules, attack);
}

function checkTagged(rules: readonly Rule[], attack: AttackIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) {
    for (const ref of rule.techniques) {
      const p = techniqueProblem(attack, ref.value, false);
      if (p) out.push({ file: ref.place.file, line: ref.place.line, col: ref.place.col, ...p });
    }
    for (const ref of rule.tactics) {
      const p = tacticProblem(attack, ref);
      if (p) out.push(p);
    }
  }
  return out;
}

/** An index names the same old IDs in many entries: one warning per ID, at its first use, with the count. */
function checkImported(rules: readonly Rule[], attack: AttackIndex): Diagnostic[] {
  const uses = new Map<string, TagRef[]>();
  for (const rule of rules) {
    for (const ref of rule.techniques) {
      const list = uses.get(ref.value);
      if (list) list.push(ref);
      else uses.set(ref.value, [ref]);
    }
  }
  const out: Diagnostic[] = [];
  for (const [id, refs] of uses) {
    const usedBy = ` (in ${refs.length} entr${refs.length === 1 ? 'y' : 'ies'})`;
    const p = techniqueProblem(attack, id, true, usedBy);
    if (p) out.push({ file: refs[0].place.file, line: refs[0].place.line, col: refs[0].place.col, ...p });
  }
  return out;
}

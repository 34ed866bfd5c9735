/**
 * The "rich" Navigator layer (layer format 4.5, the shipped ATT&CK version):
 * score = number of rules detecting a technique, a gradient and legend that
 * say so, links from techniques to their rules' documentation, rule names
 * and efforts as metadata. Only techniques active in the shipped version
 * appear (revoked IDs count for their replacement, unknown and deprecated
 * ones are left out; the catalog check has warned about them). `tactic` is
 * set only when the rules limit a multi-tactic technique to some of its
 * tactics; otherwise one entry covers the technique under every tactic.
 */
import { byCodePoint } from '../match/coverage.js';
import { currentTactics, currentTechnique, type AttackIndex, type AttackTechnique } from '../model/attack.js';
import { ruleUrl } from './rule-url.js';

export interface LayerRule {
  id: string;
  title: string;
  effort: string;
  techniques: readonly string[];
  tactics: readonly string[];
}

export const NAVIGATOR_VERSION = '5.1.0';
export const LAYER_VERSION = '4.5';
/** Light to dark blue: few rules to many rules. */
export const GRADIENT = ['#c6dbef', '#08519c'] as const;

function hexToRgb(hex: string): number[] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Color of `score` on the gradient (the Navigator interpolates linearly in RGB). */
export function gradientColor(score: number, min: number, max: number): string {
  const t = Math.min(1, Math.max(0, (score - min) / (max - min)));
  const [a, b] = [hexToRgb(GRADIENT[0]), hexToRgb(GRADIENT[1])];
  return (
    '#' +
    a
      .map((x, i) =>
        Math.round(x + (b[i] - x) * t)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}

/** technique ID → tactic → rules (by title, first rule of a title kept). */
type Coverage = Map<string, Map<string, Map<string, LayerRule>>>;

function cover(coverage: Coverage, technique: AttackTechnique, tactics: readonly string[], rule: LayerRule): void {
  let byTactic = coverage.get(technique.id);
  if (!byTactic) coverage.set(technique.id, (byTactic = new Map()));
  for (const tactic of tactics) {
    let rules = byTactic.get(tactic);
    if (!rules) byTactic.set(tactic, (rules = new Map()));
    if (!rules.has(rule.title)) rules.set(rule.title, rule);
  }
}

/** Tactics of `technique` the rule's tactic tags point at; all of them when the tags say nothing about it. */
function limitTactics(technique: AttackTechnique, ruleTactics: ReadonlySet<string>): string[] {
  const limited = technique.tactics.filter((t) => ruleTactics.has(t));
  return limited.length > 0 ? limited : technique.tactics;
}

export function richCoverage(rules: readonly LayerRule[], attack: AttackIndex): Coverage {
  const coverage: Coverage = new Map();
  const ordered = [...rules].sort((a, b) => byCodePoint(a.title, b.title) || byCodePoint(a.id, b.id));
  for (const rule of ordered) {
    const ruleTactics = new Set(rule.tactics.flatMap((t) => currentTactics(attack, t)));
    for (const id of rule.techniques) {
      const technique = currentTechnique(attack, id);
      if (!technique) continue;
      const tactics = limitTactics(technique, ruleTactics);
      cover(coverage, technique, tactics, rule);
      const parent = technique.parent ? currentTechnique(attack, technique.parent) : undefined;
      if (parent) cover(coverage, parent, limitTactics(parent, new Set(tactics)), rule);
    }
  }
  return coverage;
}

export interface RichLayerOptions {
  /** Layer name as shown in the Navigator tab. */
  name: string;
  description: string;
  /** Pattern of a rule's documentation URL ({id}, {title}, {slug}). */
  ruleUrl: string;
}

function techniqueEntries(coverage: Coverage, attack: AttackIndex, urlPattern: string): Record<string, unknown>[] {
  const entries: Record<string, unknown>[] = [];
  for (const id of [...coverage.keys()].sort(byCodePoint)) {
    const byTactic = coverage.get(id)!;
    const all = attack.technique(id)!.tactics;
    const complete = all.every((t) => byTactic.has(t));
    const groups: [string | undefined, Map<string, LayerRule>][] = complete
      ? [[undefined, new Map([...byTactic.values()].flatMap((m) => [...m]))]]
      : all.filter((t) => byTactic.has(t)).map((t) => [t, byTactic.get(t)!]);
    for (const [tactic, byTitle] of groups) {
      const rules = [...byTitle.values()].sort((a, b) => byCodePoint(a.title, b.title));
      entries.push({
        techniqueID: id,
        tactic,
        score: rules.length,
        comment: `Rules: ${rules.map((r) => r.title).join(', ')}`,
        metadata: rules.map((r) => ({ name: r.title, value: `effort ${r.effort}` })),
        links: rules.map((r) => ({ label: r.title, url: ruleUrl(urlPattern, r) })),
      });
    }
  }
  return entries;
}

function legend(max: number, min: number, top: number): { label: string; color: string }[] {
  const rules = (n: number) => `${n} rule${n === 1 ? '' : 's'} detect${n === 1 ? 's' : ''} the technique`;
  const scores = [...new Set([1, Math.round((1 + max) / 2), max])].filter((n) => n >= 1 && n <= max);
  return scores.map((n) => ({ label: rules(n), color: gradientColor(n, min, top) }));
}

export function richLayer(
  rules: readonly LayerRule[],
  attack: AttackIndex,
  options: RichLayerOptions,
): Record<string, unknown> {
  const techniques = techniqueEntries(richCoverage(rules, attack), attack, options.ruleUrl);
  const max = Math.max(1, ...techniques.map((t) => t.score as number));
  const [min, top] = [1, Math.max(2, max)];
  return {
    name: options.name,
    versions: { attack: attack.version, navigator: NAVIGATOR_VERSION, layer: LAYER_VERSION },
    domain: attack.domain,
    description: options.description,
    layout: { layout: 'side', showID: true, expandedSubtechniques: 'annotated' },
    techniques,
    gradient: { colors: [...GRADIENT], minValue: min, maxValue: top },
    legendItems: legend(max, min, top),
    metadata: [
      { name: 'Score', value: 'number of rules that detect the technique' },
      { name: 'ATT&CK', value: `Enterprise v${attack.version}` },
      { name: 'Generator', value: 'rulecat' },
    ],
  };
}

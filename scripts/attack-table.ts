/**
 * Pure conversion of MITRE ATT&CK Enterprise data into the table shipped with
 * rulecat (generator/data/attack-enterprise.json).
 *
 * Two input forms are accepted and detected from their content:
 *  - a STIX 2.x bundle as published by MITRE ({"type":"bundle","objects":[...]});
 *  - the compact table form ({attack_version, domain, tactics[], techniques[]}).
 * Both are first read into one intermediate shape, then validated and assembled
 * by shared code so the two forms cannot drift apart in their rules.
 */

import {
  ATTACK_TABLE_FORMAT,
  type AttackTable,
  type AttackTactic,
  type AttackTechnique,
  type TechniqueStatus,
} from '../generator/model/attack.js';

export { ATTACK_TABLE_FORMAT };
export type { AttackTable, AttackTactic, AttackTechnique, TechniqueStatus };

export interface ConvertOptions {
  /** ATT&CK version used when the input does not declare one. */
  version?: string;
  /** Name of the input (usually its basename), recorded in `source`. */
  sourceName?: string;
}

export interface ConvertResult {
  table: AttackTable;
  warnings: string[];
  errors: string[];
}

const DEFAULT_DOMAIN = 'enterprise-attack';
const MITRE_SOURCE = 'mitre-attack';
const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;
const TACTIC_ID = /^TA\d{4}$/;
const SHORTNAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const VERSION = /^\d+(?:\.\d+)*$/;

type JsonRecord = Record<string, unknown>;

interface Diagnostics {
  errors: string[];
  warnings: string[];
}

/** A technique as read from either input form, before validation. */
interface ParsedTechnique {
  id: string;
  name: string;
  tactics: string[];
  /** Parent stated by the input; undefined when the input does not say. */
  declaredParent: string | null | undefined;
  status: TechniqueStatus;
  /** Direct replacement (one revoked-by step). */
  revokedBy: string | null;
  /** Final replacement when the input precomputed it (compact form only). */
  revokedByFinal: string | null;
}

interface ParsedAttack {
  version: string | undefined;
  domain: string;
  tactics: AttackTactic[];
  techniques: ParsedTechnique[];
}

// ---------------------------------------------------------------------------
// Entry points

export function convertAttack(input: unknown, options: ConvertOptions = {}): ConvertResult {
  const diag: Diagnostics = { errors: [], warnings: [] };
  const parsed = readInput(input, diag);
  if (parsed === undefined) {
    return { table: createEmptyTable(), ...diag };
  }
  const version = resolveVersion(parsed.version, options.version, diag);
  const table: AttackTable = {
    format: ATTACK_TABLE_FORMAT,
    domain: parsed.domain,
    version,
    source: describeSource(options.sourceName ?? 'input', version),
    tactics: parsed.tactics,
    techniques: [],
  };
  validateTactics(parsed.tactics, diag);
  table.techniques = assembleTechniques(parsed.techniques, parsed.tactics, diag);
  return { table, ...diag };
}

/**
 * Deterministic text form: one tactic / technique per line (diff-friendly),
 * techniques sorted by ID in code-point order, tactics kept in matrix order,
 * keys in a fixed order, trailing newline.
 */
export function serializeAttackTable(table: AttackTable): string {
  const techniques = [...table.techniques].sort((a, b) => compareCodePoints(a.id, b.id));
  const lines = [
    '{',
    ` "format": ${JSON.stringify(table.format)},`,
    ` "domain": ${JSON.stringify(table.domain)},`,
    ` "version": ${JSON.stringify(table.version)},`,
    ` "source": ${JSON.stringify(table.source)},`,
    ...serializeArrayProperty('tactics', table.tactics.map(serializeTactic), false),
    ...serializeArrayProperty('techniques', techniques.map(serializeTechnique), true),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

export function countByStatus(table: AttackTable): Record<TechniqueStatus, number> {
  const counts: Record<TechniqueStatus, number> = { active: 0, deprecated: 0, revoked: 0 };
  for (const technique of table.techniques) counts[technique.status] += 1;
  return counts;
}

// ---------------------------------------------------------------------------
// Form detection

function readInput(input: unknown, diag: Diagnostics): ParsedAttack | undefined {
  if (isRecord(input) && input.type === 'bundle' && Array.isArray(input.objects)) {
    return readStixBundle(input.objects, diag);
  }
  if (isRecord(input) && input.format === ATTACK_TABLE_FORMAT) {
    diag.errors.push(
      `input is already a ${ATTACK_TABLE_FORMAT} table; give the STIX bundle or the compact ATT&CK table it was built from`,
    );
    return undefined;
  }
  if (isRecord(input) && Array.isArray(input.tactics) && Array.isArray(input.techniques)) {
    return readCompactTable(input, diag);
  }
  diag.errors.push(
    'unrecognised input: expected a MITRE ATT&CK STIX bundle ({"type": "bundle", "objects": [...]}) ' +
      'or the compact ATT&CK table ({"attack_version", "tactics": [...], "techniques": [...]})',
  );
  return undefined;
}

function createEmptyTable(): AttackTable {
  return { format: ATTACK_TABLE_FORMAT, domain: DEFAULT_DOMAIN, version: '', source: '', tactics: [], techniques: [] };
}

function describeSource(sourceName: string, version: string): string {
  return `${sourceName} (ATT&CK v${version})`;
}

function resolveVersion(declared: string | undefined, requested: string | undefined, diag: Diagnostics): string {
  if (declared !== undefined && requested !== undefined && declared !== requested) {
    diag.warnings.push(`ignoring --version ${requested}: the input declares ATT&CK version ${declared}`);
  }
  const version = declared ?? requested;
  if (version === undefined) {
    diag.errors.push(
      'no ATT&CK version: the input declares none (x-mitre-collection x_mitre_version / attack_version); pass --version',
    );
    return '';
  }
  if (!VERSION.test(version)) {
    diag.errors.push(`invalid ATT&CK version ${JSON.stringify(version)} (expected digits and dots, e.g. "19.1")`);
  }
  return version;
}

// ---------------------------------------------------------------------------
// STIX bundle form

function readStixBundle(rawObjects: unknown[], diag: Diagnostics): ParsedAttack | undefined {
  const objects = rawObjects.filter(isRecord);
  if (objects.length !== rawObjects.length) {
    diag.errors.push(`STIX bundle: ${rawObjects.length - objects.length} entries of "objects" are not JSON objects`);
  }
  const matrix = selectMatrix(objects, diag);
  if (matrix === undefined) return undefined;

  const patterns = objects.filter((object) => object.type === 'attack-pattern');
  const attackIds = mapStixIdsToAttackIds(patterns, diag);
  const revokedBy = readRelationshipTargets(objects, 'revoked-by', attackIds, diag);
  const parents = readRelationshipTargets(objects, 'subtechnique-of', attackIds, diag);

  const techniques: ParsedTechnique[] = [];
  for (const pattern of patterns) {
    const technique = readStixTechnique(pattern, revokedBy, parents, diag);
    if (technique !== undefined) techniques.push(technique);
  }
  return {
    version: readCollectionVersion(objects, diag),
    domain: readExternalId(matrix) ?? DEFAULT_DOMAIN,
    tactics: readMatrixTactics(matrix, objects, diag),
    techniques,
  };
}

function isLive(object: JsonRecord): boolean {
  return object.revoked !== true && object.x_mitre_deprecated !== true;
}

function selectMatrix(objects: JsonRecord[], diag: Diagnostics): JsonRecord | undefined {
  const matrices = objects.filter((object) => object.type === 'x-mitre-matrix' && isLive(object));
  if (matrices.length === 1) return matrices[0];
  if (matrices.length === 0) {
    diag.errors.push('STIX bundle has no (live) x-mitre-matrix object, so the tactic order is unknown');
    return undefined;
  }
  const enterprise = matrices.filter((matrix) => readExternalId(matrix) === DEFAULT_DOMAIN);
  if (enterprise.length === 1) return enterprise[0];
  diag.errors.push(`STIX bundle has ${matrices.length} x-mitre-matrix objects and no single "${DEFAULT_DOMAIN}" one`);
  return undefined;
}

function readCollectionVersion(objects: JsonRecord[], diag: Diagnostics): string | undefined {
  const versions = new Set<string>();
  for (const object of objects) {
    if (object.type === 'x-mitre-collection' && typeof object.x_mitre_version === 'string') {
      versions.add(object.x_mitre_version);
    }
  }
  if (versions.size > 1) {
    diag.errors.push(`STIX bundle has x-mitre-collection objects with different versions: ${[...versions].join(', ')}`);
  }
  return [...versions][0];
}

function readMatrixTactics(matrix: JsonRecord, objects: JsonRecord[], diag: Diagnostics): AttackTactic[] {
  const tacticObjects = new Map<string, JsonRecord>();
  for (const object of objects) {
    if (object.type === 'x-mitre-tactic' && typeof object.id === 'string') tacticObjects.set(object.id, object);
  }
  const refs = matrix.tactic_refs;
  if (!isStringArray(refs)) {
    diag.errors.push('x-mitre-matrix has no tactic_refs list of STIX ids');
    return [];
  }
  const tactics: AttackTactic[] = [];
  for (const ref of refs) {
    const object = tacticObjects.get(ref);
    if (object === undefined) {
      diag.errors.push(`x-mitre-matrix tactic_refs names ${ref}, which is not an x-mitre-tactic in the bundle`);
      continue;
    }
    const tactic = readStixTactic(object, diag);
    if (tactic !== undefined) tactics.push(tactic);
  }
  return tactics;
}

function readStixTactic(object: JsonRecord, diag: Diagnostics): AttackTactic | undefined {
  const id = readExternalId(object);
  const shortname = object.x_mitre_shortname;
  const name = object.name;
  if (id === undefined || typeof shortname !== 'string' || typeof name !== 'string') {
    diag.errors.push(`x-mitre-tactic ${String(object.id)} lacks a mitre-attack external_id, x_mitre_shortname or name`);
    return undefined;
  }
  return { id, shortname, name };
}

function mapStixIdsToAttackIds(patterns: JsonRecord[], diag: Diagnostics): Map<string, string> {
  const attackIds = new Map<string, string>();
  for (const pattern of patterns) {
    const attackId = readExternalId(pattern);
    if (typeof pattern.id !== 'string') {
      diag.errors.push(`attack-pattern ${attackId ?? '(no ATT&CK ID)'} has no STIX id`);
    } else if (attackId === undefined) {
      diag.errors.push(`attack-pattern ${pattern.id} has no mitre-attack external_id`);
    } else {
      attackIds.set(pattern.id, attackId);
    }
  }
  return attackIds;
}

/**
 * Follows live relationships of one type between attack-patterns and returns
 * source ATT&CK ID → target ATT&CK ID. Relationships touching other object
 * types (intrusion sets, mitigations...) are not ours and are skipped.
 */
function readRelationshipTargets(
  objects: JsonRecord[],
  relationshipType: string,
  attackIds: Map<string, string>,
  diag: Diagnostics,
): Map<string, string> {
  const targets = new Map<string, string>();
  for (const object of objects) {
    if (object.type !== 'relationship' || object.relationship_type !== relationshipType || !isLive(object)) continue;
    if (typeof object.source_ref !== 'string' || typeof object.target_ref !== 'string') continue;
    const source = attackIds.get(object.source_ref);
    if (source === undefined) continue;
    const target = attackIds.get(object.target_ref);
    if (target === undefined) {
      diag.errors.push(
        `${source}: ${relationshipType} relationship points to ${object.target_ref}, which is not an attack-pattern in the bundle`,
      );
      continue;
    }
    const previous = targets.get(source);
    if (previous !== undefined && previous !== target) {
      diag.errors.push(`${source}: conflicting ${relationshipType} relationships (${previous} and ${target})`);
      continue;
    }
    targets.set(source, target);
  }
  return targets;
}

function readStixTechnique(
  pattern: JsonRecord,
  revokedBy: Map<string, string>,
  parents: Map<string, string>,
  diag: Diagnostics,
): ParsedTechnique | undefined {
  const id = readExternalId(pattern);
  if (id === undefined) return undefined; // already reported by mapStixIdsToAttackIds
  if (typeof pattern.name !== 'string') {
    diag.errors.push(`${id}: attack-pattern has no name`);
    return undefined;
  }
  warnOnSubtechniqueFlag(id, pattern.x_mitre_is_subtechnique, diag);
  return {
    id,
    name: pattern.name,
    tactics: readKillChainTactics(pattern.kill_chain_phases),
    declaredParent: parents.get(id),
    status: readStixStatus(pattern),
    revokedBy: revokedBy.get(id) ?? null,
    revokedByFinal: null,
  };
}

function readStixStatus(object: JsonRecord): TechniqueStatus {
  if (object.revoked === true) return 'revoked';
  if (object.x_mitre_deprecated === true) return 'deprecated';
  return 'active';
}

function readKillChainTactics(phases: unknown): string[] {
  if (!Array.isArray(phases)) return [];
  const tactics: string[] = [];
  for (const phase of phases) {
    if (isRecord(phase) && phase.kill_chain_name === MITRE_SOURCE && typeof phase.phase_name === 'string') {
      tactics.push(phase.phase_name);
    }
  }
  return tactics;
}

function warnOnSubtechniqueFlag(id: string, flag: unknown, diag: Diagnostics): void {
  const looksLikeSubtechnique = id.includes('.');
  if (flag !== undefined && flag !== looksLikeSubtechnique) {
    diag.warnings.push(`${id}: x_mitre_is_subtechnique is ${String(flag)}, which does not match the ID; the ID wins`);
  }
}

function readExternalId(object: JsonRecord): string | undefined {
  const references = object.external_references;
  if (!Array.isArray(references)) return undefined;
  for (const reference of references) {
    if (isRecord(reference) && reference.source_name === MITRE_SOURCE && typeof reference.external_id === 'string') {
      return reference.external_id;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Compact table form

function readCompactTable(input: JsonRecord, diag: Diagnostics): ParsedAttack {
  const version = input.attack_version;
  if (version !== undefined && typeof version !== 'string') {
    diag.errors.push('compact table: attack_version must be a string');
  }
  const domain = typeof input.domain === 'string' ? input.domain : DEFAULT_DOMAIN;
  const techniques: ParsedTechnique[] = [];
  toArray(input.techniques).forEach((entry, index) => {
    const technique = readCompactTechnique(entry, index, diag);
    if (technique !== undefined) techniques.push(technique);
  });
  return {
    version: typeof version === 'string' ? version : undefined,
    domain,
    tactics: readCompactTactics(toArray(input.tactics), diag),
    techniques,
  };
}

function readCompactTactics(entries: unknown[], diag: Diagnostics): AttackTactic[] {
  const ranked: { tactic: AttackTactic; order: number }[] = [];
  entries.forEach((entry, index) => {
    if (
      !isRecord(entry) ||
      typeof entry.id !== 'string' ||
      typeof entry.shortname !== 'string' ||
      typeof entry.name !== 'string'
    ) {
      diag.errors.push(`compact table: tactics[${index}] needs string id, shortname and name`);
      return;
    }
    const order = typeof entry.order === 'number' ? entry.order : index + 1;
    ranked.push({ tactic: { id: entry.id, shortname: entry.shortname, name: entry.name }, order });
  });
  const orders = new Set(ranked.map((item) => item.order));
  if (orders.size !== ranked.length) diag.errors.push('compact table: tactics have duplicate "order" values');
  // Array.prototype.sort is stable, so ties (already an error) keep file order.
  return ranked.sort((a, b) => a.order - b.order).map((item) => item.tactic);
}

function readCompactTechnique(entry: unknown, index: number, diag: Diagnostics): ParsedTechnique | undefined {
  if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.name !== 'string') {
    diag.errors.push(`compact table: techniques[${index}] needs string id and name`);
    return undefined;
  }
  const problems: string[] = [];
  const tactics = entry.tactics ?? [];
  if (!isStringArray(tactics)) problems.push('tactics must be a list of strings');
  const parent = readNullableString(entry.parent, 'parent', problems);
  const revokedBy = readNullableString(entry.revoked_by, 'revoked_by', problems);
  const revokedByFinal = readNullableString(entry.revoked_by_final, 'revoked_by_final', problems);
  const revoked = readOptionalBoolean(entry.revoked, 'revoked', problems);
  const deprecated = readOptionalBoolean(entry.deprecated, 'deprecated', problems);
  if (problems.length > 0 || !isStringArray(tactics)) {
    diag.errors.push(`${entry.id}: ${problems.join('; ')}`);
    return undefined;
  }
  return {
    id: entry.id,
    name: entry.name,
    tactics,
    declaredParent: parent,
    status: revoked ? 'revoked' : deprecated ? 'deprecated' : 'active',
    revokedBy: revokedBy ?? null,
    revokedByFinal: revokedByFinal ?? null,
  };
}

function readNullableString(value: unknown, field: string, problems: string[]): string | null | undefined {
  if (value === undefined || value === null || typeof value === 'string') return value;
  problems.push(`${field} must be a string or null`);
  return undefined;
}

function readOptionalBoolean(value: unknown, field: string, problems: string[]): boolean {
  if (value === undefined || typeof value === 'boolean') return value === true;
  problems.push(`${field} must be a boolean`);
  return false;
}

// ---------------------------------------------------------------------------
// Validation and assembly shared by both forms

function validateTactics(tactics: AttackTactic[], diag: Diagnostics): void {
  if (tactics.length === 0) diag.errors.push('no tactics found');
  reportDuplicates(
    tactics.map((tactic) => tactic.id),
    'tactic ID',
    diag,
  );
  reportDuplicates(
    tactics.map((tactic) => tactic.shortname),
    'tactic shortname',
    diag,
  );
  for (const tactic of tactics) {
    if (!TACTIC_ID.test(tactic.id))
      diag.errors.push(`tactic ${tactic.shortname}: malformed ID ${JSON.stringify(tactic.id)}`);
    if (!SHORTNAME.test(tactic.shortname))
      diag.errors.push(`tactic ${tactic.id}: malformed shortname ${JSON.stringify(tactic.shortname)}`);
  }
}

function assembleTechniques(parsed: ParsedTechnique[], tactics: AttackTactic[], diag: Diagnostics): AttackTechnique[] {
  reportDuplicates(
    parsed.map((technique) => technique.id),
    'technique ID',
    diag,
  );
  const byId = new Map<string, ParsedTechnique>();
  for (const technique of parsed) {
    if (!byId.has(technique.id)) byId.set(technique.id, technique);
  }
  const rank = new Map(tactics.map((tactic, index) => [tactic.shortname, index]));
  const strayTactics = new Map<string, string[]>();
  const techniques: AttackTechnique[] = [];
  for (const technique of byId.values()) {
    if (!TECHNIQUE_ID.test(technique.id)) diag.errors.push(`malformed technique ID ${JSON.stringify(technique.id)}`);
    checkTechniqueTactics(technique, rank, strayTactics, diag);
    techniques.push({
      id: technique.id,
      name: technique.name,
      tactics: orderTactics(technique.tactics, rank),
      parent: resolveParent(technique, byId, diag),
      status: technique.status,
      replacedBy: resolveReplacement(technique, byId, diag),
    });
  }
  reportStrayTactics(strayTactics, diag);
  return techniques.sort((a, b) => compareCodePoints(a.id, b.id));
}

function checkTechniqueTactics(
  technique: ParsedTechnique,
  rank: Map<string, number>,
  strayTactics: Map<string, string[]>,
  diag: Diagnostics,
): void {
  const unknown = [...new Set(technique.tactics.filter((shortname) => !rank.has(shortname)))];
  if (technique.status === 'active') {
    if (unknown.length > 0)
      diag.errors.push(`${technique.id} is active but uses tactics not in the matrix: ${unknown.join(', ')}`);
    if (technique.tactics.length === 0) diag.warnings.push(`${technique.id} is active but has no tactic`);
    return;
  }
  // Old revoked/deprecated techniques legitimately keep retired tactic names
  // (e.g. defense-evasion); they are kept and reported together.
  for (const shortname of unknown) {
    const ids = strayTactics.get(shortname) ?? [];
    ids.push(technique.id);
    strayTactics.set(shortname, ids);
  }
}

function reportStrayTactics(strayTactics: Map<string, string[]>, diag: Diagnostics): void {
  if (strayTactics.size === 0) return;
  const parts = [...strayTactics.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([shortname, ids]) => `${shortname} (${ids.sort(compareCodePoints).join(', ')})`);
  diag.warnings.push(`revoked/deprecated techniques keep tactics that are not in the matrix: ${parts.join('; ')}`);
}

function orderTactics(shortnames: string[], rank: Map<string, number>): string[] {
  const unique = [...new Set(shortnames)];
  const known = unique.filter((shortname) => rank.has(shortname));
  known.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  return [...known, ...unique.filter((shortname) => !rank.has(shortname))];
}

function deriveParentId(id: string): string | null {
  const dot = id.indexOf('.');
  return dot < 0 ? null : id.slice(0, dot);
}

function resolveParent(
  technique: ParsedTechnique,
  byId: Map<string, ParsedTechnique>,
  diag: Diagnostics,
): string | null {
  const parent = deriveParentId(technique.id);
  if (technique.declaredParent !== undefined && technique.declaredParent !== parent) {
    diag.errors.push(
      `${technique.id}: declared parent ${technique.declaredParent ?? 'none'} does not match its ID (expected ${parent ?? 'none'})`,
    );
  }
  if (parent !== null && !byId.has(parent)) {
    diag.errors.push(`sub-technique ${technique.id}: parent technique ${parent} is missing`);
  }
  return parent;
}

function resolveReplacement(
  technique: ParsedTechnique,
  byId: Map<string, ParsedTechnique>,
  diag: Diagnostics,
): string | null {
  if (technique.status !== 'revoked') {
    if (technique.revokedBy !== null || technique.revokedByFinal !== null) {
      diag.warnings.push(`${technique.id} has a revoked-by replacement but is not revoked; replacement ignored`);
    }
    return null;
  }
  const start = technique.revokedByFinal ?? technique.revokedBy;
  if (start === null) {
    diag.warnings.push(`${technique.id} is revoked but names no replacement`);
    return null;
  }
  return followRevokedChain(technique.id, start, byId, diag);
}

/** Walks revoked-by links until a technique that is not itself revoked (the final replacement). */
function followRevokedChain(
  origin: string,
  start: string,
  byId: Map<string, ParsedTechnique>,
  diag: Diagnostics,
): string | null {
  const visited = new Set([origin]);
  let current = start;
  for (;;) {
    if (visited.has(current)) {
      diag.errors.push(`${origin}: revoked-by chain loops (${[...visited, current].join(' -> ')})`);
      return null;
    }
    visited.add(current);
    const target = byId.get(current);
    if (target === undefined) {
      diag.errors.push(`${origin}: replacement ${current} is not a known technique`);
      return null;
    }
    const next = target.revokedByFinal ?? target.revokedBy;
    if (target.status !== 'revoked' || next === null) return current;
    current = next;
  }
}

function reportDuplicates(values: string[], label: string, diag: Diagnostics): void {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const [value, count] of counts) {
    if (count > 1) diag.errors.push(`duplicate ${label} ${value} (${count} entries)`);
  }
}

// ---------------------------------------------------------------------------
// Serialization helpers

function serializeArrayProperty(key: string, items: string[], isLast: boolean): string[] {
  const comma = isLast ? '' : ',';
  if (items.length === 0) return [` ${JSON.stringify(key)}: []${comma}`];
  return [
    ` ${JSON.stringify(key)}: [`,
    ...items.map((item, index) => `  ${item}${index < items.length - 1 ? ',' : ''}`),
    ` ]${comma}`,
  ];
}

function serializeTactic(tactic: AttackTactic): string {
  return serializeInlineObject([
    ['id', tactic.id],
    ['shortname', tactic.shortname],
    ['name', tactic.name],
  ]);
}

function serializeTechnique(technique: AttackTechnique): string {
  return serializeInlineObject([
    ['id', technique.id],
    ['name', technique.name],
    ['tactics', technique.tactics],
    ['parent', technique.parent],
    ['status', technique.status],
    ['replacedBy', technique.replacedBy],
  ]);
}

function serializeInlineObject(entries: [string, string | string[] | null][]): string {
  const fields = entries.map(([key, value]) => `${JSON.stringify(key)}: ${serializeInlineValue(value)}`);
  return `{${fields.join(', ')}}`;
}

function serializeInlineValue(value: string | string[] | null): string {
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// Small utilities

/** Compares by Unicode code point (plain `<` compares UTF-16 units, which differs above U+FFFF). */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (left[index].codePointAt(0) ?? 0) - (right[index].codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

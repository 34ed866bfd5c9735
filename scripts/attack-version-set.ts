/**
 * The techniques of an older ATT&CK Enterprise release, derived from the
 * current data and MITRE's release notes of every release since: the current
 * table's IDs, minus the techniques each later release added, minus the ones
 * that were already revoked or deprecated (those not revoked or deprecated by
 * a later release). Pure: no file system.
 *
 * Release notes are read in two forms MITRE publishes:
 *  - the ATT&CK website's "Updates - <Month Year>" pages (markdown): under
 *    `## Techniques` / `### Enterprise`, the links of `#### New Techniques`
 *    and the lines of `#### Revocations` / `#### Deprecations`
 *    (`* NAME (revoked by …[NEW](/techniques/T1234/001))`);
 *  - the changelog Navigator layers (`layer-enterprise.json`), whose technique
 *    comments say `addition`, `revocation` or `deprecation`.
 */

export const VERSION_SET_FORMAT = 'rulecat-attack-version/1';

/** A technique of the current data, as the compact table (`revoked_by`) or rulecat's table (`replacedBy`) has it. */
export interface CurrentTechnique {
  id: string;
  name: string;
  status: 'active' | 'revoked' | 'deprecated';
  /** The technique that revoked it directly (compact table), else the end of the chain. */
  revokedBy: string | null;
}

export interface ReleaseChanges {
  source: string;
  added: string[];
  /** Removed by ID (changelog layers). */
  removedIds: string[];
  /** Removed by name, with the ID that revoked it when the line names one (release pages). */
  removedNames: { name: string; by: string | null }[];
  /** The "Enterprise: N Techniques, M Sub-Techniques" line of a release page, when present. */
  counts?: { techniques: number; subtechniques: number };
}

export interface VersionSet {
  format: typeof VERSION_SET_FORMAT;
  domain: string;
  version: string;
  source: string;
  techniques: string[];
}

const LINK = /\/techniques\/(T\d{4})(?:\/(\d{3}))?/g;

function linkIds(line: string): string[] {
  return [...line.matchAll(LINK)].map((m) => (m[2] ? `${m[1]}.${m[2]}` : m[1]));
}

/** The Enterprise technique changes of one release page. */
export function readReleasePage(text: string, source: string): ReleaseChanges {
  const changes: ReleaseChanges = { source, added: [], removedIds: [], removedNames: [] };
  let top = '';
  let domain = '';
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const counts = /^\* Enterprise: (?:\d+ Tactics, )?(\d+) Techniques, (\d+) Sub-Techniques/.exec(line);
    if (counts) changes.counts = { techniques: Number(counts[1]), subtechniques: Number(counts[2]) };
    if (line.startsWith('## ')) [top, domain, section] = [line.slice(3).trim(), '', ''];
    else if (line.startsWith('### ')) [domain, section] = [line.slice(4).trim(), ''];
    else if (line.startsWith('#### ')) section = line.slice(5).trim();
    else if (top === 'Techniques' && domain === 'Enterprise' && /^\s*\* /.test(line)) {
      const ids = linkIds(line);
      if (section === 'New Techniques' && ids.length > 0) changes.added.push(ids[ids.length - 1]);
      else if (/^(Object )?(Revocations|Deprecations)$/.test(section)) {
        // `* Parent: Name (revoked by …)` or `* Name (revoked by …)`; a deprecation has no "revoked by".
        const m = /^\s*\* (.+?)(?: \(revoked by .*)?$/.exec(line.replace(/\s*<small.*$/, ''))!;
        const name = m[1].replace(/^\[(.*)\]\(.*\)$/, '$1');
        const short = name.includes(': ') ? name.slice(name.lastIndexOf(': ') + 2) : name;
        changes.removedNames.push({ name: short, by: line.includes('(revoked by') ? ids[ids.length - 1] : null });
      }
    }
  }
  return changes;
}

/** The changes of one changelog layer (`comment`: addition, revocation, deprecation). */
export function readChangelogLayer(value: unknown, source: string): ReleaseChanges {
  const techniques = (value as { techniques?: { techniqueID?: unknown; comment?: unknown }[] }).techniques ?? [];
  const of = (kind: RegExp) => [
    ...new Set(techniques.filter((t) => kind.test(String(t.comment))).map((t) => String(t.techniqueID))),
  ];
  return { source, added: of(/^addition$/), removedIds: of(/^(revocation|deprecation)$/), removedNames: [] };
}

/**
 * The techniques active in the release before `releases` (oldest first or in
 * any order: only sets are used). Problems are names that match no or several
 * revoked techniques, and release counts the derivation contradicts.
 */
export function deriveVersionSet(
  current: readonly CurrentTechnique[],
  releases: readonly ReleaseChanges[],
): { techniques: string[]; problems: string[] } {
  const problems: string[] = [];
  const added = new Set(releases.flatMap((r) => r.added));
  const removedLater = new Set(releases.flatMap((r) => r.removedIds));
  for (const release of releases)
    for (const { name, by } of release.removedNames) {
      // Several techniques can bear one name: an older one revoked long ago in favour of a newer one of the
      // same name (T1054 and T1562.006, Indicator Blocking). A release note names the newest, and IDs are
      // handed out in increasing order, so the highest ID is the one the note means.
      const candidates = current
        .filter((t) => t.status !== 'active' && t.name === name && (by === null || t.revokedBy === by))
        .sort((a, b) => byId(b.id, a.id));
      if (candidates.length > 0) removedLater.add(candidates[0].id);
      else problems.push(`${release.source}: "${name}" (revoked by ${by ?? 'nothing'}) matches no revoked technique`);
    }
  const techniques = current
    .filter((t) => !added.has(t.id) && (t.status === 'active' || removedLater.has(t.id)))
    .map((t) => t.id)
    .sort();
  return { techniques, problems };
}

/** Compare IDs by number: T1054 < T1562 < T1562.006. */
function byId(a: string, b: string): number {
  const [pa, sa] = a.slice(1).split('.').map(Number);
  const [pb, sb] = b.slice(1).split('.').map(Number);
  return pa - pb || (sa ?? 0) - (sb ?? 0);
}

/** Techniques (without a dot) and sub-techniques of a list of IDs. */
export function countIds(ids: readonly string[]): { techniques: number; subtechniques: number } {
  const subtechniques = ids.filter((id) => id.includes('.')).length;
  return { techniques: ids.length - subtechniques, subtechniques };
}

/** The current data's techniques, from the compact ATT&CK table or a rulecat table. */
export function currentTechniques(value: unknown): CurrentTechnique[] | undefined {
  const list = (value as { techniques?: unknown }).techniques;
  if (!Array.isArray(list)) return undefined;
  return list.map((t: Record<string, unknown>) => ({
    id: String(t.id),
    name: String(t.name),
    status:
      t.status === 'revoked' || t.revoked === true
        ? 'revoked'
        : t.status === 'deprecated' || t.deprecated === true
          ? 'deprecated'
          : 'active',
    revokedBy: (t.revoked_by ?? t.replacedBy ?? null) as string | null,
  }));
}

/**
 * The include audit, as a pure function of what the docs include and what
 * was generated: includes of pages that do not exist, pages with rules that
 * nothing includes, intakes included more than once.
 */
import type { IncludeLine } from './find-includes.js';

export interface GeneratedPage {
  /** File name of the generated page. */
  name: string;
  uuid: string;
  /** Number of rule blocks on the page (0: the one-line page of an intake without rules). */
  rules: number;
}

export interface AuditReport {
  includes: number;
  generated: number;
  /** Includes of a generated page that does not exist. */
  missing: IncludeLine[];
  /** Generated pages with rules included by no docs page. */
  notIncluded: GeneratedPage[];
  /** Generated pages without rules included by no docs page (reported, not a problem). */
  notIncludedWithoutRules: GeneratedPage[];
  /** Intakes whose page is included more than once, with every include. */
  includedTwice: { uuid: string; includes: IncludeLine[] }[];
}

export function problemCount(report: AuditReport): number {
  return report.missing.length + report.notIncluded.length + report.includedTwice.length;
}

export function auditIncludes(
  includes: readonly IncludeLine[],
  pages: readonly GeneratedPage[],
  exists: (include: IncludeLine) => boolean,
): AuditReport {
  const byUuid = new Map<string, IncludeLine[]>();
  for (const include of includes) {
    const list = byUuid.get(include.uuid);
    if (list) list.push(include);
    else byUuid.set(include.uuid, [include]);
  }
  const unincluded = pages.filter((p) => !byUuid.has(p.uuid));
  return {
    includes: includes.length,
    generated: pages.length,
    missing: includes.filter((i) => !exists(i)),
    notIncluded: unincluded.filter((p) => p.rules > 0),
    notIncludedWithoutRules: unincluded.filter((p) => p.rules === 0),
    includedTwice: [...byUuid].filter(([, list]) => list.length > 1).map(([uuid, list]) => ({ uuid, includes: list })),
  };
}

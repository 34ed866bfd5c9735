/**
 * Include lines of a docs page (docs/format.md#docs-includes): MkDocs' markdown-include pulls a
 * generated intake page into the intake's page with
 *   {!_shared_content/operations_center/detection/generated/suggested_rules_<uuid>_do_not_edit_manually.md!}
 */

export interface IncludeLine {
  /** Docs page, as shown in messages. */
  file: string;
  line: number;
  col: number;
  /** Included path as written. */
  target: string;
  /** Intake uuid, lower case. */
  uuid: string;
}

export const PAGE_NAME =
  /^suggested_rules_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_do_not_edit_manually\.md$/i;

const INCLUDE =
  /\{!\s*([^\s!{}]*?suggested_rules_([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})_do_not_edit_manually\.md)\s*!\}/g;

/** Every include of a generated intake page in `text`, in order. */
export function findIncludes(file: string, text: string): IncludeLine[] {
  const out: IncludeLine[] = [];
  text.split(/\r\n?|\n/).forEach((content, i) => {
    for (const m of content.matchAll(INCLUDE)) {
      out.push({ file, line: i + 1, col: (m.index ?? 0) + 1, target: m[1], uuid: m[2].toLowerCase() });
    }
  });
  return out;
}

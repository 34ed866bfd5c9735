/**
 * The links page: every intake with its rule count, technique count and the
 * Navigator link of its layer, and the catalog-wide layer. Built from the
 * planned outputs, not from the catalog: an intake gets a link only when its
 * layer is among the files this run writes, so the page never points to a
 * layer that no longer exists.
 */
import { byCodePoint } from '../match/coverage.js';
import type { PlannedFile } from './planned-file.js';
import type { Views } from './views.js';

export interface LinkRow {
  name: string;
  uuid: string;
  module: string;
  rules: number;
  techniques: number;
  layerFile: string | null;
  layerUrl: string | null;
  navigatorLink: string | null;
}

export interface LinksView {
  /** The catalog-wide layer, when it is written. */
  catalog: LinkRow | null;
  intakes: LinkRow[];
  /** Totals over intakes: with rules, with a layer. */
  withRules: number;
  withLayer: number;
}

/** Distinct technique IDs of a planned layer. */
function techniqueCount(layer: unknown): number {
  const techniques = (layer as { techniques?: { techniqueID?: unknown }[] } | undefined)?.techniques ?? [];
  return new Set(techniques.map((t) => t.techniqueID)).size;
}

export function linksView(planned: readonly PlannedFile[], views: Views): LinksView {
  const byPath = new Map(planned.map((f) => [f.path, f]));
  type Layered = { layerFile: string; layerUrl: string; navigatorLink: string };
  // The layer object the planned file renders: `layer` of an intake context, `catalogLayer.layer` of the catalog's.
  const row = (
    base: Omit<LinkRow, 'techniques' | 'layerFile' | 'layerUrl' | 'navigatorLink'>,
    layer: Layered,
    written: (c: Record<string, unknown>) => unknown,
  ): LinkRow => {
    const file = byPath.get(layer.layerFile);
    return file
      ? {
          ...base,
          techniques: techniqueCount(written(file.context)),
          layerFile: layer.layerFile,
          layerUrl: layer.layerUrl,
          navigatorLink: layer.navigatorLink,
        }
      : { ...base, techniques: 0, layerFile: null, layerUrl: null, navigatorLink: null };
  };
  const intakes = views.intakes
    .map((v) =>
      row(
        { name: v.intake.name, uuid: v.intake.uuid, module: v.intake.module, rules: v.rules.length },
        v,
        (c) => c.layer,
      ),
    )
    .sort((a, b) => byCodePoint(a.name, b.name) || byCodePoint(a.uuid, b.uuid));
  const c = views.catalogLayer;
  const catalog =
    c && byPath.has(c.layerFile)
      ? row(
          { name: c.name, uuid: '', module: '', rules: views.rules.length },
          c,
          (x) => (x.catalogLayer as { layer?: unknown } | undefined)?.layer,
        )
      : null;
  return {
    catalog,
    intakes,
    withRules: intakes.filter((r) => r.rules > 0).length,
    withLayer: intakes.filter((r) => r.layerFile).length,
  };
}

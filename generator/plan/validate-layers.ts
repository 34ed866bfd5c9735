/**
 * Every layer a run writes is checked against the Navigator layer schema of
 * its format before anything is written (docs/format.md#layer-validation): a
 * JSON output with `versions`, `domain` and `techniques` is a layer.
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { layerForm, layerProblems } from '../load/layer-schemas.js';

function isLayer(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'versions' in value && 'techniques' in value
  );
}

/** Errors naming the output file and the JSON path of each value a layer schema refuses. */
export function validateLayerFiles(
  files: Iterable<{ path: string; readonly content: string }>,
  outDisplay: string,
  diagnostics: Diagnostic[],
): void {
  for (const file of files) {
    if (!file.path.endsWith('.json')) continue;
    let value: unknown;
    try {
      value = JSON.parse(file.content);
    } catch {
      continue;
    }
    if (!isLayer(value)) continue;
    const form = layerForm(value);
    const shown = outDisplay ? `${outDisplay}/${file.path}` : file.path;
    for (const p of layerProblems(value, form).slice(0, 20))
      diagnostics.push(
        error(
          wholeFile(shown),
          'layer-schema',
          `Layer value at ${p.path || '/'} ${p.message}, expected a valid ${form === 'rich' ? 'Navigator layer 4.5' : 'compat (model) layer'}`,
        ),
      );
  }
}

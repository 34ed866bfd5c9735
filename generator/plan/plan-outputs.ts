/**
 * The plan: every output file with the template and data that make it.
 * Pure: no file system. Two outputs with one path is an error naming both.
 */
import { error, wholeFile, type Diagnostic } from '../diagnostics.js';
import { linksView } from './links-view.js';
import { checkOutputPath } from './output-paths.js';
import type { PlannedFile } from './planned-file.js';
import type { OutputTemplate } from '../load/read-templates.js';
import type { Views } from './views.js';

export { checkOutputPath, MANIFEST_NAME } from './output-paths.js';

export type { PlannedFile };

function lookup(context: unknown, dotted: string): unknown {
  let v: unknown = context;
  for (const key of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || !(key in v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** `{{a.b}}` substitution for output paths (no helpers: paths come from data only). */
export function expandPath(pattern: string, context: unknown): { path?: string; problem?: string } {
  let problem: string | undefined;
  const out = pattern.replace(/\{\{\s*([\w.@-]+)\s*\}\}/g, (_, key: string) => {
    const v = lookup(context, key);
    if (typeof v !== 'string' && typeof v !== 'number') {
      problem ??= `"{{${key}}}" is not a string or number in this context`;
      return '';
    }
    return String(v);
  });
  return problem ? { problem } : { path: out };
}

function contextsFor(
  template: OutputTemplate,
  views: Views,
  planned: readonly PlannedFile[],
): Record<string, unknown>[] {
  switch (template.each) {
    case 'intake':
      return views.intakes.map((v) => ({ ...v }));
    case 'catalog':
      return [{ ...views }];
    case 'outputs':
      return [{ ...views, links: linksView(planned, views) }];
  }
}

/**
 * Two passes: every `intake` and `catalog` template first, then the
 * `outputs` templates, which see what the first pass plans to write.
 */
export function planOutputs(
  templates: readonly OutputTemplate[],
  views: Views,
  diagnostics: Diagnostic[],
): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const owners = new Map<string, string>();
  const passes = [templates.filter((t) => t.each !== 'outputs'), templates.filter((t) => t.each === 'outputs')];
  for (const template of passes.flat()) {
    for (const context of contextsFor(template, views, [...planned])) {
      if (template.when !== undefined) {
        const v = lookup(context, template.when);
        if (!v) continue;
      }
      const { path, problem } = expandPath(template.output, context);
      const bad = problem ?? (path !== undefined ? checkOutputPath(path) : 'is missing');
      if (bad || path === undefined) {
        diagnostics.push(
          error(
            wholeFile(template.file),
            'output-path',
            `Output path "${path ?? template.output}" ${bad}, expected a relative path inside the output folder`,
          ),
        );
        continue;
      }
      const owner = owners.get(path);
      if (owner) {
        diagnostics.push(
          error(
            wholeFile(template.file),
            'duplicate-output',
            `Output "${path}" is also written by ${owner}, expected each output path once`,
          ),
        );
        continue;
      }
      owners.set(path, template.file);
      planned.push({ path, template, context });
    }
  }
  return planned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

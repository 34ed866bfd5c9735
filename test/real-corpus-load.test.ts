/**
 * Every intake of ../shared/data/intake-formats and every SigmaHQ rule loads;
 * failures are listed with their reasons, and more than 1% of either fails the test.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../generator/diagnostics.js';
import { readIntakes } from '../generator/load/read-intakes.js';
import { readRules } from '../generator/load/read-rules.js';
import { DEFAULT_EFFORT_BY_LEVEL } from '../generator/model/rule.js';
import { haveShared, shared } from './shared.js';

const available = haveShared('data', 'intake-formats') && haveShared('data', 'sigmahq');

function failedFiles(diagnostics: { file: string; severity: string }[]): Set<string> {
  return new Set(diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
}

describe.skipIf(!available)('real corpora load', () => {
  it('loads at least 99% of the intakes', () => {
    const { intakes, diagnostics } = readIntakes([shared('data', 'intake-formats')], { platformFields: [] });
    const failed = failedFiles(diagnostics);
    if (failed.size > 0) console.log(`intake load failures:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    const total = intakes.length + failed.size;
    expect(total).toBeGreaterThanOrEqual(222);
    expect(failed.size / total).toBeLessThanOrEqual(0.01);
    const trail = intakes.find((i) => i.uuid === 'd3a813ac-f9b5-451c-a602-a5994544d9ed')!;
    expect(trail.name).toBe('AWS CloudTrail');
    expect(trail.module).toEqual({ folder: 'AWS', name: 'AWS' });
    expect(trail.fields.has('event.provider')).toBe(true);
    expect(trail.fields.has('action.properties.userIdentity.arn')).toBe(true); // from tests only
    expect(trail.constants.get('cloud.provider')).toEqual(['aws']);
    expect(trail.sources.get('event.provider')).toContain('json_event.message.eventSource');
  });

  it('loads at least 99% of the SigmaHQ rules', () => {
    const folders = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) =>
      shared('data', 'sigmahq', f),
    );
    const { rules, diagnostics, files } = readRules(folders, { effortByLevel: DEFAULT_EFFORT_BY_LEVEL });
    const failed = failedFiles(diagnostics);
    if (failed.size > 0) console.log(`rule load failures:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
    expect(files).toBeGreaterThan(3700);
    expect(failed.size / files).toBeLessThanOrEqual(0.01);
    expect(rules.length).toBeGreaterThanOrEqual(files - failed.size);
    expect(readdirSync(shared('data', 'sigmahq', 'rules')).length).toBeGreaterThan(0);
  });
});

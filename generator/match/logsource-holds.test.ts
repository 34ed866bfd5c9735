/**
 * Matching every intake asks a log-source part only whether it fits
 * (`holds`, no evidence text); explain asks why (`fit`). Both must agree on
 * every intake, for every entry of the shipped table and for names it lacks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeIntake } from '../../test/builders.js';
import type { Diagnostic } from '../diagnostics.js';
import { readYamlFile } from '../load/read-yaml-file.js';
import { readLogsourceTable } from '../model/logsource-table.js';
import type { LogSource } from '../model/rule.js';
import { SHIPPED_LOGSOURCES } from '../package-paths.js';
import { logsourceParts } from './logsource.js';

const diagnostics: Diagnostic[] = [];
const table = readLogsourceTable(readYamlFile(SHIPPED_LOGSOURCES, 'logsources.yaml', diagnostics)!, diagnostics);
if (diagnostics.length > 0) throw new Error(`shipped table: ${diagnostics.map((d) => d.message).join('; ')}`);

const WORDS = ['aws', 'windows', 'Okta', 'proxy', 'Palo Alto', 'linux', 'azure', 'gcp', 'github', 'apache', 'dns'];
const FIELDS = ['cloud.provider', 'event.code', 'process.executable', 'url.original', 'dns.question.name', 'x.y'];

const intake = fc
  .record({
    module: fc.constantFrom(...WORDS),
    name: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' ')),
    dataSources: fc.subarray(['Web proxy', 'Process creation', 'Authentication logs', 'DNS records']),
    fields: fc.subarray(FIELDS),
    constant: fc.option(fc.constantFrom('aws', 'gcp', 'azure')),
  })
  .map((s) =>
    makeIntake({
      name: s.name,
      module: s.module,
      dataSources: s.dataSources,
      fields: [...s.fields, ...(s.constant ? ['cloud.provider'] : [])],
      constants: s.constant ? { 'cloud.provider': [s.constant] } : {},
    }),
  );

describe('log-source parts', () => {
  it('hold on an intake exactly when their fit says so', () => {
    const logsources: LogSource[] = [
      ...Object.keys(table.products).map((product) => ({ product })),
      ...Object.keys(table.services).map((key) => {
        const [product, service] = key.includes('/') ? key.split('/') : [undefined, key];
        return { product: product || undefined, service: service === '*' ? 'anything' : service };
      }),
      ...Object.keys(table.categories).map((category) => ({ category })),
      { product: 'github' },
      { service: 'apache' },
      { category: 'not_in_table' },
    ];
    const parts = logsources.flatMap((ls) => logsourceParts(ls, table));
    fc.assert(
      fc.property(intake, (i) => {
        for (const part of parts) expect(part.holds(i), part.key).toBe(part.fit(i).fits);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * gaps and explain on the real corpora: SigmaHQ rules against the real
 * intakes. Azure Activity Logs copies `operationName.value`: rules testing
 * `operationName` apply there, and no suggestion asks to add it; Windows
 * rules read under several pipelines get one suggestion per missing field.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../generator/config.js';
import { explainPair } from '../generator/match/explain.js';
import { intakeGaps } from '../generator/match/gaps.js';
import { matchCatalog } from '../generator/match/match-catalog.js';
import { runPipeline } from '../generator/pipeline.js';
import { haveShared, REPO, shared } from './shared.js';

const available =
  haveShared('data', 'sigmahq') && haveShared('data', 'intake-formats') && haveShared('data', 'sigma-ecs-mapping.yaml');

async function load(fieldMapping: string | string[]) {
  const { config } = resolveConfig(REPO, undefined, {
    rules: ['rules', 'rules-emerging-threats', 'rules-threat-hunting'].map((f) => shared('data', 'sigmahq', f)),
    intakes: [shared('data', 'intake-formats')],
    fieldMapping,
  });
  const loaded = await runPipeline(config, { noMatch: true });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const options = { mode: 'default' as const, ...loaded.matchInputs };
  return { catalog: loaded.catalog, options, match: matchCatalog(loaded.catalog, options) };
}

describe.skipIf(!available)('real corpora gaps', () => {
  it('never proposes operationName to Azure Activity Logs, whose parser copies operationName.value', async () => {
    // No mapping at all: rules are read as written, so only the parser says what operationName is.
    const { catalog, options, match } = await load('none');
    const azure = catalog.intakes.find((i) => i.name.startsWith('Azure Activity Logs'))!;
    const gaps = intakeGaps(azure, catalog, match, options);
    const named = gaps.flatMap((g) =>
      g.fixes.flatMap((f) => [f.name, ...f.sigma, ...f.alternatives.map((a) => a.name)]),
    );
    expect(named.filter((n) => /^operationname$/i.test(n))).toEqual([]);
    // Fields the parser copies elsewhere are proposed as copies of the raw path, never as bare additions.
    for (const f of gaps.flatMap((g) => g.fixes).filter((f) => /^(category|operationname)value$/i.test(f.name)))
      expect(f.parser).toMatchObject({ kind: 'copies', raw: expect.stringMatching(/\.value$/) });
    const rule = catalog.rules.find((r) => r.title === 'Azure Kubernetes Admission Controller')!;
    expect(match.intakesByRule.get(rule)).toContain(azure);
    const e = explainPair(rule, azure, catalog, options);
    const field = e.identifiers[0].alternatives[0].tests[0].fields[0];
    expect(field.derived).toEqual([
      { raw: 'parsed_event.message.operationName.value', target: 'event.action', how: 'value' },
    ]);
    expect(field.producers[0]).toMatchObject({
      field: 'event.action',
      origin: 'parser',
      place: { file: expect.stringMatching(/azure-activity-logs\/ingest\/parser\.yml$/), line: expect.any(Number) },
      copies: [{ raw: 'parsed_event.message.operationName.value', place: { line: expect.any(Number) } }],
    });
  }, 180_000);

  it('proposes each missing Windows field once whatever the pipeline naming it', async () => {
    const { catalog, options, match } = await load(shared('data', 'sigma-ecs-mapping.yaml'));
    const windows = catalog.intakes.find((i) => i.name === 'Windows')!;
    const gaps = intakeGaps(windows, catalog, match, options).slice(0, 30);
    // Before: +Initiated, +network.direction, +action.properties.Initiated, +event_data.Initiated, one each.
    const single = gaps.filter((g) => g.fixes.length === 1 && g.fixes[0].sigma.includes('Initiated'));
    expect(single.map((g) => g.fields)).toEqual([['action.properties.Initiated']]);
    expect(single[0].fixes[0].alternatives.map((a) => a.name)).toEqual(
      expect.arrayContaining(['Initiated', 'network.direction']),
    );
    // The Windows parser copies the whole event into action.properties: declaring the field is the fix.
    expect(single[0].fixes[0].parser).toMatchObject({ kind: 'copies-object', field: 'action.properties' });
    const keys = gaps.map((g) => JSON.stringify(g.fixes.map((f) => f.sigma)));
    const repeated = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(repeated).toEqual([]);
  }, 180_000);
});

import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { readYamlDocs } from '../load/read-yaml.js';
import { renamingsFor } from '../match/renaming.js';
import { mergeFieldMappings, readFieldMapping } from './field-mapping.js';
import { chainOf, readSigmaPipeline, type SigmaPipeline } from './sigma-pipeline.js';

function pipeline(file: string, text: string, diagnostics: Diagnostic[] = []): SigmaPipeline {
  const p = readSigmaPipeline(readYamlDocs(file, text).docs[0], diagnostics);
  expect(p).toBeDefined();
  return p!;
}

const ECS = `
name: acme ecs
priority: 20
transformations:
  - id: windows
    type: field_name_mapping
    mapping:
      CommandLine: process.command_line
      Image: [process.executable, process.name]
    rule_conditions:
      - type: logsource
        product: windows
  - id: proxy
    type: field_name_mapping
    mapping: {c-uri: url.original}
    rule_conditions:
      - {type: logsource, category: proxy}
      - {type: logsource, category: webserver}
    rule_cond_op: or
  - type: add_condition
    conditions: {event.module: acme}
  - type: add_condition
    conditions: {event.module: other}
`;

describe('pySigma processing pipelines', () => {
  it('read field_name_mapping steps with their log-source conditions and skip other types once, by name', () => {
    const diagnostics: Diagnostic[] = [];
    const p = pipeline('ecs.yml', ECS, diagnostics);
    expect(p).toMatchObject({ name: 'acme ecs', priority: 20 });
    expect(p.steps.map((s) => s.name)).toEqual(['acme ecs/windows', 'acme ecs/proxy']);
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`)).toEqual([
      '20:11 warning pipeline-transformation-skipped',
    ]);
    expect(diagnostics[0].message).toContain('"add_condition"');
  });

  it('rename fields when their conditions hold (and: all; or: any), as one more reading', () => {
    const m = chainOf([pipeline('ecs.yml', ECS)], 'ecs.yml');
    const [windows] = renamingsFor({ product: 'windows', category: 'process_creation' }, m);
    expect(windows.pipeline).toBe('acme ecs');
    expect(windows.targets('Image')).toEqual(['process.executable', 'process.name']);
    expect(windows.targets('User')).toEqual(['User']);
    expect(windows.mapped('User')).toBe(false);
    expect(windows.source?.('CommandLine')).toMatchObject({ file: 'ecs.yml', line: 8, col: 7 });
    expect(renamingsFor({ category: 'webserver' }, m)[0].targets('c-uri')).toEqual(['url.original']);
    expect(renamingsFor({ product: 'linux' }, m).map((r) => r.pipeline)).toEqual([null]);
  });

  it('chain steps in ascending priority, each renaming what the previous produced (prefixes included)', () => {
    const late = pipeline(
      'late.yml',
      'name: late\npriority: 50\ntransformations:\n  - type: field_name_prefix_mapping\n    mapping: {"process.": "proc."}\n',
    );
    const early = pipeline(
      'early.yml',
      'name: early\npriority: 10\ntransformations:\n  - type: field_name_mapping\n    mapping: {CommandLine: process.command_line}\n',
    );
    const [r] = renamingsFor({ product: 'windows' }, chainOf([late, early], 'p'));
    expect(r.pipeline).toBe('early + late');
    expect(r.targets('CommandLine')).toEqual(['proc.command_line']);
    expect(r.targets('process.pid')).toEqual(['proc.pid']);
  });

  it('skip a step whose condition cannot be decided, with a warning naming the condition', () => {
    const diagnostics: Diagnostic[] = [];
    const p = pipeline(
      'x.yml',
      'name: x\ntransformations:\n  - type: field_name_mapping\n    mapping: {a: b}\n    rule_conditions:\n      - type: contains_field\n        field: a\n',
      diagnostics,
    );
    expect(p.steps).toEqual([]);
    expect(diagnostics.map((d) => d.code)).toEqual(['pipeline-condition-skipped']);
  });

  it('refuse what is not a pipeline, naming the place', () => {
    const diagnostics: Diagnostic[] = [];
    expect(readSigmaPipeline(readYamlDocs('bad.yml', 'name: x\n').docs[0], diagnostics)).toBeUndefined();
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual(['bad.yml:1:1 pipeline-type']);
  });
});

describe('mapping keys', () => {
  it('match exactly first, then in another case when only one key does', () => {
    const diagnostics: Diagnostic[] = [];
    const m = readFieldMapping(
      readYamlDocs(
        'm.yml',
        'mappings:\n  - pipeline: p\n    logsource: {product: azure}\n    fields: {ResultType: error.code, resultDescription: error.message, Status: a, status: b}\n',
      ).docs[0],
      diagnostics,
    );
    const [r] = renamingsFor({ product: 'azure' }, m);
    expect(r.targets('resulttype')).toEqual(['error.code']);
    expect(r.targets('ResultDescription')).toEqual(['error.message']);
    expect(r.targets('status')).toEqual(['b']);
    expect(r.targets('STATUS')).toEqual(['STATUS']);
  });

  it('merge files so that a later file wins over an equally specific entry of the same pipeline', () => {
    const read = (file: string, target: string) =>
      readFieldMapping(
        readYamlDocs(
          file,
          `mappings:\n  - pipeline: rulecat\n    logsource: {product: x}\n    fields: {A: ${target}}\n`,
        ).docs[0],
        [],
      );
    const merged = mergeFieldMappings([read('shipped.yml', 'a.shipped'), read('mine.yml', 'a.mine')])!;
    expect(renamingsFor({ product: 'x' }, merged)[0].targets('A')).toEqual(['a.mine']);
    expect(renamingsFor({ product: 'x' }, merged)[0].source?.('A')?.file).toBe('mine.yml');
  });
});

import { describe, expect, it } from 'vitest';
import { readYamlDocs } from '../load/read-yaml.js';
import { readFieldMapping } from '../model/field-mapping.js';
import { renamingsFor } from './renaming.js';

const MAPPING = `
mappings:
  - pipeline: p1
    logsource: {product: windows}
    unmapped_fields: 'any field not listed is prefixed: winlog.event_data.<SigmaField>'
    fields: {Image: process.executable, CommandLine: winlog.cmd}
  - pipeline: p1
    logsource: {product: windows, category: process_creation}
    fields: {CommandLine: process.command_line}
  - pipeline: p2
    logsource: {product: windows}
    fields: {Image: [process.executable, process.name]}
  - pipeline: p3
    logsource: {category: proxy}
    also_for: [{category: webserver}]
    fields: {c-uri: url.original}
  - pipeline: zeek
    logsource: {product: zeek, service: conn}
    also_for: [{category: firewall, rewritten_to: {product: zeek, service: conn}}]
    fields: {dst_port: destination.port}
`;

function mapping() {
  const diagnostics: never[] = [];
  const doc = readYamlDocs('map.yml', MAPPING).docs[0];
  const m = readFieldMapping(doc, diagnostics);
  expect(diagnostics).toEqual([]);
  return m;
}

describe('field renaming under a mapping', () => {
  it('offers every applicable pipeline as an alternative, most specific entry first', () => {
    const readings = renamingsFor({ product: 'windows', category: 'process_creation' }, mapping());
    expect(readings.map((r) => r.pipeline)).toEqual(['p1', 'p2']);
    expect(readings[0].targets('CommandLine')).toEqual(['process.command_line']);
    expect(readings[0].targets('Image')).toEqual(['process.executable']);
    expect(readings[1].targets('Image')).toEqual(['process.executable', 'process.name']);
  });

  it('prefixes or keeps unlisted fields as the pipeline says', () => {
    const [p1, p2] = renamingsFor({ product: 'windows', service: 'security' }, mapping());
    expect(p1.targets('CommandLine')).toEqual(['winlog.cmd']);
    expect(p1.targets('TargetUserName')).toEqual(['winlog.event_data.TargetUserName']);
    expect(p1.mapped('TargetUserName')).toBe(false);
    expect(p2.targets('TargetUserName')).toEqual(['TargetUserName']);
  });

  it('compares log-source names without case, as the log-source table does', () => {
    const readings = renamingsFor({ product: 'Windows', category: 'PROCESS_CREATION' }, mapping());
    expect(readings.map((r) => r.pipeline)).toEqual(['p1', 'p2']);
    expect(readings[0].targets('CommandLine')).toEqual(['process.command_line']);
    expect(renamingsFor({ category: 'WebServer' }, mapping())[0].targets('c-uri')).toEqual(['url.original']);
  });

  it('follows also_for, with and without a rewritten log source', () => {
    expect(renamingsFor({ category: 'webserver' }, mapping())[0].targets('c-uri')).toEqual(['url.original']);
    expect(renamingsFor({ category: 'firewall' }, mapping())[0].targets('dst_port')).toEqual(['destination.port']);
  });

  it('keeps names as written when no pipeline applies or there is no mapping', () => {
    expect(renamingsFor({ product: 'okta' }, mapping()).map((r) => [r.pipeline, r.targets('eventType')])).toEqual([
      [null, ['eventType']],
    ]);
    expect(renamingsFor({ product: 'windows' }, undefined)[0].targets('Image')).toEqual(['Image']);
  });
});

/**
 * Parser facts from a parser.yml: copies, reads, literals, and templates that
 * cannot be parsed reported at their place in the YAML.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { readYamlDocs } from '../load/read-yaml.js';
import { readParserFacts } from './parser.js';

function facts(text: string) {
  const { docs, diagnostics } = readYamlDocs('intake/ingest/parser.yml', text);
  expect(diagnostics).toEqual([]);
  const found: Diagnostic[] = [];
  return { facts: readParserFacts(docs[0], found), diagnostics: found };
}

const PARSER = `name: sample
pipeline:
  - name: parsed
    external:
      name: json.parse-json
      properties:
        input_field: "{{original.message}}"
        output_field: message
  - name: main
    filter: "{{parsed.message.kind == 'audit'}}"
stages:
  main:
    actions:
      - set:
          event.action: "{{parsed.message.Operation.rstrip('.')}}"
          user.id: "{{parsed.message.get('UserId')}}"
          user.name: "{{parsed.message.user | lower if parsed.message.user is defined else None}}"
          source.address: "{{parsed.message.host}}:{{parsed.message.port}}"
          event.category: ["iam"]
          related.ip: ["{{parsed.message.src}}", "{{parsed.message.dst}}"]
      - set:
          event.outcome: "failure"
        filter: "{{parsed.message.get('Status') != 'Succeeded'}}"
      - translate:
          dictionary: {"1": "low"}
          mapping:
            level: event.severity
          fallback: "{{parsed.message.level_name}}"
`;

describe('parser facts', () => {
  it('record the raw paths set templates copy, through methods, filters and conditionals', () => {
    const { facts: f, diagnostics } = facts(PARSER);
    expect(diagnostics).toEqual([]);
    expect(Object.fromEntries(f.sources)).toEqual({
      'event.action': ['parsed.message.Operation'],
      'user.id': ['parsed.message.UserId'],
      'user.name': ['parsed.message.user'],
      'related.ip': ['parsed.message.src', 'parsed.message.dst'],
    });
    expect([...f.fields].sort()).toEqual([
      'event.action',
      'event.category',
      'event.outcome',
      'event.severity',
      'related.ip',
      'source.address',
      'user.id',
      'user.name',
    ]);
  });

  it('keep paths only read apart: filters, external inputs, computed values, translate fallbacks', () => {
    const { facts: f } = facts(PARSER);
    expect([...f.reads].sort()).toEqual([
      'original.message',
      'parsed.message.Status',
      'parsed.message.host',
      'parsed.message.kind',
      'parsed.message.level_name',
      'parsed.message.port',
    ]);
    for (const raws of f.sources.values()) for (const r of raws) expect(f.reads.has(r)).toBe(false);
  });

  it('keep literals and mark computed fields as before', () => {
    const { facts: f } = facts(PARSER);
    expect(Object.fromEntries(f.literals)).toEqual({ 'event.category': ['iam'], 'event.outcome': ['failure'] });
    expect(f.externals).toEqual(new Map([['parsed', 'json.parse-json']]));
  });
});

describe('places of parser facts', () => {
  it('say where each field is first written: its set key, or the target of its translate mapping', () => {
    const { facts: f } = facts(PARSER);
    const at = (line: number, col: number) => ({ file: 'intake/ingest/parser.yml', line, col });
    expect(f.fieldPlaces?.get('event.action')).toEqual(at(15, 11));
    expect(f.fieldPlaces?.get('related.ip')).toEqual(at(20, 11));
    expect(f.fieldPlaces?.get('event.outcome')).toEqual(at(22, 11));
    expect(f.fieldPlaces?.get('event.severity')).toEqual(at(27, 20)); // level: event.severity
    expect([...(f.fieldPlaces?.keys() ?? [])].sort()).toEqual([...f.fields].sort());
  });

  it('say where a template copies each source, at the path inside the template, list items included', () => {
    const { facts: f } = facts(PARSER);
    const at = (line: number, col: number) => ({ file: 'intake/ingest/parser.yml', line, col });
    expect(f.sourcePlaces?.get('event.action')).toEqual(new Map([['parsed.message.Operation', at(15, 28)]]));
    expect(f.sourcePlaces?.get('related.ip')).toEqual(
      new Map([
        ['parsed.message.src', at(20, 27)],
        ['parsed.message.dst', at(20, 53)],
      ]),
    );
    // Spelled with get(): the path is not in the text, the template is the place.
    expect(f.sourcePlaces?.get('user.id')).toEqual(new Map([['parsed.message.UserId', at(16, 20)]]));
  });

  it('say where each path only read is first read', () => {
    const { facts: f } = facts(PARSER);
    const at = (line: number, col: number) => ({ file: 'intake/ingest/parser.yml', line, col });
    expect(f.readPlaces?.get('parsed.message.kind')).toEqual(at(10, 16));
    expect(f.readPlaces?.get('original.message')).toEqual(at(7, 25));
    expect([...(f.readPlaces?.keys() ?? [])].sort()).toEqual([...f.reads].sort());
  });
});

describe('templates that cannot be parsed', () => {
  it('are warnings at the offending character, in quoted and block strings, and the rest is still read', () => {
    const text = `pipeline:
  - name: main
stages:
  main:
    actions:
      - set:
          a.b: "{{ev.message..name}}"
          c.d: "{{ev.message.ok}}"
          e.f: |
            {%- if ev.message.x -%}
              {{ ev.message.y) }}
            {%- endif -%}
        filter: '{{ ev.message.z == }}'
`;
    const { facts: f, diagnostics } = facts(text);
    expect(diagnostics.map((d) => [d.line, d.col, d.severity, d.code])).toEqual([
      [7, 30, 'warning', 'parser-template'], // the second "."
      [11, 30, 'warning', 'parser-template'], // the ")"
      [13, 37, 'warning', 'parser-template'], // the "}}" after "=="
    ]);
    expect(diagnostics[0]).toMatchObject({
      file: 'intake/ingest/parser.yml',
      message: expect.stringMatching(/^Unexpected "\." in template, expected /),
    });
    expect(f.sources.get('c.d')).toEqual(['ev.message.ok']);
    expect(f.fields.has('a.b')).toBe(true);
    expect(f.sources.has('a.b')).toBe(false);
  });
});

/**
 * Every `--json` output (generate, explain, gaps, audit), on success and on
 * every kind of failure, validates against its JSON Schema in docs/schemas/
 * (Ajv, draft 2020-12), carries `schemaVersion`, and is on stdout even when
 * the command fails.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../generator/match/explain.js';
import { REPO } from './shared.js';
import { copyExampleCatalog, runCli, writeTree } from './tree.js';

const SCHEMAS = path.join(REPO, 'docs', 'schemas');
const validators = new Map<string, ValidateFunction>();

beforeAll(() => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
  const schemas = readdirSync(SCHEMAS).map((f) => JSON.parse(readFileSync(path.join(SCHEMAS, f), 'utf8')));
  for (const s of schemas) ajv.addSchema(s);
  for (const s of schemas) {
    const name = path.basename(s.$id as string, '.schema.json');
    if (name !== 'common') validators.set(name, ajv.getSchema(s.$id as string)!);
  }
});

const OKTA = 'Okta System Log [BETA]';
const RULE = 'Okta Sign-In Failed With Invalid Credentials';

/** Run, parse stdout as one JSON value, check it against the command's schema; return it. */
async function valid(args: string[], cwd: string, code: number): Promise<Record<string, unknown>> {
  const r = await runCli(args, cwd);
  expect(r.code, r.stderr).toBe(code);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  const command = json.command as string;
  const validate = validators.get(command)!;
  expect(validate, `a schema for ${command}`).toBeDefined();
  if (!validate(json)) expect.fail(`${args.join(' ')}: ${JSON.stringify(validate.errors, null, 2)}`);
  expect(json.schemaVersion).toBe(1);
  expect(json.exitCode).toBe(code);
  expect(json.ok).toBe(code === 0);
  return json;
}

describe('JSON outputs validate against docs/schemas', () => {
  let root: string;
  beforeAll(() => {
    root = copyExampleCatalog('rulecat-json-');
  });

  it('generate: written, checked with and without differences, kept edited file, invalid configuration, usage error', async () => {
    const written = await valid(['generate', '--json', '--no-cache'], root, 0);
    expect((written.files as { written: string[] }).written.length).toBeGreaterThan(9);
    expect((written.matching as { unmatched: unknown[] }).unmatched).toBeDefined();
    // The schemas are closed: an undocumented field fails.
    expect(validators.get('generate')!({ ...written, files: { ...(written.files as object), extra: [] } })).toBe(false);
    await valid(['generate', '--check', '--json', '--no-cache'], root, 0);
    // A generated file no longer generated but edited by hand is kept, and listed as such.
    const page = readdirSync(path.join(root, 'output')).find((n) => n.startsWith('suggested_rules_'))!;
    writeFileSync(path.join(root, 'output', page), 'edited by hand\n');
    const drift = await valid(['generate', '--check', '--json', '--no-cache'], root, 1);
    expect((drift.files as { changed: string[] }).changed).toEqual([page]);
    const uuid = /suggested_rules_(.*)_do_not_edit_manually/.exec(page)![1];
    const gone = copyExampleCatalog('rulecat-json-kept-');
    await valid(['generate', '--json', '--no-cache'], gone, 0);
    writeFileSync(path.join(gone, 'output', page), 'edited by hand\n');
    const manifest = readdirSync(path.join(gone, 'intakes'), { recursive: true, encoding: 'utf8' }).find(
      (f) => f.endsWith('manifest.yml') && readFileSync(path.join(gone, 'intakes', f), 'utf8').includes(uuid),
    )!;
    const file = path.join(gone, 'intakes', manifest);
    writeFileSync(file, readFileSync(file, 'utf8').replace(uuid, 'fedcba98-7654-4321-8000-000000000000'));
    const kept = await valid(['generate', '--json', '--no-cache'], gone, 0);
    expect((kept.files as { keptEdited: string[] }).keptEdited).toEqual([page]);

    writeFileSync(path.join(root, 'bad.yaml'), 'rules: [rules\n');
    const bad = await valid(['generate', '--config', 'bad.yaml', '--json'], root, 2);
    expect((bad.diagnostics as unknown[]).length).toBeGreaterThan(0);
    const usage = await valid(['generate', '--json', '--lock-timeout', 'soon'], root, 2);
    expect(usage.diagnostics).toEqual([
      expect.objectContaining({ file: '(command line)', severity: 'error', code: 'usage' }),
    ]);
    await valid(['generate', '--json', '--no-such-flag'], root, 2);
  });

  it('explain: an answer, an unknown name, an answer despite a broken file, an invalid configuration', async () => {
    const answer = await valid(['explain', '--rule', RULE, '--intake', OKTA, '--json', '--no-cache'], root, 0);
    expect((answer.explanation as { applies: boolean }).applies).toBe(true);
    const unknown = await valid(
      ['explain', '--rule', 'No Such Rule', '--intake', 'Okta', '--json', '--no-cache'],
      root,
      2,
    );
    expect(unknown.explanation).toBeNull();
    expect(unknown.unresolved).toMatchObject({ rule: { query: 'No Such Rule', ambiguous: false } });
    const broken = copyExampleCatalog('rulecat-json-broken-');
    writeFileSync(path.join(broken, 'rules', 'broken.yml'), 'title: [\n');
    const partial = await valid(['explain', '--rule', RULE, '--intake', OKTA, '--json', '--no-cache'], broken, 3);
    expect(partial.leftOut).toMatchObject({ files: ['rules/broken.yml'], rules: [], intakes: [] });
    writeFileSync(path.join(root, 'bad.yaml'), 'rules: [rules\n');
    await valid(['explain', '--config', 'bad.yaml', '--rule', RULE, '--intake', OKTA, '--json'], root, 2);
  });

  it('explain: a field read in Windows event data copied whole (derived how: eventdata)', async () => {
    const tree = writeTree({
      'rulecat.config.yaml': 'rules: [rules]\nintakes: [intakes]\n',
      'intakes/Host/forwarder/_meta/manifest.yml':
        'uuid: eeeeeeee-0000-4000-8000-000000000001\nname: Event Forwarder\nslug: event-forwarder\n' +
        'description: Forwarded events\ndata_sources:\n  Windows event logs: all channels\n',
      'intakes/Host/forwarder/ingest/parser.yml':
        'name: forwarder\npipeline:\n  - name: ev\n    external:\n      name: json.parse-json\n' +
        '      properties:\n        input_field: "{{original.message}}"\n        output_field: message\n' +
        '  - name: out\nstages:\n  out:\n    actions:\n      - set:\n' +
        '          event.code: "{{ev.message.System.EventID}}"\n' +
        '          action.properties: "{{ev.message.EventData}}"\n',
      'rules/task.yml':
        'title: Task Content Test\nid: 22222222-0000-4000-8000-000000000001\nstatus: test\n' +
        'logsource: {product: windows, service: security}\ndetection:\n  sel:\n    EventID: 4698\n' +
        '    TaskContent|contains: powershell\n  condition: sel\nlevel: low\n',
    });
    const answer = await valid(
      ['explain', '--rule', 'Task Content Test', '--intake', 'Event Forwarder', '--json', '--no-cache'],
      tree,
      0,
    );
    const explanation = answer.explanation as Explanation;
    expect(explanation.applies).toBe(true);
    const derived = explanation.identifiers.flatMap((id) =>
      id.alternatives.flatMap((a) => a.tests.flatMap((t) => t.fields.flatMap((f) => f.derived))),
    );
    expect(derived).toContainEqual({
      raw: 'ev.message.EventData.TaskContent',
      target: 'action.properties.TaskContent',
      how: 'eventdata',
    });
  });

  it('gaps: one intake, every intake, an unknown intake, a usage error', async () => {
    const one = await valid(['gaps', '--intake', OKTA, '--json', '--limit', '3', '--no-cache'], root, 0);
    expect(one).toMatchObject({ all: false, limit: 3, intake: { name: OKTA } });
    const all = await valid(['gaps', '--all', '--json', '--no-cache'], root, 0);
    expect((all.report as { intakes: unknown[] }).intakes).toHaveLength(9);
    const unknown = await valid(['gaps', '--intake', 'Nope', '--json', '--no-cache'], root, 2);
    expect(unknown).toMatchObject({ gaps: null, unresolved: { intake: { query: 'Nope' } } });
    await valid(['gaps', '--intake', OKTA, '--limit', 'x', '--json'], root, 2);
    await valid(['gaps', '--json'], root, 2);
  });

  it('audit: a clean docs tree, problems found, an unreadable folder', async () => {
    const uuid = 'aaaaaaaa-0000-4000-8000-00000000000a';
    const page = `suggested_rules_${uuid}_do_not_edit_manually.md`;
    const gen = '_shared_content/operations_center/detection/generated';
    const docs = writeTree({
      'docs/a.md': `# A\n\n{!${gen}/${page}!}\n`,
      [`docs/${gen}/${page}`]: '### Related Built-in Rules\n\n??? abstract "R"\n\n    x\n',
    });
    await valid(['audit', '--docs', 'docs', '--json'], docs, 0);
    writeFileSync(
      path.join(docs, 'docs', 'b.md'),
      `{!${gen}/suggested_rules_bbbbbbbb-0000-4000-8000-00000000000b_do_not_edit_manually.md!}\n`,
    );
    const found = await valid(['audit', '--docs', 'docs', '--json'], docs, 1);
    expect((found.missing as unknown[]).length).toBe(1);
    await valid(['audit', '--docs', 'nope', '--json'], docs, 2);
  });
});

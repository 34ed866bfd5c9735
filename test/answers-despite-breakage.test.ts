/**
 * explain, gaps and preview answer for the rule and intake asked about when
 * other rule files or intake folders are broken: the answer is exactly the
 * one the catalog gives without the broken files, the errors are on stderr
 * (and in the JSON), and the exit code is 3. When the rule or intake asked
 * about is itself broken, or an error concerns every answer, there is no
 * answer and the exit code is 2.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyExampleCatalog, runCli } from './tree.js';

const OKTA = 'Okta System Log [BETA]';
const SQUID = 'Squid Access Log';
const RULE = 'Okta Sign-In Failed With Invalid Credentials';
const RULE_ID = 'ea5cfbad-70d4-4afc-8d59-d2b5476a54ad';
const UNKNOWN_TECHNIQUE = 'Okta Session Started From A Tagged Nowhere';

/** Files that break the catalog, each on its own: YAML syntax, an unknown technique, a duplicate id, a broken parser. */
function breakCatalog(root: string): void {
  writeFileSync(
    path.join(root, 'rules/generic/broken_yaml.yml'),
    'title: Broken\nid: 0b0b0b0b-0000-4000-8000-000000000001\ndetection:\n  sel: {a: [unclosed\n',
  );
  writeFileSync(
    path.join(root, 'rules/identity/unknown_technique.yml'),
    `title: ${UNKNOWN_TECHNIQUE}\nid: 0b0b0b0b-0000-4000-8000-000000000002\ndescription: Applies to Okta, tagged with a technique that does not exist.\n` +
      'tags: [attack.t9999]\nlogsource: {product: okta, service: okta}\ndetection:\n  sel:\n    event.action: user.session.start\n  condition: sel\nlevel: low\n',
  );
  writeFileSync(
    path.join(root, 'rules/identity/zz_duplicate_id.yml'),
    `title: Copy With The Same Id\nid: ${RULE_ID}\nlogsource: {product: okta}\ndetection:\n  sel:\n    event.action: x\n  condition: sel\nlevel: low\n`,
  );
  writeFileSync(path.join(root, 'intakes/Squid/squid-access-log/ingest/parser.yml'), 'stages: [\n');
}

/** The same catalog without the broken files. */
function withoutBroken(root: string): void {
  for (const f of [
    'rules/generic/broken_yaml.yml',
    'rules/identity/unknown_technique.yml',
    'rules/identity/zz_duplicate_id.yml',
  ])
    rmSync(path.join(root, f), { force: true });
  rmSync(path.join(root, 'intakes/Squid'), { recursive: true, force: true });
}

let broken: string;
let clean: string;
const run = (root: string, args: string[]) => runCli([...args, '--no-cache'], root);

beforeAll(() => {
  broken = copyExampleCatalog('rulecat-broken-');
  breakCatalog(broken);
  clean = copyExampleCatalog('rulecat-clean-');
  withoutBroken(clean);
});

describe('an answer despite broken files elsewhere', () => {
  it('explain: the same explanation as without the broken files, errors on stderr, exit 3', async () => {
    const args = ['explain', '--rule', RULE, '--intake', OKTA];
    const [b, c] = [await run(broken, args), await run(clean, args)];
    expect(c.code).toBe(0);
    expect(c.stderr).toBe('');
    expect(b.code).toBe(3);
    expect(b.stdout).toBe(c.stdout);
    expect(b.stderr).toMatch(/^rules\/generic\/broken_yaml\.yml:\d+:\d+: error: /m);
    expect(b.stderr).toMatch(/^rules\/identity\/unknown_technique\.yml:\d+:\d+: error: .*T9999/m);
    expect(b.stderr).toMatch(/^rules\/identity\/zz_duplicate_id\.yml:\d+:\d+: error: .*\[duplicate-rule-id\]$/m);
    expect(b.stderr).toMatch(/^intakes\/Squid\/squid-access-log\/ingest\/parser\.yml:\d+:\d+: error: /m);
    expect(b.stderr).toContain(
      'rulecat explain: answered without 4 files with errors (2 rules, 1 intake left out); exit 3\n',
    );

    const [bj, cj] = [
      JSON.parse((await run(broken, [...args, '--json'])).stdout),
      JSON.parse((await run(clean, [...args, '--json'])).stdout),
    ];
    expect(bj.explanation).toEqual(cj.explanation);
    expect(bj).toMatchObject({ ok: false, exitCode: 3 });
    expect(bj.leftOut.files).toEqual([
      'intakes/Squid/squid-access-log/ingest/parser.yml',
      'rules/generic/broken_yaml.yml',
      'rules/identity/unknown_technique.yml',
      'rules/identity/zz_duplicate_id.yml',
    ]);
    expect(bj.leftOut.rules.map((r: { title: string }) => r.title).sort()).toEqual([
      'Copy With The Same Id',
      UNKNOWN_TECHNIQUE,
    ]);
    expect(bj.leftOut.intakes.map((i: { name: string }) => i.name)).toEqual([SQUID]);
  });

  it('gaps --intake and gaps --all: the same suggestions as without the broken files, exit 3', async () => {
    const one = ['gaps', '--intake', OKTA, '--json'];
    const [b, c] = [await run(broken, one), await run(clean, one)];
    expect([b.code, c.code]).toEqual([3, 0]);
    const [bj, cj] = [JSON.parse(b.stdout), JSON.parse(c.stdout)];
    expect(bj.gaps).toEqual(cj.gaps);
    expect(bj.applying).toBe(cj.applying);
    expect((await run(broken, ['gaps', '--intake', OKTA])).stdout).toBe(
      (await run(clean, ['gaps', '--intake', OKTA])).stdout,
    );

    const all = ['gaps', '--all', '--json'];
    const [ba, ca] = [await run(broken, all), await run(clean, all)];
    expect([ba.code, ca.code]).toEqual([3, 0]);
    expect(JSON.parse(ba.stdout).report).toEqual(JSON.parse(ca.stdout).report);
  });

  it('preview: the page as without the broken files (a broken rule that would apply is not on it), exit 3', async () => {
    const args = ['preview', '--intake', OKTA];
    const [b, c] = [await run(broken, args), await run(clean, args)];
    expect([b.code, c.code]).toEqual([3, 0]);
    expect(b.stdout).toBe(c.stdout);
    expect(b.stdout).not.toContain(UNKNOWN_TECHNIQUE);
    expect(b.stderr).toMatch(/^rules\/identity\/unknown_technique\.yml:\d+:\d+: error: /m);
    expect(b.stderr).toContain('rulecat preview: answered without');
  });
});

describe('no answer when the item asked about is broken, or every answer is', () => {
  it('explain about a broken rule or a broken intake: exit 2 with its errors', async () => {
    const rule = await run(broken, ['explain', '--rule', UNKNOWN_TECHNIQUE, '--intake', OKTA, '--json']);
    expect(rule.code).toBe(2);
    const json = JSON.parse(rule.stdout);
    expect(json).toMatchObject({ ok: false, exitCode: 2, explanation: null });
    expect(json.diagnostics.filter((d: { code: string }) => d.code === 'broken-rule')).toHaveLength(1);
    expect(rule.stderr).toMatch(/unknown_technique\.yml:\d+:\d+: error: /);

    const intake = await run(broken, ['explain', '--rule', RULE, '--intake', SQUID]);
    expect(intake.code).toBe(2);
    expect(intake.stdout).toBe('');
    expect(intake.stderr).toMatch(
      /^intakes\/Squid\/squid-access-log: error: The intake asked about .*\[broken-intake\]$/m,
    );

    // The duplicated id names two rules, one of them broken: ambiguous, not answered from either.
    const dup = await run(broken, ['explain', '--rule', RULE_ID, '--intake', OKTA]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(`rulecat explain: rule "${RULE_ID}" is ambiguous`);
  });

  it('gaps and preview of a broken intake: exit 2', async () => {
    expect((await run(broken, ['gaps', '--intake', SQUID])).code).toBe(2);
    const preview = await run(broken, ['preview', '--intake', SQUID]);
    expect(preview.code).toBe(2);
    expect(preview.stdout).toBe('');
    expect(preview.stderr).toContain(`rulecat preview: the intake asked about ("${SQUID}") has errors; no page`);
  });

  it('an error outside the rule and intake folders (here the ATT&CK table) stops every answer, JSON on stdout too', async () => {
    writeFileSync(path.join(clean, 'attack.json'), '{ not json');
    const r = await run(clean, ['explain', '--rule', RULE, '--intake', OKTA, '--attack', 'attack.json', '--json']);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ schemaVersion: 1, command: 'explain', ok: false, exitCode: 2, explanation: null });
    expect(
      json.diagnostics.some(
        (d: { file: string; severity: string }) => d.file === 'attack.json' && d.severity === 'error',
      ),
    ).toBe(true);
    const gaps = await run(clean, ['gaps', '--intake', OKTA, '--attack', 'attack.json', '--json']);
    expect(gaps.code).toBe(2);
    expect(JSON.parse(gaps.stdout)).toMatchObject({ exitCode: 2, gaps: null, intake: null });
  });
});

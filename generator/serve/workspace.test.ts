import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../../test/shared.js';
import { tempDir } from '../../test/tree.js';
import { resolveConfig } from '../config.js';
import type { CatalogMatch } from '../match/match-catalog.js';
import { Workspace } from './workspace.js';

/** A copy of the example catalog (rules, intakes, configuration, templates) in a temporary folder. */
function exampleCopy(): string {
  const root = tempDir('rulecat-ws-');
  for (const name of ['rules', 'intakes', 'templates', 'rulecat.config.yaml'])
    cpSync(path.join(REPO, name), path.join(root, name), { recursive: true });
  writeFileSync(
    path.join(root, 'rulecat.config.yaml'),
    readFileSync(path.join(root, 'rulecat.config.yaml'), 'utf8') + 'templates: templates\n',
  );
  return root;
}

const workspace = (root: string) =>
  new Workspace(
    () => {
      const r = resolveConfig(root, undefined, {});
      return { config: { ...r.config, cache: false }, diagnostics: r.diagnostics };
    },
    path.join(root, 'rulecat.config.yaml'),
  );

const shape = (m: CatalogMatch) =>
  Object.fromEntries([...m.rulesByIntake].map(([uuid, rules]) => [uuid, rules.map((r) => `${r.id} ${r.title}`)]));

/** The workspace's match equals that of a fresh full load. */
async function expectFresh(ws: Workspace, root: string): Promise<void> {
  const fresh = workspace(root);
  await fresh.load();
  expect(fresh.broken).toBe(false);
  expect(shape(ws.good!.match)).toEqual(shape(fresh.good!.match));
  expect(ws.good!.catalog.intakes.map((i) => i.name)).toEqual(fresh.good!.catalog.intakes.map((i) => i.name));
}

const OKTA_RULE = 'rules/identity/okta_sign_in_failure.yml';
const OKTA_PARSER = 'intakes/Okta/okta-system-log/ingest/parser.yml';

describe('workspace updates', () => {
  let root: string;
  let ws: Workspace;
  const file = (rel: string) => path.join(root, rel);
  const edit = (rel: string, fn: (s: string) => string) =>
    writeFileSync(file(rel), fn(readFileSync(file(rel), 'utf8')));

  beforeEach(async () => {
    root = exampleCopy();
    ws = workspace(root);
    const report = await ws.load();
    expect(report.full).toBe(true);
    expect(ws.broken).toBe(false);
  });

  it('watches the configuration, rule and intake folders and templates', async () => {
    expect(ws.watched()).toEqual(
      expect.arrayContaining([file('rulecat.config.yaml'), file('rules'), file('intakes'), file('templates')]),
    );
  });

  it('reads only a changed rule file and matches only what depends on it', async () => {
    edit(OKTA_RULE, (s) => s.replace(/^title: .*$/m, 'title: Renamed Okta Rule'));
    const version = ws.version;
    const report = await ws.update([file(OKTA_RULE)]);
    expect(ws.version).toBe(version + 1);
    expect(report.full).toBe(false);
    expect(report.reread).toEqual({ rules: [OKTA_RULE], intakes: [], templates: false });
    expect(report.rematched!.intakes).toBe(0);
    expect(report.rematched!.rules).toBeLessThan(ws.good!.catalog.rules.length / 2);
    expect(ws.good!.catalog.rules.some((r) => r.title === 'Renamed Okta Rule')).toBe(true);
    await expectFresh(ws, root);
  });

  it('reads only a changed intake and matches it against every rule', async () => {
    edit(OKTA_PARSER, (s) => s.replace(/user\.name/g, 'user.renamed_name'));
    const report = await ws.update([file(OKTA_PARSER)]);
    expect(report.reread).toEqual({ rules: [], intakes: ['intakes/Okta/okta-system-log'], templates: false });
    expect(report.rematched).toEqual({ rules: 0, intakes: 1 });
    await expectFresh(ws, root);
  });

  it('takes added and removed rules into account', async () => {
    writeFileSync(
      file('rules/new.yml'),
      'title: Brand New\nid: 0b5c0d2a-6c7e-4d1a-9f0e-2b8f6d3c4a51\ndescription: New.\nlevel: low\nlogsource: {product: okta}\ndetection: {sel: {event.action: x}, condition: sel}\n',
    );
    rmSync(file(OKTA_RULE));
    const report = await ws.update([file('rules/new.yml'), file(OKTA_RULE)]);
    expect(report.reread.rules).toEqual(['rules/new.yml']);
    expect(ws.good!.catalog.rules.some((r) => r.title === 'Brand New')).toBe(true);
    expect(ws.good!.catalog.rules.some((r) => r.file === OKTA_RULE)).toBe(false);
    await expectFresh(ws, root);
  });

  it('keeps the last good state while an input is broken, with the problem’s place, then recovers', async () => {
    const good = ws.good;
    edit(OKTA_RULE, (s) => s.replace('detection:', 'detection:\n  bad: [unclosed'));
    const broken = await ws.update([file(OKTA_RULE)]);
    expect(broken.errors).toBeGreaterThan(0);
    expect(ws.broken).toBe(true);
    expect(ws.good).toBe(good);
    expect(ws.problems.find((d) => d.severity === 'error')).toMatchObject({
      file: OKTA_RULE,
      line: expect.any(Number),
      col: expect.any(Number),
    });
    expect(ws.problems.find((d) => d.severity === 'error')!.line).toBeGreaterThan(0);
    edit(OKTA_RULE, (s) => s.replace('\n  bad: [unclosed', ''));
    const fixed = await ws.update([file(OKTA_RULE)]);
    expect(fixed.errors).toBe(0);
    expect(ws.broken).toBe(false);
    expect(ws.good).not.toBe(good);
    await expectFresh(ws, root);
  });

  it('reads templates again without matching again', async () => {
    const match = ws.good!.match;
    edit('templates/intake-page.md.hbs', (s) => s.replace('### {{words.heading}}', '### Rules'));
    const report = await ws.update([file('templates/intake-page.md.hbs')]);
    expect(report.reread.templates).toBe(true);
    expect(report.rematched).toEqual({ rules: 0, intakes: 0 });
    expect(ws.good!.match.rulesByIntake).toEqual(match.rulesByIntake);
    expect(ws.good!.templates.templates.find((t) => t.name === 'intake-page.md.hbs')!.body).toContain('### Rules');
  });

  it('loads everything again when the configuration changes', async () => {
    edit('rulecat.config.yaml', (s) => s.replace('match: default', 'match: strict'));
    const report = await ws.update([file('rulecat.config.yaml')]);
    expect(report.full).toBe(true);
    expect(ws.good!.config.match).toBe('strict');
  });

  it('answers after a live reload of rules that backtracking engines take exponential time on, warning of a test past the budget', async () => {
    const okta = ws.good!.catalog.intakes.find((i) => i.name.startsWith('Okta System Log'))!;
    edit(OKTA_PARSER, (s) =>
      s.replace(
        '          event.kind: "event"\n',
        `          event.kind: "event"\n          event.costly: "${'a'.repeat(200_000)}!"\n`,
      ),
    );
    const rule = (id: string, title: string, test: string) =>
      `title: ${title}\nid: ${id}\ndescription: x\nlogsource:\n    product: okta\n    service: okta\ndetection:\n    sel:\n        ${test}\n    condition: sel\nlevel: high\n`;
    writeFileSync(
      file('rules/identity/redos.yml'),
      rule('r-redos', 'Nested Quantifiers', "event.costly|re: '^(a+)+$'"),
    );
    writeFileSync(
      file('rules/identity/stars.yml'),
      rule('r-stars', 'Many Stars', `event.costly: '${'*a'.repeat(15)}*b'`),
    );
    writeFileSync(
      file('rules/identity/costly.yml'),
      rule('r-costly', 'Costly Contains', `event.costly|contains: '${'a'.repeat(1_000)}b'`),
    );
    await ws.update([
      file(OKTA_PARSER),
      file('rules/identity/redos.yml'),
      file('rules/identity/stars.yml'),
      file('rules/identity/costly.yml'),
    ]);
    expect(ws.broken).toBe(false);
    expect(ws.problems.filter((d) => d.code === 'match-budget')).toEqual([
      expect.objectContaining({ file: 'rules/identity/costly.yml', line: 9, col: 9, severity: 'warning' }),
    ]);
    const onOkta = ws.good!.match.rulesByIntake.get(okta.uuid)!.map((r) => r.id);
    expect(onOkta).toContain('r-costly');
    expect(onOkta).not.toContain('r-redos');
    expect(onOkta).not.toContain('r-stars');
    expectFresh(ws, root);
  });
});

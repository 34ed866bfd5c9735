/**
 * `rulecat audit`: include lines against generated pages, on a small docs tree.
 */
import { describe, expect, it } from 'vitest';
import { auditIncludes } from '../generator/audit/audit-includes.js';
import { findIncludes } from '../generator/audit/find-includes.js';
import { runCli, writeTree } from './tree.js';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const C = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const D = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const E = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';

const GEN = '_shared_content/operations_center/detection/generated';
const include = (uuid: string) => `{!${GEN}/suggested_rules_${uuid}_do_not_edit_manually.md!}`;
const page = (uuid: string) => `${GEN}/suggested_rules_${uuid}_do_not_edit_manually.md`;
const WITH_RULES = '### Related Built-in Rules\n\n??? abstract "X"\n    \n    x\n    \n    - **Effort:** master\n';
const NO_RULES = 'No related built-in rules was found. This message is automatically generated.\n';

function docs() {
  return writeTree({
    'docs/integration/a.md': `# A\n\n## Detection section\n\n${include(A)}\n`,
    'docs/integration/b.md': `# B\n\nText ${include(B)} inline\n`,
    'docs/integration/b-again.md': `# B again\n${include(B)}\n`,
    'docs/integration/missing.md': `# Missing\n${include(E)}\n`,
    [`docs/${page(A)}`]: WITH_RULES,
    [`docs/${page(B)}`]: WITH_RULES,
    [`docs/${page(C)}`]: WITH_RULES,
    [`docs/${page(D)}`]: NO_RULES,
  });
}

describe('include lines', () => {
  it('are found with their place, the uuid in lower case', () => {
    expect(findIncludes('x.md', `a\n  ${include(A)} b ${include(B)}\n`)).toEqual([
      { file: 'x.md', line: 2, col: 3, target: page(A), uuid: A },
      { file: 'x.md', line: 2, col: 3 + include(A).length + 3, target: page(B), uuid: B },
    ]);
    expect(findIncludes('x.md', '{!other/file.md!}\n')).toEqual([]);
  });

  it('are audited against the generated pages', () => {
    const includes = [...findIncludes('a.md', include(A)), ...findIncludes('b.md', `${include(A)}\n${include(E)}`)];
    const report = auditIncludes(
      includes,
      [
        { name: 'p', uuid: A, rules: 2 },
        { name: 'q', uuid: C, rules: 1 },
        { name: 'r', uuid: D, rules: 0 },
      ],
      (i) => i.uuid !== E,
    );
    expect(report.missing.map((i) => i.uuid)).toEqual([E]);
    expect(report.notIncluded.map((p) => p.uuid)).toEqual([C]);
    expect(report.notIncludedWithoutRules.map((p) => p.uuid)).toEqual([D]);
    expect(report.includedTwice.map((d) => [d.uuid, d.includes.map((i) => i.file)])).toEqual([[A, ['a.md', 'b.md']]]);
  });
});

describe('rulecat audit', () => {
  it('lists missing pages, pages included nowhere and intakes included twice, and exits 1', async () => {
    const root = docs();
    const r = await runCli(['audit', '--docs', 'docs'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      `docs/integration/missing.md:2:1: Include of ${page(E)}, which is not generated, expected a page of docs/${GEN} [include-missing-page]`,
      `docs/${page(C)}: Generated page (1 rule) is included by no docs page, expected an include line in the intake's page [page-not-included]`,
      `docs/integration/b-again.md:2:1: Intake ${B} is included 2 times, also at docs/integration/b.md:3:6; expected once [included-twice]`,
      `rulecat audit: 4 includes, 4 generated pages in docs/${GEN}: 1 missing, 1 not included, 1 included twice (1 pages without rules not included, not counted)`,
      '',
    ]);
  });

  it('reports for CI with --json, against a separate output folder with --out', async () => {
    const root = docs();
    writeTree(
      {
        [`out/suggested_rules_${E}_do_not_edit_manually.md`]: NO_RULES,
        [`out/suggested_rules_${A}_do_not_edit_manually.md`]: WITH_RULES,
      },
      root,
    );
    const r = await runCli(['audit', '--docs', 'docs', '--out', 'out', '--json'], root);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      ok: false,
      exitCode: 1,
      docs: 'docs',
      generatedFolder: 'out',
      includes: 4,
      generated: 2,
    });
    // B is not in out/: its two includes are missing; E now exists.
    expect(report.missing.map((i: { file: string }) => i.file)).toEqual([
      'docs/integration/b-again.md',
      'docs/integration/b.md',
    ]);
    expect(report.notIncluded).toEqual([]);
    expect(report.includedTwice.map((d: { uuid: string }) => d.uuid)).toEqual([B]);
  });

  it('exits 0 on a clean tree and 2 on usage errors', async () => {
    const clean = writeTree({ 'docs/a.md': include(A), [`docs/${page(A)}`]: WITH_RULES });
    const ok = await runCli(['audit', '--docs', 'docs'], clean);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(
      `rulecat audit: 1 includes, 1 generated pages in docs/${GEN}: 0 missing, 0 not included, 0 included twice\n`,
    );
    expect((await runCli(['audit'], clean)).code).toBe(2);
    const missing = await runCli(['audit', '--docs', 'nope'], clean);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('rulecat audit: --docs nope is not a folder\n');
  });
});

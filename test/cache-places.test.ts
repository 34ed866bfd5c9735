/**
 * Places are found lazily (a file is parsed again with positions only when a
 * message needs a place in it), also in models read back from the input
 * cache: the diagnostics of a run from a warm cache are those of a cold run
 * and of a run without cache, to the line and column.
 */
import { describe, expect, it, vi } from 'vitest';
import { INTAKE_MANIFEST, tempDir, writeTree } from './tree.js';

const rule = (id: string, tags: string, extra = '') =>
  `title: Rule ${id}\nid: ${id}\ndescription: x\ntags:\n${tags}logsource:\n  product: windows\n${extra}detection:\n  sel:\n    process.executable|endswith: x.exe\n  condition: sel\n`;

describe('places of cached models', () => {
  it('give the same file:line:col as a run without cache, cold or warm', async () => {
    const root = writeTree({
      'rules/a.yml': rule('r-a', '  - attack.execution\n  - attack.t1086\n  - attack.defense-evasion\n'),
      // A duplicate id (placed through placeOf), an unknown intake (a tag-like reference), a title with a line break.
      'rules/b.yml': rule('r-a', '  - attack.t1059.001\n', 'intakes: [Nowhere]\n').replace(
        'title: Rule r-a',
        'title: "Rule\\n  two lines"',
      ),
      'intakes/V/_meta/manifest.yml': INTAKE_MANIFEST('99999999-9999-4999-8999-999999999999', 'V'),
      'intakes/V/edr/_meta/manifest.yml': INTAKE_MANIFEST('11111111-1111-4111-8111-111111111111', 'V EDR'),
    });
    const cache = tempDir();
    const lines = async (cacheDir: string | false) => {
      // New module instances, as in a new process: the cache's packs are read back from disk.
      vi.resetModules();
      const { resolveConfig } = await import('../generator/config.js');
      const { formatDiagnostic } = await import('../generator/diagnostics.js');
      const { runPipeline } = await import('../generator/pipeline.js');
      const { config } = resolveConfig(root, undefined, { rules: ['rules'], intakes: ['intakes'], cache: cacheDir });
      const state = await runPipeline(config, { noMatch: true });
      return state.diagnostics.map(formatDiagnostic);
    };
    const plain = await lines(false);
    expect(plain).toEqual([
      'rules/a.yml:6:5: warning: ATT&CK technique T1086 (PowerShell) is revoked in ATT&CK v19.1, replaced by T1059.001 (PowerShell), expected attack.t1059.001 [revoked-technique]',
      'rules/a.yml:7:5: warning: ATT&CK tactic defense-evasion no longer exists in ATT&CK v19.1, expected Stealth (attack.stealth) or Defense Impairment (attack.defense-impairment) [retired-tactic]',
      'rules/b.yml:1:8: warning: Title spans several lines; it is shown on one line [title-newline]',
      'rules/b.yml:2:5: error: Duplicate rule id r-a: also used by rules/a.yml:2:5, expected ids to be unique [duplicate-rule-id]',
      'rules/b.yml:8:11: warning: Unknown intake "Nowhere" in "intakes", expected an intake uuid, name or slug [unknown-intake]',
    ]);
    expect(await lines(cache)).toEqual(plain); // cold: parsed, then stored
    expect(await lines(cache)).toEqual(plain); // warm: every model from the cache
  });
});

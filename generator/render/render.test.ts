import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOutputs } from '../plan/plan-outputs.js';
import { loadTemplates } from '../load/read-templates.js';
import { intakeView } from '../plan/intake-view.js';
import type { RuleView } from '../plan/rule-view.js';
import { DEFAULT_CONFIG } from '../config.js';
import { sha256 } from '../hash.js';
import { renderFiles } from './render.js';
import { REPO } from '../../test/shared.js';

const rule = (title: string): RuleView => ({
  id: title,
  title,
  description: `About ${title}.`,
  effort: 'advanced',
  level: '',
  author: '',
  techniques: ['T1059'],
  tactics: [],
  dataSources: [],
  changelog: [],
  file: '',
});

describe('renderFiles', () => {
  it('past the memory budget keeps hashes and renders the same bytes again on each read', () => {
    const { templates, partials } = loadTemplates(path.join(REPO, 'templates'));
    const intakes = ['a', 'b', 'c'].map((n, i) =>
      intakeView(
        { uuid: `00000000-0000-4000-8000-00000000000${i}`, name: n, slug: n, description: '', module: 'M' },
        [rule(`${n} one`), rule(`${n} two`)],
        DEFAULT_CONFIG,
      ),
    );
    const planned = planOutputs(templates, { intakes, rules: [] }, []);
    const eager = renderFiles(planned, partials, []);
    const lazy = renderFiles(planned, partials, [], eager[0].content.length);
    expect(lazy.map((f) => f.path)).toEqual(eager.map((f) => f.path));
    expect(lazy[0].hash).toBeUndefined(); // within the budget: kept
    expect(lazy.slice(1).every((f) => f.hash !== undefined)).toBe(true);
    lazy.forEach((f, i) => {
      expect(f.content).toBe(eager[i].content);
      if (f.hash) expect(f.hash).toBe(sha256(eager[i].content));
    });
  });
});

/**
 * The page the project was created from is rebuilt byte for byte: its rule
 * names, descriptions and efforts are read out of the seed file at test
 * time and rendered as the rules of an AWS CloudTrail intake.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../generator/config.js';
import { planOutputs } from '../generator/plan/plan-outputs.js';
import { loadTemplates } from '../generator/load/read-templates.js';
import { intakeView } from '../generator/plan/intake-view.js';
import type { RuleView } from '../generator/plan/rule-view.js';
import { prepareMarkdown } from '../generator/render/markdown.js';
import { renderFiles } from '../generator/render/render.js';
import { haveShared, REPO, shared } from './shared.js';

const SEEDS = shared('seeds');

/** Read the rule blocks of a generated page: name, description (indent removed), effort. */
function readBlocks(page: string): { name: string; description: string; effort: string }[] {
  const blocks: { name: string; description: string; effort: string }[] = [];
  const re = /^\?\?\? abstract "(.*)"\n {4}\n((?: {4}.*\n)*?) {4}\n {4}- \*\*Effort:\*\* (\w+)\n/gm;
  for (const m of page.matchAll(re)) {
    const description = m[2]
      .replace(/\n$/, '')
      .split('\n')
      .map((l) => l.slice(4))
      .join('\n');
    blocks.push({ name: m[1], description, effort: m[3] });
  }
  return blocks;
}

describe.skipIf(!haveShared('seeds'))('seed page', () => {
  const files = haveShared('seeds') ? readdirSync(SEEDS) : [];
  it.each(files)('rebuilds %s byte for byte', async (name) => {
    const seed = readFileSync(path.join(SEEDS, name), 'utf8');
    const intakeName = /match the intake \*\*(.*?)\*\*/.exec(seed)![1];
    const blocks = readBlocks(seed);
    expect(blocks.length).toBeGreaterThan(10);
    const rules: RuleView[] = blocks.map((b, i) => ({
      id: `rule-${i}`,
      title: b.name,
      description: b.description,
      effort: b.effort,
      level: '',
      author: '',
      techniques: [],
      tactics: [],
      dataSources: [],
      changelog: [],
      file: '',
    }));
    // Given in reverse order: the page's order must come from rulecat's sort.
    const view = intakeView(
      {
        uuid: 'd3a813ac-f9b5-451c-a602-a5994544d9ed',
        name: intakeName,
        slug: 'aws-cloudtrail',
        description: '',
        module: 'AWS',
      },
      [...rules].reverse(),
      DEFAULT_CONFIG,
    );
    const { templates, partials } = loadTemplates(path.join(REPO, 'templates'));
    const diagnostics: never[] = [];
    const planned = planOutputs(templates, { intakes: [view], rules }, diagnostics);
    await prepareMarkdown(rules.map((r) => r.description));
    const page = renderFiles(planned, partials, diagnostics).find((f) => f.path.startsWith('suggested_rules_'));
    expect(diagnostics).toEqual([]);
    expect(page?.path).toBe('suggested_rules_d3a813ac-f9b5-451c-a602-a5994544d9ed_do_not_edit_manually.md');
    expect(page?.content).toBe(seed);
  });
});

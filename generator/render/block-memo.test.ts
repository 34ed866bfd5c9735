import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { OutputTemplate } from '../load/read-templates.js';
import type { PlannedFile } from '../plan/plan-outputs.js';
import { helpers } from './helpers.js';
import { createRenderer } from './render.js';

const template = (body: string): OutputTemplate => ({
  name: 't.hbs',
  file: 't.hbs',
  each: 'intake',
  output: 'x',
  finalNewline: true,
  body,
});

/** Plain Handlebars, as rulecat rendered before blocks were remembered. */
function plain(partials: Record<string, string>): (body: string, context: object) => string {
  const hb = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  for (const [name, body] of Object.entries(partials)) hb.registerPartial(name, body);
  return (body, context) => hb.compile(body, { strict: true, noEscape: true })(context);
}

const outcome = (f: () => string) => {
  try {
    return f();
  } catch (e) {
    return `throws ${(e as Error).message.split('\n')[0]}`;
  }
};

/** Pieces of block bodies: some read only the item, some read the iteration or the enclosing context. */
const PIECES = [
  '{{title}}',
  '{{mdTitle title}}',
  '{{#unless @first}}, {{/unless}}',
  '{{#if @last}}.{{/if}}',
  '{{@index}}',
  '{{@key}}',
  '{{../name}}',
  '{{@root.name}}',
  '{{#with meta}}[{{note}}]{{/with}}',
  '{{#each tags}}<{{this}}{{#unless @last}}|{{/unless}}>{{/each}}',
  '{{#each tags}}{{@../index}}{{/each}}',
  '{{> item}}',
  '{{> ctx}}',
  '{{#if meta.note}}n{{else}}-{{/if}}',
  '\n',
  'text ',
];

const PARTIALS = { item: '({{title}}{{#if @first}}!{{/if}})', ctx: '{{../name}}' };

describe('remembered blocks', () => {
  it('give the same text as plain Handlebars for any body and shared items', () => {
    const item = fc.record({
      title: fc.string({ maxLength: 6 }),
      tags: fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }),
      meta: fc.option(fc.record({ note: fc.string({ maxLength: 3 }) }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 5 }),
        fc.array(item, { minLength: 1, maxLength: 4 }),
        fc.array(fc.array(fc.nat(), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (pieces, items, lists) => {
          const body = `{{name}}:{{#each rules}}${pieces.join('')}{{else}}none{{/each}}\n`;
          const render = createRenderer(new Map(Object.entries(PARTIALS)));
          const reference = plain(PARTIALS);
          // Several outputs sharing item objects, in different positions.
          for (const [k, list] of lists.entries()) {
            const context = { name: `out${k}`, rules: list.map((i) => items[i % items.length]) };
            const file: PlannedFile = { path: `f${k}`, template: template(body), context };
            expect(outcome(() => render(file))).toBe(outcome(() => reference(body, context)));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('are remembered only when their text depends on the item alone', () => {
    const count = (body: string) => {
      let seen = 0;
      const render = createRenderer(new Map(Object.entries(PARTIALS)));
      // The same item four times: a remembered block renders it at most twice per variant (first sight, then kept).
      const one = Object.defineProperty({ tags: [], meta: undefined }, 'title', {
        get() {
          seen++;
          return 't';
        },
        enumerable: true,
      });
      render({ path: 'a', template: template(body), context: { name: 'n', rules: [one, one, one, one] } });
      return seen;
    };
    expect(count('{{#each rules}}{{title}}{{/each}}')).toBe(2);
    expect(count('{{#each rules}}{{#unless @first}},{{/unless}}{{title}}{{/each}}')).toBe(3);
    expect(count('{{#each rules}}{{@index}}{{title}}{{/each}}')).toBe(4);
    expect(count('{{#each rules}}{{../name}}{{title}}{{/each}}')).toBe(4);
    expect(count('{{#each rules}}{{> item}}{{/each}}')).toBe(3);
  });
});

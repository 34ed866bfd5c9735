/**
 * A catalog whose every text that reaches a markdown page carries an attack
 * on the site that renders it (MkDocs with attr_list, md_in_html,
 * pymdownx.snippets, markdown_include, details, tabbed, superfences): rule
 * titles, descriptions, authors, references, changelog texts, detection
 * field names, rule file names, intake and module names, the license notice.
 * Every rule applies to every intake but the first three, which each need
 * one field no intake has (they are listed as near misses). `SECRET` is the
 * content of a file the snippet and include lines name: it must never reach
 * a page.
 */
import { stringify } from 'yaml';
import { writeTree } from '../tree.js';

export const SECRET = 'TOPSECRET-7f3a9c';
export const SECRET_FILE = 'secret.txt';

/** Attacks as one value (titles, names, field names): each alone, on one line or not. */
export const INLINE_ATTACKS: string[] = [
  `--8<-- "${SECRET_FILE}"`,
  `{!${SECRET_FILE}!}`,
  `x{: onmouseover="alert(1)"}`,
  `{: onmouseover="alert(1)"}`,
  `{ onclick=alert(2) }`,
  `[x](https://example.com){ onclick=alert(3) }`,
  `**bold**{: onclick=alert(4)}`,
  `*em*{onclick=alert(4)}`,
  '`code`{ onclick=alert(5) }',
  '[a](javascript:alert(6))',
  '[a](JaVaScRiPt:alert(6))',
  '[a](jav&#x61;script:alert(6))',
  '[a](&#106;avascript:alert(6))',
  '[a](javascript&colon;alert(6))',
  '[a](java\tscript:alert(6))',
  '[a](<javascript:alert(6)>)',
  '[a]( javascript:alert(6) "t")',
  '[a](vbscript:msgbox(6))',
  '![i](data:text/html,<script>alert(6)</script>)',
  '[a [b](javascript:alert(6))](javascript:alert(6))',
  '<img src=x onerror=alert(7)>',
  '<img/src=x/onerror=alert(7)>',
  '<script>alert(7)</script>',
  '<a href="javascript:alert(7)">x</a>',
  '<javascript:alert(7)>',
  '<span markdown="1" onclick="alert(7)">x</span>',
  '"quoted" title " onclick="alert(8)',
  '](javascript:alert(9)) [',
  'pipe \\| and | bare',
  'ends with backslash \\',
  'C#',
  'hash ##',
  'esc \u001b[31mred\u001b[0m',
  'placeholder \u0002wzxhzdk:0\u0003 marks',
  'carriage\rreturn',
  '&#123;: onclick=alert(10)}',
  '`` `<img src=x onerror=alert(11)>` ``',
  // Python-Markdown drops these two control characters first: they must not join the pieces of a tag.
  '<\u0002img src=x onerror=alert(12)>',
  '<\u0003script>alert(12)<\u0003/script>',
  // Python's splitlines() (markdown_include splits an included page with it) breaks lines at these.
  `a\u2028--8<-- "${SECRET_FILE}"`,
  'b\u0085\u000b\u000c\u001c\u001d\u001e\u2029??? note "forged"',
];

/** Attacks as a block of text (descriptions, authors, changelog texts, notice). */
export const BLOCK_ATTACKS: string[] = [
  ...INLINE_ATTACKS,
  `intro\n--8<-- "${SECRET_FILE}"\noutro`,
  `;--8<-- "${SECRET_FILE}"`,
  `-8<- "${SECRET_FILE}"`,
  `    --8<-- "${SECRET_FILE}"`,
  `--8<--\n${SECRET_FILE}\n--8<--`,
  `text {!${SECRET_FILE}!} text`,
  'paragraph\n{: onmouseover="alert(12)"}',
  'paragraph {: onmouseover="alert(12)" }',
  '```{.js onclick=alert(13)}\ncode\n```',
  '``` { .js #id onclick=alert(13) }\ncode\n```',
  '```\nunclosed fence',
  '[r]: javascript:alert(14)\nsee [r] and [r][]',
  '[BETA]: javascript:alert(14)',
  '[^1]: javascript:alert(14)',
  '!!! danger "forged"\n    admonition body',
  '??? note "forged"\n    details body',
  '???+ note "forged"\n    details body',
  '=== "Tab"\n    tab body',
  '/// details | forged\nbody\n///',
  '# forged heading',
  '#forged-no-space',
  '   ### indented heading',
  'setext\n===',
  'setext\n---',
  'a | b\n--- | ---\nc | <img src=x onerror=alert(15)>',
  '<div markdown="1" onclick="alert(16)">\n*x*\n</div>',
  '<details open ontoggle=alert(17)><summary>x</summary></details>',
  '<!-- comment --><img src=x onerror=alert(18)>',
  '``x` <img src=x onerror=alert(19)> `',
  '`a\n- <img src=x onerror=alert(20)>`',
  '`x\n# <img src=x onerror=alert(21)>`',
  '> `quote\n<img src=x onerror=alert(22)>`',
  'line one\n\n\n    indented code <img src=x onerror=alert(23)>',
  'text  \n{: onclick=alert(24)}',
  '- item\n    # nested heading\n    {: onclick=alert(25)}',
  '> !!! danger "forged"\n>     quoted admonition',
  '- # forged heading in a list item',
  '1. ??? note "forged"\n       details in a list item',
  '> === "Tab"\n>     quoted tab',
  '>#forged quoted heading',
];

export interface HostileIntake {
  uuid: string;
  name: string;
  module: string;
}

export const HOSTILE_INTAKES: HostileIntake[] = [
  {
    uuid: 'a1111111-1111-4111-8111-111111111111',
    name: 'Evil ](javascript:alert(30)) [ Intake',
    module: 'Mod ](javascript:alert(31)) [',
  },
  { uuid: 'a2222222-2222-4222-8222-222222222222', name: 'Pipe \\| Intake', module: 'Pipe \\| Module' },
  {
    uuid: 'a3333333-3333-4333-8333-333333333333',
    name: 'Bold x**{: onclick=alert(32)}** [BETA]',
    module: '{!secret.txt!}',
  },
  {
    uuid: 'a4444444-4444-4444-8444-444444444444',
    name: 'Quote " <img src=x onerror=alert(33)> {!secret.txt!}',
    module: '<b>m</b>',
  },
  {
    uuid: 'a5555555-5555-4555-8555-555555555555',
    name: 'Line\nbreak --8<-- "secret.txt" [x](javascript:alert(34))',
    module: 'Line\nbreak',
  },
  { uuid: 'a6666666-6666-4666-8666-666666666666', name: 'Azure [BETA]', module: 'Azure' },
  { uuid: 'a7777777-7777-4777-8777-777777777777', name: 'Trail \\', module: 'Trail' },
];

/** Field names the intakes lack, one per near-miss rule: they are printed as code. */
export const HOSTILE_FIELDS = [
  'evil`<img src=x onerror=alert(40)>`',
  'inc{!secret.txt!}',
  'br\nace{: onclick=alert(41)}',
];

export interface HostileRule {
  id: string;
  /** Marks the rule on every page: each title starts with it. */
  marker: string;
  title: string;
  file: string;
}

const NOTICE = `License {: onclick=alert(50)} [l](javascript:alert(51))\n--8<-- "${SECRET_FILE}"\n{!${SECRET_FILE}!}`;

/**
 * Write the hostile catalog and its configuration (attribution with source
 * links and notice, near misses, both layer styles, a fixed date) under a
 * new folder; the secret file sits in its `base/` folder.
 */
export function writeHostileCatalog(
  options: { intakes?: HostileIntake[]; texts?: { title: string; description: string }[] } = {},
): { root: string; rules: HostileRule[] } {
  const intakes = options.intakes ?? HOSTILE_INTAKES;
  const files: Record<string, string> = {
    [`base/${SECRET_FILE}`]: `${SECRET}\n`,
    'rulecat.config.yaml': stringify({
      rules: ['rules'],
      intakes: ['intakes'],
      out: 'base/docs',
      nearMiss: true,
      layerStyle: 'both',
      date: '2024-05-01',
      attribution: { notice: NOTICE, sourceUrl: 'https://example.com/rules/', sourceRoot: '.' },
    }),
  };
  const modules = new Map<string, string>();
  intakes.forEach((intake, i) => {
    const folder = `M${i}`;
    modules.set(folder, intake.module);
    files[`intakes/${folder}/_meta/manifest.yml`] = stringify({ name: intake.module, slug: `m${i}` });
    files[`intakes/${folder}/i${i}/_meta/manifest.yml`] = stringify({
      uuid: intake.uuid,
      name: intake.name,
      slug: `i${i}`,
      description: 'Hostile intake',
    });
    files[`intakes/${folder}/i${i}/ingest/parser.yml`] = stringify(
      {
        name: 'p',
        pipeline: [{ name: 'parsed', external: { name: 'json.parse-json' } }, { name: 'set_fields' }],
        stages: { set_fields: { actions: [{ set: { 'process.executable': '{{parsed.message.image}}' } }] } },
      },
      { lineWidth: 0 },
    );
  });
  const rules: HostileRule[] = [];
  const texts = options.texts;
  const count = texts ? texts.length : BLOCK_ATTACKS.length;
  for (let i = 0; i < count; i++) {
    const marker = `R${String(i).padStart(2, '0')}`;
    const inlineAttack = texts ? texts[i].title : INLINE_ATTACKS[i % INLINE_ATTACKS.length];
    const blockAttack = texts ? texts[i].description : BLOCK_ATTACKS[i];
    const nearMissField = i < HOSTILE_FIELDS.length ? HOSTILE_FIELDS[i] : undefined;
    const detection: Record<string, unknown> = { sel: { 'process.executable': 'x.exe' }, condition: 'sel' };
    if (nearMissField !== undefined) detection.sel = { 'process.executable': 'x.exe', [nearMissField]: 'y' };
    const doc = {
      title: `${marker} ${inlineAttack}`,
      id: `hostile-${i}`,
      description: blockAttack,
      author: BLOCK_ATTACKS[(i + 7) % BLOCK_ATTACKS.length],
      references: [inlineAttack, 'javascript:alert(60)'],
      level: 'high',
      tags: ['attack.execution', 'attack.t1059.001'],
      logsource: { category: 'process_creation' },
      changelog: [
        { date: '2024-01-02', type: 'minor', description: BLOCK_ATTACKS[(i + 3) % BLOCK_ATTACKS.length] },
        { date: '2024-03-04', type: 'major', description: inlineAttack },
      ],
      detection,
    };
    // A few rule files with hostile names: the path is shown (and linked) in each rule's attribution.
    const name = i === 1 ? 'x](javascript:alert(61)){: onclick=alert(62)}' : i === 2 ? '{!secret.txt!} <b>' : `r${i}`;
    const file = `rules/${name}.yml`;
    files[file] = stringify(doc, { lineWidth: 0 });
    rules.push({ id: doc.id, marker, title: doc.title, file });
  }
  return { root: writeTree(files), rules };
}

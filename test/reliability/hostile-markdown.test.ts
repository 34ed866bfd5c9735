/**
 * Each attack on the pages, one case per context, with the exact markdown
 * rulecat writes for it; ordinary text the same in every context; and
 * values with line breaks and terminal controls in diagnostics and
 * `explain`. mkdocs-render.test.ts renders the same attacks with the real
 * Python-Markdown and checks the HTML.
 */
import { describe, expect, it } from 'vitest';
import { escapeControls, formatDiagnostic } from '../../generator/diagnostics.js';
import {
  admonitionTitle,
  codeSpan,
  headingText,
  indentedBlock,
  inlineName,
  isSafeUrl,
  linkTarget,
  linkText,
  neutralizeBlock,
  prepareMarkdown,
  tableCell,
} from '../../generator/render/markdown.js';
import { runCli, writeTree } from '../tree.js';
import { catalog, GENERATE, RULE } from './helpers.js';

type Context = 'title' | 'heading' | 'name' | 'linkText' | 'cell' | 'code' | 'block';

const render: Record<Context, (text: string) => string> = {
  title: admonitionTitle,
  heading: headingText,
  name: inlineName,
  linkText,
  cell: tableCell,
  code: codeSpan,
  block: neutralizeBlock,
};

/** [what, context, input, output] */
const CASES: [string, Context, string, string][] = [
  // Snippet lines (pymdownx.snippets): every form, any number of dashes, indented or escaped with `;`.
  ['snippet line', 'block', '--8<-- "secret.txt"', '--8&lt;-- "secret.txt"'],
  ['snippet line after text', 'block', 'intro\n--8<-- "secret.txt"', 'intro\n--8&lt;-- "secret.txt"'],
  ['snippet line, one dash', 'block', '-8<- "secret.txt"', '-8&lt;- "secret.txt"'],
  ['snippet line, escaped form', 'block', ';--8<-- "secret.txt"', ';--8&lt;-- "secret.txt"'],
  ['snippet line, indented', 'block', '    --8<-- "secret.txt"', '    --8&lt;-- "secret.txt"'],
  ['snippet block', 'block', '--8<--\nsecret.txt\n--8<--', '--8&lt;--\nsecret.txt\n--8&lt;--'],
  ['snippet marker inside a sentence stays', 'block', 'cut --8<-- here', 'cut --8<-- here'],
  // Include directives (markdown_include): anywhere on a line, code spans included.
  ['include line', 'block', '{!secret.txt!}', '\\{\\!secret.txt!}'],
  ['include inside a line', 'block', 'a {!secret.txt!} b', 'a \\{\\!secret.txt!} b'],
  ['include in a code span', 'block', '`{!secret.txt!}`', '`{\\!secret.txt!}`'],
  ['include in a title', 'title', '{!secret.txt!}', '\\{\\!secret.txt!}'],
  ['include in a name', 'name', 'x {!secret.txt!}', 'x \\{\\!secret.txt!}'],
  ['include in a field name', 'code', 'x{!secret.txt!}', 'x\\{\\!secret.txt!}'],
  // Attribute lists (attr_list): after inline elements, at the end of headings and blocks, on fences.
  [
    'attributes at the end of a heading',
    'heading',
    'Title {: onmouseover="alert(1)"}',
    'Title \\{: onmouseover=&quot;alert(1)&quot;}',
  ],
  [
    'attributes after a link',
    'title',
    '[x](https://example.com){ onclick=alert(1) }',
    '[x](https://example.com)\\{ onclick=alert(1) }',
  ],
  ['attributes after bold', 'name', 'x**{: onclick=alert(1)}**', 'x**\\{: onclick=alert(1)}**'],
  ['attributes on their own line', 'block', 'text\n{: onclick=alert(1)}', 'text\n\\{: onclick=alert(1)}'],
  ['attributes after a code span', 'block', '`code`{ onclick=alert(1) }', '`code`\\{ onclick=alert(1) }'],
  ['attributes on a fence', 'block', '```{.js onclick=alert(1)}\ncode\n```', '```\\{.js onclick=alert(1)}\ncode\n```'],
  ['attributes in a table cell', 'cell', 'cell {: onclick=alert(1)}', 'cell \\{: onclick=alert(1)}'],
  ['an escaped brace stays', 'title', 'a \\{b}', 'a \\{b}'],
  ['a brace after escaped backslashes is escaped', 'title', 'a \\\\{b}', 'a \\\\\\{b}'],
  ['a brace without a closing one stays', 'block', 'a { b\nc }', 'a { b\nc }'],
  // Links and images: any scheme but http, https, mailto refused, however it is written.
  ['javascript link', 'title', '[a](javascript:alert(1))', '[a]\\(javascript:alert(1))'],
  ['javascript link, mixed case', 'block', '[a](JaVaScRiPt:alert(1))', '[a]\\(JaVaScRiPt:alert(1))'],
  ['javascript link, character reference', 'block', '[a](jav&#x61;script:alert(1))', '[a]\\(jav&#x61;script:alert(1))'],
  ['javascript link, &colon;', 'block', '[a](javascript&colon;alert(1))', '[a]\\(javascript&colon;alert(1))'],
  ['javascript link, tab inside', 'block', '[a](java\tscript:alert(1))', '[a]\\(java\tscript:alert(1))'],
  ['javascript link, in angle brackets', 'block', '[a](<javascript:alert(1)>)', '[a]\\(&lt;javascript:alert(1)>)'],
  ['javascript link, spaces and title', 'block', '[a]( javascript:alert(1) "t")', '[a]\\( javascript:alert(1) "t")'],
  ['vbscript link', 'name', '[a](vbscript:msgbox(1))', '[a]\\(vbscript:msgbox(1))'],
  ['data image', 'block', '![i](data:text/html,x)', '![i]\\(data:text/html,x)'],
  ['nested links', 'block', '[a [b](javascript:x)](javascript:y)', '[a [b]\\(javascript:x)]\\(javascript:y)'],
  [
    'http, https, mailto and relative links stay',
    'block',
    '[a](https://x) [b](http://y) [c](mailto:z@x) [d](page.md#x)',
    '[a](https://x) [b](http://y) [c](mailto:z@x) [d](page.md#x)',
  ],
  ['reference definition', 'block', '[r]: javascript:alert(1)\nsee [r]', '\\[r]: javascript:alert(1)\nsee [r]'],
  ['definition for a name on the page', 'block', '[BETA]: javascript:alert(1)', '\\[BETA]: javascript:alert(1)'],
  ['footnote-style definition', 'block', '[^1]: x', '\\[^1]: x'],
  // Link texts: a name that would end the Navigator button's link or nest one.
  [
    'link text closing the link',
    'linkText',
    'Evil ](javascript:alert(1)) [ Intake',
    'Evil \\]\\(javascript:alert(1)) \\[ Intake',
  ],
  ['link text with a link', 'linkText', 'a [b](https://x) c', 'a \\[b\\](https://x) c'],
  ['link text with an unbalanced bracket', 'linkText', 'a ] b', 'a \\] b'],
  ['link text with a backslash before a bracket', 'linkText', 'a \\\\] b', 'a \\\\\\] b'],
  ['link text with [BETA] stays', 'linkText', 'Azure Activity Logs [BETA]', 'Azure Activity Logs [BETA]'],
  // Raw HTML (md_in_html too): every `<` that could open a tag.
  ['script', 'block', '<script>alert(1)</script>', '&lt;script>alert(1)&lt;/script>'],
  ['img without spaces', 'block', '<img/src=x/onerror=alert(1)>', '&lt;img/src=x/onerror=alert(1)>'],
  [
    'markdown="1" block',
    'block',
    '<div markdown="1" onclick="alert(1)">\n*x*\n</div>',
    '&lt;div markdown="1" onclick="alert(1)">\n*x*\n&lt;/div>',
  ],
  ['HTML block start without ">" on its line', 'block', '<div\nonclick=alert(1)', '&lt;div\nonclick=alert(1)'],
  ['autolink to a script', 'block', '<javascript:alert(1)>', '&lt;javascript:alert(1)>'],
  ['a mail-looking tag', 'block', '<p/onclick=alert(1)@x>', '&lt;p/onclick=alert(1)@x>'],
  [
    'tag pieces joined by dropped controls',
    'block',
    '<\u0002img src=x onerror=alert(1)>',
    '&lt;img src=x onerror=alert(1)>',
  ],
  ['HTML in a title', 'title', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)>'],
  ['HTML in a cell', 'cell', '<b>x</b>', '&lt;b>x&lt;/b>'],
  // Code spans: a `<` is left as it is only where both CommonMark and Python-Markdown read a code span.
  ['a tag in a code span stays', 'block', 'Set `<TargetObject name="x">` here.', 'Set `<TargetObject name="x">` here.'],
  [
    'a code span only CommonMark reads',
    'block',
    '`a\n- <img src=x onerror=alert(1)>`',
    '`a\n- &lt;img src=x onerror=alert(1)>`',
  ],
  [
    'a code span only one split of the paragraph reads',
    'block',
    '`x\n# `<img src=x onerror=alert(1)>`',
    '`x\n\\# `&lt;img src=x onerror=alert(1)>`',
  ],
  [
    'a code span of a possible table',
    'block',
    'a | b\n--- | ---\n`x | <img src=x onerror=alert(1)> `',
    'a | b\n--- | ---\n`x | &lt;img src=x onerror=alert(1)> `',
  ],
  ['backticks in a field name', 'code', 'a`<b>`', '`` a`<b>` ``'],
  ['a field name starting with a backtick', 'code', '`x', '`` `x ``'],
  // Block openers inside a rule's block.
  ['admonition', 'block', '!!! danger "x"', '\\!!! danger "x"'],
  ['details', 'block', '??? note "x"', '&#63;?? note "x"'],
  ['open details', 'block', '???+ note "x"', '&#63;??+ note "x"'],
  ['tab', 'block', '=== "Tab"', '&#61;== "Tab"'],
  ['pymdownx block', 'block', '/// details | x', '&#47;// details | x'],
  ['heading', 'block', '# forged', '\\# forged'],
  ['heading without a space', 'block', '#forged', '\\#forged'],
  ['indented heading', 'block', '   ### forged', '   \\### forged'],
  ['heading in a list item', 'block', '- item\n    # forged', '- item\n    \\# forged'],
  ['heading as a list item', 'block', '- # forged', '- \\# forged'],
  ['admonition in a quote', 'block', '> !!! danger "x"', '> \\!!! danger "x"'],
  ['details in a numbered item', 'block', '1. ??? note "x"', '1. &#63;?? note "x"'],
  ['heading in a quote without a space', 'block', '>#forged', '>\\#forged'],
  ['a quote or a list stays', 'block', '> quoted\n- item\n1. first', '> quoted\n- item\n1. first'],
  ['setext heading', 'block', 'setext\n===', 'setext\n&#61;=='],
  ['setext heading with dashes', 'block', 'setext\n---', 'setext\n\\---'],
  ['a rule line after a blank line stays', 'block', 'text\n\n---', 'text\n\n---'],
  // One line where one line is expected.
  ['line breaks in a title', 'title', 'a\nb\r\nc\rd', 'a b c d'],
  ['quotes in a title', 'title', 'say "hi"', 'say &quot;hi&quot;'],
  ['line break in a name', 'name', 'a\nb', 'a b'],
  ['line separator before a snippet line', 'block', 'a\u2028--8<-- "s"', 'a&#8232;--8<-- "s"'],
  [
    'breaks of Python splitlines() in a title',
    'title',
    'a\u0085b\u000bc\u000cd\u001ce\u2029f',
    'a&#133;b&#11;c&#12;d&#28;e&#8233;f',
  ],
  ['line separator in a field name', 'code', 'a\u2028b', 'a&#8232;b'],
  ['a trailing backslash', 'heading', 'ends with \\', 'ends with \\\\'],
  ['trailing hashes of a heading', 'heading', 'C#', 'C\\#'],
  ['trailing hashes after an escaped one', 'heading', 'C\\##', 'C\\#\\#'],
  // Table pipes, also after backslashes.
  ['pipe in a cell', 'cell', 'a | b', 'a \\| b'],
  ['escaped pipe in a cell', 'cell', 'Pipe \\| Intake', 'Pipe \\| Intake'],
  ['pipe after an escaped backslash', 'cell', 'a \\\\| b', 'a \\\\\\| b'],
];

describe('each attack, in each context, is written as inert markdown', () => {
  it.each(CASES)('%s (%s)', async (_, context, input, output) => {
    await prepareMarkdown(['`<']);
    expect(render[context](input)).toBe(output);
  });
});

/** Text as the published pages have it (names, titles, descriptions of the Sekoia catalog). */
const ORDINARY = [
  'Azure Activity Logs [BETA]',
  'Check Point Email & Collaboration Suite Security [BETA]',
  'Disable .NET ETW Through COMPlus_ETWEnabled',
  'Detects specific file creation (Users\\*\\AppData\\Local\\Temp\\DB1) to store data',
  'An attacker can use an OS command to be executed by NT_AUTHORITY\\SYSTEM.',
  'The command is the following: Get-Recipient | Select Name -ExpandProperty EmailAddresses',
  'Users for example "User-Agent: Lemon-Duck-[A-Z]-[A-Z]".',
  'groups (S-1-5-*-500), Domain Admins (S-1-5-*-512)',
  'Set `<TargetObject name="testr12" condition="end with">\\TreatAs\\(Default)</TargetObject>` in Sysmon.',
  'See [the docs](https://example.com/a_(b)) and <https://example.com> or <soc@example.com>.',
  'a < b and c > d, x<3, if a<b',
  'Rule - name: 50% of `${jndi:ldap://x}` attempts',
];

describe('ordinary text', () => {
  it.each(ORDINARY)('is written byte for byte: %s', async (text) => {
    await prepareMarkdown([text]);
    expect(neutralizeBlock(text)).toBe(text);
    expect(indentedBlock(`${text}\nnext line`)).toBe(`${text}\n    next line`);
    if (!text.includes('`') && !text.includes('|') && !text.includes('"')) {
      for (const context of ['title', 'heading', 'name', 'cell'] as const)
        expect(render[context](text), context).toBe(text.replace(/</g, '&lt;'));
    }
  });

  it('keeps names in link texts and navigator links as they are', () => {
    expect(linkText('Azure Activity Logs [BETA]')).toBe('Azure Activity Logs [BETA]');
    const link =
      'https://mitre-attack.github.io/attack-navigator/#layerURL=https%3A%2F%2Fraw.githubusercontent.com%2Fx%2Fattack_1_do_not_edit_manually.json';
    expect(linkTarget(link)).toBe(link);
  });
});

describe('link targets written by templates', () => {
  it.each([
    'javascript:alert(1)',
    ' JAVASCRIPT:x',
    'java\nscript:x',
    'data:text/html,x',
    'vbscript:x',
    '&#106;avascript:x',
    'jav&#x09;ascript:x',
    'javascript&colon;x',
    'x&amp;y:z',
    'file:///etc/passwd',
  ])('refuses %j', (url) => {
    expect(isSafeUrl(url)).toBe(false);
    expect(() => linkTarget(url)).toThrow(/refused link target/);
  });

  it.each(['https://x/y', 'http://x', 'mailto:a@b', 'page.md', '#anchor', '/abs', '?q=1', '//host/x', 'a/b:c'])(
    'accepts %j',
    (url) => {
      expect(isSafeUrl(url)).toBe(true);
    },
  );

  it('percent-encodes what would end or break the target', () => {
    expect(linkTarget('https://x/a b(c)<d>"e"{f}|g\\h`i')).toBe(
      'https://x/a%20b%28c%29%3Cd%3E%22e%22%7Bf%7D%7Cg%5Ch%60i',
    );
  });
});

describe('values with line breaks and terminal controls in messages', () => {
  it('escapes controls, line and paragraph separators and bidirectional overrides', () => {
    expect(escapeControls('a\nb\r\tc\u001b[31md\u0007\u0085\u2028\u202e\u0000')).toBe(
      'a\\nb\\r\\tc\\x1b[31md\\x07\\x85\\u2028\\u202e\\x00',
    );
    expect(escapeControls('line\nnext\u001b', true)).toBe('line\nnext\\x1b');
    expect(escapeControls('é 😀 plain')).toBe('é 😀 plain');
  });

  it('writes one line per problem, the file name and message escaped', () => {
    const line = formatDiagnostic({
      file: 'rules/a\nb.yml',
      line: 1,
      col: 2,
      severity: 'error',
      code: 'x',
      message: 'Bad "v\nrules/evil.yml:1:1: error: forged problem [forged]"',
    });
    expect(line).toBe('rules/a\\nb.yml:1:2: error: Bad "v\\nrules/evil.yml:1:1: error: forged problem [forged]" [x]');
  });

  it('a tag with a line break: one warning line, no forged problem', async () => {
    const forged = 'rules/evil.yml:1:1: error: forged problem [forged]';
    const rule = RULE('r-x', 'Tagged').replace(
      '  - attack.execution\n',
      `  - "attack.execution\\n${forged}"\n  - attack.execution\n`,
    );
    const root = catalog({ 'rules/tagged.yml': rule });
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('rules/evil.yml'))).toEqual([]);
    expect(lines.filter((l) => l.includes('forged'))).toEqual([
      `rules/tagged.yml:6:5: warning: Unknown ATT&CK tactic "execution\\n${forged}", expected one of: reconnaissance, resource-development, initial-access, execution, persistence, privilege-escalation, stealth, defense-impairment, credential-access, discovery, lateral-movement, collection, command-and-control, exfiltration, impact [unknown-tactic]`,
    ]);
  });

  it('a file name with a line break: one error line', async () => {
    const root = catalog();
    writeTree(
      {
        'rules/b\nevil.yml:2:2: error: forged [forged].yml':
          'title: x\nid: r-bad\nlevel: high\neffort: nope\ndetection:\n  sel:\n    process.executable: x\n  condition: sel\n',
      },
      root,
    );
    const r = await runCli(GENERATE, root);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.includes('forged'))).toEqual([
      'rules/b\\nevil.yml:2:2: error: forged [forged].yml:4:9: error: Unknown effort "nope", expected one of: elementary, intermediate, advanced, master [unknown-effort]',
    ]);
  });

  it('a title with terminal escapes: explain and diagnostics print them escaped', async () => {
    const title = 'Esc \u001b[31mred\u001b[0m \u001b]0;pwned\u0007';
    const root = catalog({
      'rules/esc.yml': RULE('r-esc', 'x')
        .replace('title: x', `title: ${JSON.stringify(title)}`)
        .replace('level: high', 'level: high\neffort: "\u001b[2J"'),
    });
    const gen = await runCli(GENERATE, root);
    expect(gen.stderr).not.toContain('\u001b');
    expect(gen.stderr).toContain('Unknown effort "\\u001b[2J"');
    writeTree({ 'rules/esc.yml': RULE('r-esc', 'x').replace('title: x', `title: ${JSON.stringify(title)}`) }, root);
    const r = await runCli(
      ['explain', '--rules', 'rules', '--intakes', 'intakes', '--rule', 'r-esc', '--intake', 'Vendor EDR'],
      root,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(r.stdout.split('\n')[0]).toBe('Esc \\x1b[31mred\\x1b[0m \\x1b]0;pwned\\x07 (r-esc, rules/esc.yml)');
  });
});

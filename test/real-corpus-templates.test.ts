/**
 * Every template of every `ingest/parser.yml` of ../shared/data/intake-formats
 * read with the Jinja parser: how many, how many cannot be parsed (each
 * printed), never an exception; and the source paths of `set` templates no
 * longer end in a method name, as the regular expressions read them before.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../generator/diagnostics.js';
import { readYamlDocs } from '../generator/load/read-yaml.js';
import { readParserFacts } from '../generator/model/parser.js';
import { plainPath, readTemplate, readTemplateFully } from '../generator/model/template.js';
import { haveShared, shared } from './shared.js';

const available = haveShared('data', 'intake-formats');

function parserFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) parserFiles(p, out);
    else if (p.endsWith(`${path.sep}ingest${path.sep}parser.yml`)) out.push(p);
  }
  return out;
}

interface Found {
  file: string;
  where: string;
  text: string;
  /** In a `set` action: the value of a field. */
  set: boolean;
}

/** Every string holding `{{` or `{%`, but grok patterns (`custom_patterns`), which are not templates. */
function templatesOf(file: string, value: unknown, where: (string | number)[] = [], out: Found[] = []): Found[] {
  if (typeof value === 'string') {
    if (value.includes('{{') || value.includes('{%'))
      out.push({ file, where: where.join('.'), text: value, set: where.includes('set') });
  } else if (Array.isArray(value)) value.forEach((v, i) => templatesOf(file, v, [...where, i], out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'custom_patterns') templatesOf(file, v, [...where, k], out);
  }
  return out;
}

/** How templates were read before the Jinja parser: dotted names found by regular expressions (kept to measure the change). */
function regexSources(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(/\{\{([\s\S]*?)\}\}/g)) {
    const noStrings = m[1].replace(/["'][^"']*["']/g, (s) => (/^\[/.test(s) ? s : '""'));
    for (const p of noStrings.matchAll(/[A-Za-z_@][\w@-]*(?:\.[A-Za-z_@][\w@-]*|\[["'][^"']+["']\])+/g)) {
      const found = p[0].replace(/\[["']([^"']+)["']\]/g, '.$1');
      if (!out.includes(found)) out.push(found);
    }
  }
  return out;
}

/** The path ends in the name of a method the template calls (`….Operation.rstrip` for `….Operation.rstrip('.')`). */
function endsInMethod(source: string, template: string): boolean {
  const last = source.slice(source.lastIndexOf('.') + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\.${last}\\s*\\(`).test(template);
}

describe.skipIf(!available)('parser templates of the real intakes', () => {
  const files = available ? parserFiles(shared('data', 'intake-formats')) : [];
  const docs = files.map((file) => {
    const { docs: parsed, diagnostics } = readYamlDocs(file, readFileSync(file, 'utf8'));
    expect(diagnostics).toEqual([]);
    return parsed[0];
  });
  const templates = docs.flatMap((doc) => templatesOf(doc.file, doc.value));

  it('are all read without an exception; those that cannot be parsed are few, and each is reported', () => {
    let crashes = 0;
    const problems: string[] = [];
    for (const t of templates) {
      try {
        const r = readTemplate(t.text);
        if (r.problem)
          problems.push(
            `${path.relative(shared('data'), t.file)} ${t.where} @${r.problem.offset}: ${r.problem.message}`,
          );
      } catch (e) {
        crashes++;
        problems.push(`${t.file} ${t.where}: CRASH ${(e as Error).message}`);
      }
    }
    console.log(
      `${files.length} parsers, ${templates.length} templates, ${templates.length - problems.length} parsed, ${problems.length} not:\n  ${problems.join('\n  ')}`,
    );
    expect(files.length).toBeGreaterThanOrEqual(200);
    expect(templates.length).toBeGreaterThan(15_000);
    expect(crashes).toBe(0);
    // 3 today, each invalid for Jinja too (`json.event..winlog`, an extra `)`, a missing `)`): at most
    // one template in 2,000 may fail; more means a Jinja construct the reader does not handle.
    expect(problems.length).toBeLessThanOrEqual(Math.ceil(templates.length / 2000));
  });

  it('report those problems as parser-template warnings with their place', () => {
    const diagnostics: Diagnostic[] = [];
    for (const doc of docs) readParserFacts(doc, diagnostics);
    const templateWarnings = diagnostics.filter((d) => d.code === 'parser-template');
    console.log(templateWarnings.map(formatDiagnostic).join('\n'));
    expect(diagnostics.filter((d) => d.code !== 'parser-template')).toEqual([]);
    expect(templateWarnings.length).toBeGreaterThan(0);
    for (const d of templateWarnings) {
      expect(d.severity).toBe('warning');
      expect(d.line).toBeGreaterThan(0);
      expect(d.col).toBeGreaterThan(0);
      // The column points at the character named in the message, on that line of the file.
      const quoted = /^Unexpected "([^"]+)"/.exec(d.message)?.[1];
      const line = readFileSync(d.file, 'utf8').split('\n')[d.line - 1];
      if (quoted)
        expect(line.slice(d.col - 1)).toMatch(new RegExp(`^\\\\?${quoted[0].replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it('no longer end set-template source paths in a method name', () => {
    let before = 0;
    let after = 0;
    let sources = 0;
    const setTemplates = templates.filter((t) => t.set);
    for (const t of setTemplates) {
      before += regexSources(t.text).filter((s) => endsInMethod(s, t.text)).length;
      const copies = readTemplate(t.text).copies;
      sources += copies.length;
      after += copies.filter((s) => endsInMethod(s, t.text)).length;
    }
    console.log(
      `${setTemplates.length} set templates: source paths ending in a method name: ${before} with regular expressions, ${after} now (of ${sources})`,
    );
    expect(before).toBeGreaterThan(1000);
    expect(after).toBe(0);
    // The parser facts hold the same copies.
    const facts = docs.map((doc) => readParserFacts(doc, []));
    expect(
      facts.reduce(
        (n, f) =>
          n +
          [...f.sources.values()].flat().filter((s) => /\.(get|split|strip|rstrip|lstrip|replace|lower|upper)$/.test(s))
            .length,
        0,
      ),
    ).toBe(0);
  });

  it('read plain paths without parsing exactly as the parser reads them', () => {
    let plain = 0;
    for (const t of templates) {
      if (plainPath(t.text) === undefined) continue;
      plain++;
      expect(readTemplateFully(t.text), t.text).toEqual(readTemplate(t.text));
    }
    console.log(`${plain} plain-path templates`);
    expect(plain).toBeGreaterThan(5_000);
  });
});

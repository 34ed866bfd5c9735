/**
 * What an intake parser (`ingest/parser.yml`) tells about its events: the
 * fields its `set` and `translate` actions write, the literal values some
 * fields can only take, and the raw source paths templates read from.
 */
import { error, type Diagnostic } from '../diagnostics.js';
import type { YamlDoc } from './source-doc.js';
import type { Scalar } from './detection.js';

export interface ParserFacts {
  /** Fields written by `set` or `translate`. */
  fields: Set<string>;
  /** Fields whose every write is a literal: field → the literal values it can take. */
  literals: Map<string, Scalar[]>;
  /** Field → raw source paths its `set` templates copy (`json_event.message.eventSource`); translations excluded. */
  sources: Map<string, string[]>;
  /** Names of the pipeline's external stages and what each is (`json.parse-json`). */
  externals: Map<string, string>;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null || v === undefined ? 'empty value' : Array.isArray(v) ? 'list' : typeof v === 'object' ? 'map' : typeof v;
}

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const DOTTED = /[A-Za-z_@][\w@-]*(?:\.[A-Za-z_@][\w@-]*|\[["'][^"']+["']\])+/g;

/** Dotted paths a template expression reads, e.g. `json_event.message.eventSource`. */
export function templateSources(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(TEMPLATE)) {
    for (const p of m[1].replace(/["'][^"']*["']/g, (s) => (/^\[/.test(s) ? s : '""')).matchAll(DOTTED)) {
      const path = p[0].replace(/\[["']([^"']+)["']\]/g, '.$1');
      if (!out.includes(path)) out.push(path);
    }
  }
  return out;
}

function literalValues(value: unknown): Scalar[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return undefined;
  const out: Scalar[] = [];
  for (const v of list) {
    if (typeof v === 'string') {
      if (v.includes('{{') || v.includes('{%')) return undefined;
      out.push(v);
    } else if (typeof v === 'number' || typeof v === 'boolean') out.push(v);
    else return undefined;
  }
  return out;
}

class FactsBuilder {
  readonly facts: ParserFacts = { fields: new Set(), literals: new Map(), sources: new Map(), externals: new Map() };
  private readonly computed = new Set<string>();

  write(field: string, value: unknown): void {
    this.facts.fields.add(field);
    const literal = literalValues(value);
    if (literal === undefined || this.computed.has(field)) {
      this.computed.add(field);
      this.facts.literals.delete(field);
    } else {
      const known = this.facts.literals.get(field) ?? [];
      for (const v of literal) if (!known.includes(v)) known.push(v);
      this.facts.literals.set(field, known);
    }
    if (typeof value === 'string') {
      for (const source of templateSources(value)) this.source(field, source);
    }
  }

  source(field: string, source: string): void {
    const list = this.facts.sources.get(field) ?? [];
    if (!list.includes(source)) list.push(source);
    this.facts.sources.set(field, list);
  }
}

function readActions(doc: YamlDoc, stage: string, raw: unknown, facts: FactsBuilder, diagnostics: Diagnostic[]): void {
  const path = ['stages', stage];
  if (!isMap(raw)) {
    diagnostics.push(error(doc.place(path), 'parser-stage', `Unexpected ${typeName(raw)} for stage "${stage}", expected a map with "actions"`));
    return;
  }
  const actions = raw.actions;
  if (actions === undefined || actions === null) return;
  if (!Array.isArray(actions)) {
    diagnostics.push(error(doc.place([...path, 'actions']), 'parser-actions', `Unexpected ${typeName(actions)} for "actions" of stage "${stage}", expected a list`));
    return;
  }
  actions.forEach((action, i) => {
    const where = [...path, 'actions', i];
    if (!isMap(action)) {
      diagnostics.push(error(doc.place(where), 'parser-action', `Unexpected ${typeName(action)} as action, expected a map with set, translate or delete`));
      return;
    }
    if ('set' in action) {
      if (!isMap(action.set)) {
        diagnostics.push(error(doc.place([...where, 'set']), 'parser-action', `Unexpected ${typeName(action.set)} for "set", expected a map of field: value`));
      } else {
        for (const [field, value] of Object.entries(action.set)) facts.write(field, value);
      }
    }
    if ('translate' in action || 'mapping' in action) {
      readTranslate(doc, action, where, facts, diagnostics);
    }
  });
}

/** `translate` writes dictionary values (or the fallback) to each mapping target. */
function readTranslate(doc: YamlDoc, action: Record<string, unknown>, where: (string | number)[], facts: FactsBuilder, diagnostics: Diagnostic[]): void {
  // Both layouts occur: keys under `translate:` or beside it.
  const body = isMap(action.translate) ? action.translate : action;
  const mapping = body.mapping;
  if (!isMap(mapping)) {
    diagnostics.push(error(doc.place(where), 'parser-action', `Unexpected ${typeName(mapping)} for translate "mapping", expected a map of source: target`));
    return;
  }
  const dictionary = isMap(body.dictionary) ? body.dictionary : {};
  const produced: unknown[] = Object.values(dictionary);
  const fallback = body.fallback ?? body.default;
  if (fallback !== undefined) produced.push(fallback);
  for (const [source, target] of Object.entries(mapping)) {
    if (typeof target !== 'string') continue;
    // The target holds translated values, not the source's: it is not recorded as a source of the target.
    facts.facts.fields.add(target);
    void source;
    const allLiteral = produced.every((v) => literalValues(v) !== undefined);
    for (const v of allLiteral ? produced : ['{{computed}}']) facts.write(target, v);
  }
}

/** Analyse a parser document. `stages` must be a map and `pipeline` a list. */
export function readParserFacts(doc: YamlDoc, diagnostics: Diagnostic[]): ParserFacts {
  const facts = new FactsBuilder();
  const root = doc.value;
  if (!isMap(root)) {
    diagnostics.push(error(doc.place([]), 'parser-type', `Unexpected ${typeName(root)} at top level, expected a map with pipeline and stages`));
    return facts.facts;
  }
  const stages = root.stages ?? {};
  if (!isMap(stages)) {
    diagnostics.push(error(doc.place(['stages']), 'parser-stages', `Unexpected ${typeName(stages)} for "stages", expected a map of stage name: {actions}`));
    return facts.facts;
  }
  const pipeline = root.pipeline;
  if (!Array.isArray(pipeline)) {
    diagnostics.push(error(doc.place(root.pipeline === undefined ? [] : ['pipeline']), 'parser-pipeline', `Unexpected ${typeName(pipeline)} for "pipeline", expected a list of stages`));
    return facts.facts;
  }
  pipeline.forEach((entry, i) => {
    if (!isMap(entry) || typeof entry.name !== 'string') {
      diagnostics.push(error(doc.place(['pipeline', i]), 'parser-pipeline', 'Unexpected pipeline entry, expected a map with a "name"'));
      return;
    }
    if (isMap(entry.external)) {
      facts.facts.externals.set(entry.name, typeof entry.external.name === 'string' ? entry.external.name : '');
      return;
    }
    if (!(entry.name in stages)) {
      diagnostics.push(error(doc.place(['pipeline', i, 'name']), 'parser-unknown-stage', `Unknown stage "${entry.name}" in pipeline, expected one of the "stages"`));
      return;
    }
    readActions(doc, entry.name, stages[entry.name], facts, diagnostics);
  });
  return facts.facts;
}

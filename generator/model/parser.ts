/**
 * What an intake parser (`ingest/parser.yml`) tells about its events: the
 * fields its `set` and `translate` actions write, the literal values some
 * fields can only take, the raw source paths templates copy into fields, and
 * the paths templates only read (filters, conditions, external inputs).
 * Templates are read by `readTemplate` (a Jinja parser); one that cannot be
 * parsed is a warning at its place in the YAML.
 */
import { error, warning, type Diagnostic, type Place } from '../diagnostics.js';
import type { YamlDoc } from './source-doc.js';
import type { Scalar } from './detection.js';
import { readTemplate } from './template.js';
import { isMap, typeName } from './yaml-values.js';

export interface ParserFacts {
  /** Fields written by `set` or `translate`. */
  fields: Set<string>;
  /** Where each field of `fields` is first written: the key of its `set`, the target of its `translate` mapping. */
  fieldPlaces?: Map<string, Place>;
  /** Fields whose every write is a literal: field → the literal values it can take. */
  literals: Map<string, Scalar[]>;
  /**
   * Field → raw source paths whose value its `set` templates copy, whole or
   * transformed by methods and filters (`json_event.message.eventSource`,
   * `….Operation` for `….Operation.rstrip('.')`); translations excluded.
   */
  sources: Map<string, string[]>;
  /** Field → raw source path of `sources` → where the template copying it first does (the path inside the template). */
  sourcePlaces?: Map<string, Map<string, Place>>;
  /** Paths templates read without copying them (filters, conditions, tests, computed values, external inputs). */
  reads: Set<string>;
  /** Where each path of `reads` is first read. */
  readPlaces?: Map<string, Place>;
  /** Names of the pipeline's external stages and what each is (`json.parse-json`). */
  externals: Map<string, string>;
}

type Where = readonly (string | number)[];

function isTemplate(v: unknown): v is string {
  return typeof v === 'string' && (v.includes('{{') || v.includes('{%'));
}

/** Dotted paths a template copies, e.g. `json_event.message.eventSource` (see `readTemplate`). */
export function templateSources(value: string): string[] {
  return isTemplate(value) ? readTemplate(value).copies : [];
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

type BuiltFacts = ParserFacts & Required<Pick<ParserFacts, 'fieldPlaces' | 'sourcePlaces' | 'readPlaces'>>;

class FactsBuilder {
  readonly facts: BuiltFacts = {
    fields: new Set(),
    fieldPlaces: new Map(),
    literals: new Map(),
    sources: new Map(),
    sourcePlaces: new Map(),
    reads: new Set(),
    readPlaces: new Map(),
    externals: new Map(),
  };
  private readonly computed = new Set<string>();

  constructor(
    private readonly doc: YamlDoc,
    private readonly diagnostics: Diagnostic[],
  ) {}

  /** Where `path` is written inside the template at `where` (the template itself when the path is not spelled out). */
  private pathPlace(where: Where, text: string, path: string): Place {
    const offset = text.indexOf(path);
    return offset >= 0 ? this.doc.textPlace(where, offset) : this.doc.place(where);
  }

  private read(path: string, where: Where, text: string): void {
    this.facts.reads.add(path);
    if (!this.facts.readPlaces.has(path)) this.facts.readPlaces.set(path, this.pathPlace(where, text, path));
  }

  /** Read the template at `where`: its copies are returned, its reads recorded, a parse problem reported. */
  template(where: Where, text: string): string[] {
    const reading = readTemplate(text);
    for (const r of reading.reads) this.read(r, where, text);
    if (reading.problem)
      this.diagnostics.push(
        warning(this.doc.textPlace(where, reading.problem.offset), 'parser-template', reading.problem.message),
      );
    return reading.copies;
  }

  /** Every template at or below `where`, only read. */
  readOnly(where: Where, value: unknown): void {
    if (isTemplate(value)) for (const c of this.template(where, value)) this.read(c, where, value);
    else if (Array.isArray(value)) value.forEach((v, i) => this.readOnly([...where, i], v));
    else if (isMap(value)) for (const [k, v] of Object.entries(value)) this.readOnly([...where, k], v);
  }

  /** Record where `field` is written, unless an earlier write was recorded. */
  placeField(field: string, place: () => Place): void {
    if (!this.facts.fieldPlaces.has(field)) this.facts.fieldPlaces.set(field, place());
  }

  write(field: string, value: unknown, where: Where): void {
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
    // The field holds the value of a template, or a list of them; templates deeper down are only read.
    const items = Array.isArray(value) ? value.map((v, i) => [v, [...where, i]] as const) : [[value, where] as const];
    for (const [v, at] of items) {
      if (isTemplate(v))
        for (const source of this.template(at, v)) this.source(field, source, () => this.pathPlace(at, v, source));
      else this.readOnly(at, v);
    }
  }

  /** A field written with values that are not all literals (and are not copies). */
  markComputed(field: string): void {
    this.facts.fields.add(field);
    this.computed.add(field);
    this.facts.literals.delete(field);
  }

  source(field: string, source: string, place: () => Place): void {
    const list = this.facts.sources.get(field) ?? [];
    if (!list.includes(source)) list.push(source);
    this.facts.sources.set(field, list);
    let places = this.facts.sourcePlaces.get(field);
    if (!places) this.facts.sourcePlaces.set(field, (places = new Map()));
    if (!places.has(source)) places.set(source, place());
  }
}

function readActions(doc: YamlDoc, stage: string, raw: unknown, facts: FactsBuilder, diagnostics: Diagnostic[]): void {
  const path = ['stages', stage];
  if (!isMap(raw)) {
    diagnostics.push(
      error(
        doc.place(path),
        'parser-stage',
        `Unexpected ${typeName(raw)} for stage "${stage}", expected a map with "actions"`,
      ),
    );
    return;
  }
  facts.readOnly([...path, 'filter'], raw.filter);
  const actions = raw.actions;
  if (actions === undefined || actions === null) return;
  if (!Array.isArray(actions)) {
    diagnostics.push(
      error(
        doc.place([...path, 'actions']),
        'parser-actions',
        `Unexpected ${typeName(actions)} for "actions" of stage "${stage}", expected a list`,
      ),
    );
    return;
  }
  actions.forEach((action, i) => {
    const where = [...path, 'actions', i];
    if (!isMap(action)) {
      diagnostics.push(
        error(
          doc.place(where),
          'parser-action',
          `Unexpected ${typeName(action)} as action, expected a map with set, translate or delete`,
        ),
      );
      return;
    }
    if ('set' in action) {
      if (!isMap(action.set)) {
        diagnostics.push(
          error(
            doc.place([...where, 'set']),
            'parser-action',
            `Unexpected ${typeName(action.set)} for "set", expected a map of field: value`,
          ),
        );
      } else {
        for (const [field, value] of Object.entries(action.set)) {
          facts.placeField(field, () => doc.place([...where, 'set', field], 'key'));
          facts.write(field, value, [...where, 'set', field]);
        }
      }
    }
    facts.readOnly([...where, 'filter'], action.filter);
    if ('translate' in action || 'mapping' in action) {
      readTranslate(doc, action, where, facts, diagnostics);
    }
  });
}

/** `translate` writes dictionary values (or the fallback) to each mapping target. */
function readTranslate(
  doc: YamlDoc,
  action: Record<string, unknown>,
  where: (string | number)[],
  facts: FactsBuilder,
  diagnostics: Diagnostic[],
): void {
  // Both layouts occur: keys under `translate:` or beside it.
  const body = isMap(action.translate) ? action.translate : action;
  const mapping = body.mapping;
  if (!isMap(mapping)) {
    diagnostics.push(
      error(
        doc.place(where),
        'parser-action',
        `Unexpected ${typeName(mapping)} for translate "mapping", expected a map of source: target`,
      ),
    );
    return;
  }
  const dictionary = isMap(body.dictionary) ? body.dictionary : {};
  const produced: unknown[] = Object.values(dictionary);
  const fallbackKey = body.fallback !== undefined ? 'fallback' : 'default';
  const fallback = body[fallbackKey];
  if (fallback !== undefined) produced.push(fallback);
  facts.readOnly(body === action ? [...where, fallbackKey] : [...where, 'translate', fallbackKey], fallback);
  const mappingPath = body === action ? [...where, 'mapping'] : [...where, 'translate', 'mapping'];
  for (const [source, target] of Object.entries(mapping)) {
    if (typeof target !== 'string') continue;
    facts.placeField(target, () => doc.place([...mappingPath, source]));
    // The target holds translated values, not the source's: it is not recorded as a source of the target.
    facts.facts.fields.add(target);
    void source;
    const allLiteral = produced.every((v) => literalValues(v) !== undefined);
    if (allLiteral) for (const v of produced) facts.write(target, v, where);
    else facts.markComputed(target);
  }
}

/** Analyse a parser document. `stages` must be a map and `pipeline` a list. */
export function readParserFacts(doc: YamlDoc, diagnostics: Diagnostic[]): ParserFacts {
  const facts = new FactsBuilder(doc, diagnostics);
  const root = doc.value;
  if (!isMap(root)) {
    diagnostics.push(
      error(
        doc.place([]),
        'parser-type',
        `Unexpected ${typeName(root)} at top level, expected a map with pipeline and stages`,
      ),
    );
    return facts.facts;
  }
  const stages = root.stages ?? {};
  if (!isMap(stages)) {
    diagnostics.push(
      error(
        doc.place(['stages']),
        'parser-stages',
        `Unexpected ${typeName(stages)} for "stages", expected a map of stage name: {actions}`,
      ),
    );
    return facts.facts;
  }
  const pipeline = root.pipeline;
  if (!Array.isArray(pipeline)) {
    diagnostics.push(
      error(
        doc.place(root.pipeline === undefined ? [] : ['pipeline']),
        'parser-pipeline',
        `Unexpected ${typeName(pipeline)} for "pipeline", expected a list of stages`,
      ),
    );
    return facts.facts;
  }
  pipeline.forEach((entry, i) => {
    if (!isMap(entry) || typeof entry.name !== 'string') {
      diagnostics.push(
        error(doc.place(['pipeline', i]), 'parser-pipeline', 'Unexpected pipeline entry, expected a map with a "name"'),
      );
      return;
    }
    facts.readOnly(['pipeline', i, 'filter'], entry.filter);
    if (isMap(entry.external)) {
      facts.facts.externals.set(entry.name, typeof entry.external.name === 'string' ? entry.external.name : '');
      facts.readOnly(['pipeline', i, 'external', 'filter'], entry.external.filter);
      // Direct string properties (`input_field`, `pattern_key`…) are templates; nested ones are not (grok `custom_patterns`).
      if (isMap(entry.external.properties)) {
        for (const [k, v] of Object.entries(entry.external.properties))
          if (typeof v === 'string') facts.readOnly(['pipeline', i, 'external', 'properties', k], v);
      }
      return;
    }
    if (!(entry.name in stages)) {
      diagnostics.push(
        error(
          doc.place(['pipeline', i, 'name']),
          'parser-unknown-stage',
          `Unknown stage "${entry.name}" in pipeline, expected one of the "stages"`,
        ),
      );
      return;
    }
    readActions(doc, entry.name, stages[entry.name], facts, diagnostics);
  });
  return facts.facts;
}

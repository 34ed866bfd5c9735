import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Place } from '../diagnostics.js';
import type { Intake } from './intake.js';
import { packPlaces, unpackPlacesOnRead } from './intake-places.js';
import { placeRef, SourcePlace, type Locator } from './source-doc.js';

const locator = (file: string): Locator => ({
  locate: (ref) => ({ line: ref.length, col: file.length }),
});
const lazy = (file: string, path: (string | number)[], of: 'key' | 'value' = 'value') =>
  new SourcePlace(file, placeRef(0, path, of), locator(file));

function intakeWith(fieldPlaces: Map<string, Place>, sourcePlaces: Map<string, Map<string, Place>>): Intake {
  return { uuid: 'u', name: 'n', fieldPlaces, sourcePlaces } as unknown as Intake;
}

const view = (p: Place | undefined) =>
  p && { file: p.file, line: p.line, col: p.col, ref: p instanceof SourcePlace ? p.ref : undefined };

describe('packed intake places', () => {
  const parser = 'intakes/v/x/ingest/parser.yml';
  const fields = 'intakes/v/x/_meta/fields.yml';
  const fieldPlaces = new Map<string, Place>([
    ['event.code', lazy(parser, ['stages', 'main', 'actions', 0, 'set', 'event.code'], 'key')],
    ['user.name', lazy(fields, ['user.name'])],
    ['host.name', lazy(parser, ['stages', 'main', 'actions', 0, 'set', 'other'])], // last step is not the key
    ['odd', lazy(parser, ['stages', ''])], // an empty last step
    ['root', new SourcePlace(parser, '0|v|', locator(parser))], // a ref without steps
    ['seen', { file: 'intakes/v/x/tests/a.json', line: 7, col: 12 }], // known place (a test event)
  ]);
  const sourcePlaces = new Map<string, Map<string, Place>>([
    ['event.code', new Map([['json.code', lazy(parser, ['stages', 'main', 'actions', 0, 'set', 'event.code'])]])],
    [
      'user.name',
      new Map([
        ['json.user', lazy(parser, ['stages', 'main', 'actions', 1, 'set', 'user.name'])],
        ['json.login', lazy(parser, ['stages', 'main', 'actions', 2, 'set', 'user.name'])],
      ]),
    ],
  ]);

  it('give back every place, in order, with its file, ref, line and column, once read', () => {
    const intake = packPlaces(intakeWith(new Map(fieldPlaces), new Map(sourcePlaces)));
    expect(intake.fieldPlaces).toBeUndefined();
    expect(typeof intake.packedPlaces).toBe('string');
    // Stored and sent packed: what the input cache and the worker threads carry.
    const back = deserialize(serialize(intake)) as Intake;
    expect(Object.keys(back).sort()).toEqual(['name', 'packedPlaces', 'uuid']);
    unpackPlacesOnRead(back, locator);
    expect([...back.fieldPlaces!.keys()]).toEqual([...fieldPlaces.keys()]);
    for (const [field, place] of fieldPlaces) expect(view(back.fieldPlaces!.get(field)), field).toEqual(view(place));
    expect([...back.sourcePlaces!.keys()]).toEqual([...sourcePlaces.keys()]);
    for (const [field, raws] of sourcePlaces) {
      expect([...back.sourcePlaces!.get(field)!.keys()]).toEqual([...raws.keys()]);
      for (const [raw, place] of raws) expect(view(back.sourcePlaces!.get(field)!.get(raw))).toEqual(view(place));
    }
    // Unpacked once, and still not part of what is stored.
    expect(back.fieldPlaces).toBe(back.fieldPlaces);
    expect(Object.keys(deserialize(serialize(back)) as object).sort()).toEqual(['name', 'packedPlaces', 'uuid']);
  });

  it('leave an intake without places as it is', () => {
    const intake = { uuid: 'u' } as unknown as Intake;
    expect(packPlaces(intake).packedPlaces).toBeUndefined();
    expect(unpackPlacesOnRead(intake, locator).fieldPlaces).toBeUndefined();
  });
});

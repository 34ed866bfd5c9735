/**
 * A copied `X.value` stands for `X` when `X` only wraps that value (the
 * parser reads no other key of it than `value` and `localizedValue`); no
 * other parent of a copied path stands for the copy.
 */
import { describe, expect, it } from 'vitest';
import { makeIntake } from '../../test/builders.js';
import { derivedNames, wrapsValue } from './intake-index.js';

const externals = { json_event: 'json.parse-json' };

describe('value wrappers', () => {
  const wrapped = makeIntake({
    fields: ['event.action', 'event.reason', 'cloud.region'],
    sources: {
      'event.action': ['json_event.message.operationName.value'],
      'event.reason': ['json_event.message.operationName.localizedValue'],
      'cloud.region': ['json_event.message.properties.region'],
    },
    externals,
  });

  it('let a rule field name the wrapper of a copied value', () => {
    expect(wrapsValue(wrapped, 'json_event.message.operationName.value')).toBe(true);
    expect(derivedNames(wrapped, 'operationName')).toEqual([
      { raw: 'json_event.message.operationName.value', target: 'event.action', how: 'value' },
    ]);
    // Written in another case, or as the whole path: the same rules as any derived name.
    expect(derivedNames(wrapped, 'OperationName')).toHaveLength(1);
    expect(derivedNames(wrapped, 'operationName.value')).toEqual([
      { raw: 'json_event.message.operationName.value', target: 'event.action', how: 'path' },
    ]);
  });

  it('give no field below the value, and no other parent of a copied path', () => {
    expect(derivedNames(wrapped, 'operationName.kind')).toEqual([]);
    expect(derivedNames(wrapped, 'properties')).toEqual([]);
  });

  it('are not records the parser reads other keys of', () => {
    const record = makeIntake({
      fields: ['file.path'],
      sources: { 'file.path': ['json_event.message.data.value', 'json_event.message.data.filePath'] },
      externals,
    });
    expect(wrapsValue(record, 'json_event.message.data.value')).toBe(false);
    expect(derivedNames(record, 'data')).toEqual([]);
    expect(derivedNames(record, 'data.value')).toEqual([
      { raw: 'json_event.message.data.value', target: 'file.path', how: 'path' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { FieldTest, Scalar } from '../model/detection.js';
import { testCanMatchConstants } from './values.js';

const t = (modifiers: string[], values: Scalar[]): FieldTest => ({ field: 'f', modifiers, values, place: { file: 'x', line: 1, col: 1 } });
const can = (modifiers: string[], values: Scalar[], constants: Scalar[]) => testCanMatchConstants(t(modifiers, values), constants);

describe('test values against constant field values', () => {
  it('compares equality case-insensitively with wildcards, unless cased', () => {
    expect(can([], ['AWS'], ['aws'])).toBe(true);
    expect(can([], ['gcp'], ['aws'])).toBe(false);
    expect(can([], ['a*s'], ['aws'])).toBe(true);
    expect(can([], ['a?s'], ['aws'])).toBe(true);
    expect(can([], ['a\\*s'], ['aws'])).toBe(false);
    expect(can(['cased'], ['AWS'], ['aws'])).toBe(false);
    expect(can([], [4624], ['4624'])).toBe(true);
  });

  it('honours contains, startswith, endswith and all', () => {
    expect(can(['contains'], ['trail'], ['cloudtrail'])).toBe(true);
    expect(can(['startswith'], ['trail'], ['cloudtrail'])).toBe(false);
    expect(can(['endswith'], ['TRAIL'], ['cloudtrail'])).toBe(true);
    expect(can(['contains', 'all'], ['cloud', 'trail'], ['cloudtrail'])).toBe(true);
    expect(can(['contains', 'all'], ['cloud', 'guard'], ['cloudtrail'])).toBe(false);
    expect(can(['contains'], ['x', 'guard'], ['cloudtrail', 'guardduty'])).toBe(true);
  });

  it('honours re (with i/m/s flags), cidr and windash', () => {
    expect(can(['re'], ['^cloud.*$'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['^CLOUD'], ['cloudtrail'])).toBe(false);
    expect(can(['re', 'i'], ['^CLOUD'], ['cloudtrail'])).toBe(true);
    expect(can(['re'], ['(unclosed'], ['x'])).toBe(true); // undecidable: never a proof
    expect(can(['cidr'], ['10.0.0.0/8'], ['10.1.2.3'])).toBe(true);
    expect(can(['cidr'], ['10.0.0.0/8'], ['192.168.1.1'])).toBe(false);
    expect(can(['windash', 'contains'], [' -enc '], ['powershell /enc abc'])).toBe(true);
  });

  it('compares numbers with lt/lte/gt/gte', () => {
    expect(can(['gte'], [10], [12])).toBe(true);
    expect(can(['lt'], [10], [12])).toBe(false);
  });

  it('never proves a mismatch it cannot decide', () => {
    expect(can(['base64offset', 'contains'], ['IEX'], ['x'])).toBe(true);
    expect(can(['fieldref'], ['other.field'], ['x'])).toBe(true);
    expect(can([], [null], ['x'])).toBe(true);
    expect(can([], ['x'], [])).toBe(true);
    expect(can([], ['true'], ['egress', 'ingress'])).toBe(true); // a mapping may translate values
    expect(can([], [4624], ['authentication'])).toBe(true);
    expect(can([], ['true'], ['false'])).toBe(false);
  });
});

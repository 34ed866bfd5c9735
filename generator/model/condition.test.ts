import { describe, expect, it } from 'vitest';
import { formatCondition, parseCondition, resolveCondition, type Condition } from './condition.js';

function parse(text: string, ids: string[] = ['a', 'b', 'c', 'sel_1', 'sel_2', '_hidden', 'filter']): Condition {
  const { condition, problem } = parseCondition(text);
  expect(problem).toBeUndefined();
  const resolved = resolveCondition(condition!, ids);
  expect(resolved.problems).toEqual([]);
  return resolved.condition;
}

describe('parseCondition', () => {
  it('gives and precedence over or, and not over and', () => {
    expect(formatCondition(parse('a or b and not c'))).toBe('a or (b and not c)');
    expect(formatCondition(parse('(a or b) and not c'))).toBe('(a or b) and not c');
    expect(formatCondition(parse('not not a'))).toBe('not not a');
  });

  it('accepts keywords in any case', () => {
    expect(formatCondition(parse('a AND NOT b OR c'))).toBe('(a and not b) or c');
  });

  it('resolves 1 of / all of patterns and them (without _ identifiers)', () => {
    const c = parse('1 of sel_* and all of them');
    expect(c).toEqual({
      kind: 'and',
      items: [
        { kind: 'of', quantifier: 'one', pattern: 'sel_*', names: ['sel_1', 'sel_2'] },
        { kind: 'of', quantifier: 'all', pattern: 'them', names: ['a', 'b', 'c', 'sel_1', 'sel_2', 'filter'] },
      ],
    });
  });

  it('reports the offset of an unexpected token and what was expected', () => {
    expect(parseCondition('a and (b or c')).toEqual({
      problem: { offset: 13, message: 'Unexpected end of condition, expected ")"' },
    });
    expect(parseCondition('a b')).toEqual({
      problem: { offset: 2, message: 'Unexpected "b" in condition, expected "and", "or" or end of condition' },
    });
    expect(parseCondition('a and )')).toMatchObject({ problem: { offset: 6 } });
    expect(parseCondition('')).toMatchObject({ problem: { offset: 0 } });
    expect(parseCondition('1 of')).toMatchObject({ problem: { offset: 4 } });
    expect(parseCondition('and a')).toMatchObject({ problem: { offset: 0 } });
  });

  it('reports identifiers that are not defined and patterns that match nothing', () => {
    const { condition } = parseCondition('a and missing or 1 of nothing*');
    const { problems } = resolveCondition(condition!, ['a']);
    expect(problems).toEqual([
      'Unknown search identifier "missing" in condition, expected one of: a',
      'No search identifier matches "nothing*" in condition, expected at least one',
    ]);
  });

  it('treats pattern characters literally except *', () => {
    const { condition } = parseCondition('1 of sel.x*');
    expect(resolveCondition(condition!, ['sel.x1', 'selax2']).condition).toMatchObject({ names: ['sel.x1'] });
  });
});

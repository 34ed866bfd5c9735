/**
 * Reading parser templates: which paths a template's output copies and which
 * it only reads, for every Jinja construct parser templates use.
 */
import { describe, expect, it } from 'vitest';
import { plainPath, prepareJinja, readTemplate, readTemplateFully, sourceOffset } from './template.js';

const read = (t: string) => {
  const r = readTemplate(t);
  expect(r.problem).toBeUndefined();
  return { copies: r.copies, reads: r.reads };
};

describe('paths', () => {
  it('follow attribute lookups and literal subscripts', () => {
    expect(read('{{ ev.message.user.name }}')).toEqual({ copies: ['ev.message.user.name'], reads: [] });
    expect(read(`{{ ev["message"].user['first name'] }}`)).toEqual({
      copies: ['ev.message.user.first name'],
      reads: [],
    });
    expect(read(`{{ ev['a-b'].c }}`).copies).toEqual(['ev.a-b.c']);
  });

  it('extend with .get("k") and .get("k", default), also chained', () => {
    expect(read(`{{ ev.message.get("UserId") }}`).copies).toEqual(['ev.message.UserId']);
    expect(read(`{{ ev.message.get('UserId', '') }}`).copies).toEqual(['ev.message.UserId']);
    expect(read(`{{ ev.message.get("a", {}).get("b") }}`).copies).toEqual(['ev.message.a.b']);
    // A default that is itself a path is an alternative value.
    expect(read(`{{ ev.message.get("a", ev.message.b) }}`).copies).toEqual(['ev.message.a', 'ev.message.b']);
  });

  it('walk through array elements: integer subscripts (also `a.0`) and slices keep the path', () => {
    expect(read('{{ ev.list[0].name }}').copies).toEqual(['ev.list.name']);
    expect(read('{{ ev.list.0.name }}').copies).toEqual(['ev.list.name']);
    expect(read('{{ ev.list[-1] }}').copies).toEqual(['ev.list']);
    expect(read('{{ ev.text[1:-1] }}').copies).toEqual(['ev.text']);
  });

  it('are not made of a bare name, constants or locals that hold literals', () => {
    expect(read('{{ ev }}')).toEqual({ copies: [], reads: [] });
    expect(read('{{ None }}{{ none }}')).toEqual({ copies: [], reads: [] });
    expect(read('{% set m = {"a": "b"} %}{{ m.a }}')).toEqual({ copies: [], reads: [] });
  });
});

describe('methods and filters keep the sources of what they are called on', () => {
  it.each([
    [`{{ ev.message.Operation.rstrip('.') }}`],
    [`{{ ev.message.Operation.lower() }}`],
    [`{{ ev.message.Operation.split(':')[0] }}`],
    [`{{ ev.message.Operation.strip().replace("a", "b") }}`],
    [`{{ ev.message.Operation | lower }}`],
    [`{{ ev.message.Operation | int }}`],
    [`{{ ev.message.Operation | default([]) }}`],
    [`{{ ev.message.Operation.split('\\\\') | last }}`],
    [`{{ ev.message.get("Operation").split(' ')[0].split("\\\\")[1][:-1] }}`],
  ])('%s', (t) => {
    expect(read(t)).toEqual({ copies: ['ev.message.Operation'], reads: [] });
  });

  it('read (not copy) method and filter arguments', () => {
    expect(read('{{ ev.a.replace(ev.b, "") }}')).toEqual({ copies: ['ev.a'], reads: ['ev.b'] });
    expect(read('{{ ev.a | join(ev.sep) }}')).toEqual({ copies: ['ev.a'], reads: ['ev.sep'] });
  });

  it('carry the alternative of `| default(x)` and `a or b`', () => {
    expect(read('{{ ev.a | default(ev.b) }}').copies).toEqual(['ev.a', 'ev.b']);
    expect(read('{{ ev.a or ev.b }}').copies).toEqual(['ev.a', 'ev.b']);
    expect(read('{{ (ev.a | default({})).b }}').copies).toEqual(['ev.a.b']);
  });

  it('except filters that measure their input', () => {
    expect(read('{{ ev.list | length }}')).toEqual({ copies: [], reads: ['ev.list'] });
  });

  it('a function (not a method) computes from its arguments', () => {
    expect(read('{{ range(ev.n) }}')).toEqual({ copies: [], reads: ['ev.n'] });
  });
});

describe('conditions, tests and comparisons are read, not copied', () => {
  it('a if c else b carries both branches and reads c', () => {
    expect(read('{{ ev.a if ev.c == "x" else ev.b }}')).toEqual({ copies: ['ev.a', 'ev.b'], reads: ['ev.c'] });
    expect(read('{{ ev.a if ev.c }}')).toEqual({ copies: ['ev.a'], reads: ['ev.c'] });
    expect(read('{{ ev.a if ev.a is defined else None }}')).toEqual({ copies: ['ev.a'], reads: [] });
  });

  it.each([
    ['{{ ev.a == "x" }}'],
    ['{{ ev.a != None and ev.b > 3 }}'],
    ['{{ ev.a is defined }}'],
    ['{{ ev.a is not none }}'],
    ['{{ ev.a in ["x", "y"] }}'],
    ['{{ ev.a not in ev.b }}'],
    ['{{ ev.a is in ["x"] }}'],
    ['{{ not ev.a }}'],
    ['{{ ev.a is divisibleby(ev.b) }}'],
  ])('%s', (t) => {
    const r = read(t);
    expect(r.copies).toEqual([]);
    expect(r.reads.length).toBeGreaterThan(0);
    for (const p of r.reads) expect(p).toMatch(/^ev\.[ab]$/);
  });

  it('`and` reads its left side and carries its right side', () => {
    expect(read('{{ ev.c and ev.a }}')).toEqual({ copies: ['ev.a'], reads: ['ev.c'] });
  });
});

describe('computed values', () => {
  it('concatenation and arithmetic read their operands: a value of several inputs is not a copy of one', () => {
    expect(read('{{ ev.a ~ ":" ~ ev.b }}')).toEqual({ copies: [], reads: ['ev.a', 'ev.b'] });
    expect(read('{{ ev.a + ev.b }}')).toEqual({ copies: [], reads: ['ev.a', 'ev.b'] });
    expect(read('{{ ev.a * 1000 }}')).toEqual({ copies: [], reads: ['ev.a'] });
    expect(read('{{ (ev.a|default([])) + ["x"] }}')).toEqual({ copies: [], reads: ['ev.a'] });
  });

  it('literal text beside an expression, or two expressions, make a computed string', () => {
    expect(read('{{ ev.host }}:{{ ev.port }}')).toEqual({ copies: [], reads: ['ev.host', 'ev.port'] });
    expect(read('user-{{ ev.name }}')).toEqual({ copies: [], reads: ['ev.name'] });
    expect(read('  {{ ev.name }}\n')).toEqual({ copies: ['ev.name'], reads: [] });
  });

  it('a list literal carries its items; a dict literal is computed', () => {
    expect(read('{{ [ev.src, ev.dst] }}').copies).toEqual(['ev.src', 'ev.dst']);
    expect(read('{{ ("x", ev.a) }}').copies).toEqual(['ev.a']);
    expect(read('{{ {"ip": ev.a} }}')).toEqual({ copies: [], reads: ['ev.a'] });
  });

  it('a template written as a list literal around its expressions carries them as items', () => {
    expect(read(`["{{ ev.a }}"]`)).toEqual({ copies: ['ev.a'], reads: [] });
    expect(read(`['{{ ev.a.split(" ") | last }}', '{{ ev.b }}' ]`)).toEqual({ copies: ['ev.a', 'ev.b'], reads: [] });
    expect(read(`["{{ ev.a if ev.c else ev.b }}"]`)).toEqual({ copies: ['ev.a', 'ev.b'], reads: ['ev.c'] });
    // Not a list of the values: text in an item, or two expressions in one item.
    expect(read(`["x{{ ev.a }}"]`).copies).toEqual([]);
    expect(read(`["{{ ev.a }}{{ ev.b }}"]`).copies).toEqual([]);
    expect(read(`["{{ ev.a }}" "{{ ev.b }}"]`).copies).toEqual([]);
    expect(read(`[{{ ev.a }}`).copies).toEqual([]);
  });

  it('a member chosen by a computed key is computed (translation tables)', () => {
    expect(read('{% set m = {"1": "A"} %}{{ m[ev.type] }}')).toEqual({ copies: [], reads: ['ev.type'] });
    expect(read('{{ ev.map[ev.key] }}')).toEqual({ copies: [], reads: ['ev.map', 'ev.key'] });
    expect(read('{{ ev.map.get(ev.key) }}')).toEqual({ copies: [], reads: ['ev.map', 'ev.key'] });
  });
});

describe('statements', () => {
  it('if/elif/else: conditions read, each branch output carried', () => {
    const t = '{%- if ev.c -%} {{ ev.a }} {%- elif ev.d == 1 -%} {{ ev.b.lower() }} {%- else -%} unknown {%- endif -%}';
    expect(read(t)).toEqual({ copies: ['ev.a', 'ev.b'], reads: ['ev.c', 'ev.d'] });
  });

  it('set binds a name to what it stands for', () => {
    expect(read('{%- set v = ev.performer.name -%}{%- if v and v != " " -%}{{ v }}{%- endif -%}')).toEqual({
      copies: ['ev.performer.name'],
      reads: [],
    });
    expect(read('{% set o = ev.obj %}{{ o.get("k") }}').copies).toEqual(['ev.obj.k']);
    expect(read('{% set v %}{{ ev.a }}{% endset %}{{ v }}').copies).toEqual(['ev.a']);
  });

  it('a for loop reads its iterable; its names are elements of it; its output is computed', () => {
    const t = '{% for p in ev.params %}{% if p.name == "ID" %}{{ p.value }}{% endif %}{% endfor %}';
    expect(read(t)).toEqual({ copies: [], reads: ['ev.params', 'ev.params.name', 'ev.params.value'] });
    const build =
      '{%- set out = [] -%}{%- for f in ev.files -%}{%- set _ = out.append({"name": f}) -%}{%- endfor -%}{{ out }}';
    expect(read(build)).toEqual({ copies: [], reads: ['ev.files'] });
    expect(read('{% for k, v in ev.obj.items() %}{{ k }}{% endfor %}')).toEqual({ copies: [], reads: ['ev.obj'] });
  });

  it('a for loop whose body outputs nothing carries its else branch', () => {
    expect(read('{% for x in ev.l %}{% else %}{{ ev.a }}{% endfor %}')).toEqual({ copies: ['ev.a'], reads: ['ev.l'] });
  });

  it('comments and raw blocks are not code', () => {
    expect(read('{# {{ ev.x }} #}{{ ev.a }}')).toEqual({ copies: ['ev.a'], reads: [] });
    expect(read('{% raw %}{{ ev.x }}{% endraw %}')).toEqual({ copies: [], reads: [] });
  });
});

describe('Jinja syntax nunjucks lacks', () => {
  it.each([
    ['nested dict closing as }}', '{% set m = {"a": {"b": ev.x}} %}{{ m }}', { copies: [], reads: ['ev.x'] }],
    ['dict closing before }}', '{{ {"a": ev.x}}}', { copies: [], reads: ['ev.x'] }],
    [
      'trailing comma in a tuple, list and dict',
      `{{ ev.code in ('A', 'B', ) and ev.x in ["c",] }}{% set d = {"a": 1,} %}`,
      { copies: [], reads: ['ev.code', 'ev.x'] },
    ],
    ['star arguments', `{{ '{}-{}'.format(*ev.parts) }}`, { copies: [], reads: ['ev.parts'] }],
    ['negative dict keys', '{% set m = {-1: "error", 0: "ok"} %}{{ m[ev.code] }}', { copies: [], reads: ['ev.code'] }],
    ['is not in', '{{ ev.uid is not in [none, "0"] }}', { copies: [], reads: ['ev.uid'] }],
    [
      'colon before the end of a statement',
      '{%- if ev.a | lower in ["x"]: -%} {{ ev.b }} {%- else: -%} {{ ev.c }} {%- endif -%}',
      { copies: ['ev.b', 'ev.c'], reads: ['ev.a'] },
    ],
    ['integer attribute', '{{ ev.rules.0.id }}', { copies: ['ev.rules.id'], reads: [] }],
  ])('%s', (_name, t, expected) => {
    expect(read(t)).toEqual(expected);
  });

  it('rewrites keep strings, decimals and positions', () => {
    expect(prepareJinja('{{ "a.0}}" ~ 1.5 ~ x.0 }}').text).toBe('{{ "a.0}}" ~ 1.5 ~ x[0] }}');
    const p = prepareJinja('{{ {"a": {"b": 1}} ~ x.0 ~ y }}');
    expect(p.text).toBe('{{ {"a": {"b": 1} } ~ x[0] ~ y }}');
    expect(sourceOffset(p, p.text.indexOf('y'))).toBe('{{ {"a": {"b": 1}} ~ x.0 ~ y }}'.indexOf('y'));
  });
});

describe('templates that cannot be parsed', () => {
  it.each([
    ['{{ ev.a..b }}', 8, '"."'],
    ['{{ ev.a.get("k")) }}', 16, '")'],
    ['{{ (ev.a * 1000 }}', 3, '"("'],
    ['x\n{% if ev.a %}', 15, 'end of template'],
    ['{{ ev.a ', 8, 'end of template'],
  ])('%s is a problem at its offset, never an exception', (t, offset, what) => {
    const r = readTemplate(t);
    expect(r.copies).toEqual([]);
    expect(r.problem?.offset).toBe(offset);
    expect(r.problem?.message).toMatch(/^Unexpected .* in template, expected a Jinja expression or statement \(.+\)$/);
    expect(r.problem?.message).toContain(what);
  });

  it('survives deep nesting', () => {
    const deep = `{{ ${'('.repeat(5000)}ev.a${')'.repeat(5000)} }}`;
    expect(() => readTemplate(deep)).not.toThrow();
  });
});

describe('the shortcut for plain paths', () => {
  it.each([['{{a.b}}'], [' {{- a.b.c -}} '], ['{{ a.b_c.d1 }}']])('gives what the parser gives: %s', (t) => {
    expect(plainPath(t)).toBeDefined();
    expect(readTemplate(t)).toEqual(readTemplateFully(t));
  });

  it.each([['{{a}}'], ['{{ none.b }}'], ['{{ a.b }} x'], ['{{ a.b.c() }}'], ['{{ a.b | lower }}']])(
    'is not taken for %s',
    (t) => {
      expect(plainPath(t)).toBeUndefined();
    },
  );
});

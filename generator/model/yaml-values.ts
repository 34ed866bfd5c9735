/** Shape checks on values read from YAML or JSON documents, shared by the builders that check them. */

/** A mapping (not a list, not null). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a value is, as messages name it: `empty value`, `list`, `map`, `string`, `number`… */
export function typeName(v: unknown): string {
  return v === null || v === undefined
    ? 'empty value'
    : Array.isArray(v)
      ? 'list'
      : typeof v === 'object'
        ? 'map'
        : typeof v;
}

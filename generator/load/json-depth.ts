/**
 * Nesting depth of parsed JSON, measured without recursion, so that a
 * hostile document cannot exhaust the stack of the code that walks it.
 */

/** Deepest nesting of `value`, stopping as soon as it exceeds `max`. */
export function jsonDepth(value: unknown, max: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    if (deepest > max) return deepest;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

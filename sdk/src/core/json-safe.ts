/**
 * Values as JSON shows them, the way Trigger.dev prints packets for people (its "safe replacer"): a BigInt as its
 * digits, a Set as an array, a Map as an object, a RegExp as its source text, a reference back to an enclosing object
 * as "[Circular]". Task code gets such values as themselves (superjson packets); this is only for what is shown or
 * answered as plain JSON, where `JSON.stringify` would throw. Unlike Trigger's replacer, an object reached twice
 * without a cycle (the same array in two fields) is shown in both places, not as "[Circular]".
 */
export function toJsonSafe(value: unknown): unknown {
  return convert(value, []);
}

/** `JSON.stringify` that never throws for BigInts or cycles (see {@link toJsonSafe}). */
export function stringifyJsonSafe(value: unknown, space?: number): string | undefined {
  return JSON.stringify(toJsonSafe(value), undefined, space);
}

function convert(value: unknown, ancestors: object[]): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (ancestors.includes(value)) return "[Circular]";
  if (value instanceof Date) return value;
  if (value instanceof RegExp) return value.toString();
  // An object that says how it is shown as JSON (a Date does; so may user classes) is shown so.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return convert((value as { toJSON(): unknown }).toJSON(), ancestors);
  const inside = [...ancestors, value];
  if (value instanceof Set) return Array.from(value, (item) => convert(item, inside));
  if (value instanceof Map)
    return Object.fromEntries(Array.from(value, ([key, item]) => [String(key), convert(item, inside)]));
  if (Array.isArray(value)) return value.map((item) => convert(item, inside));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = convert(item, inside);
  return out;
}

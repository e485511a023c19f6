/**
 * How a trigger item is kept in the outbox's JSON column: plain JSON of the same shape (what SQL and the run page
 * read), plus superjson's notes on values JSON cannot carry, so a Date in a payload is still a Date when the
 * dispatcher starts the run.
 */
import superjson from "superjson";

const TYPES_KEY = "$types";

export function encodeOutboxItem(item: unknown): string {
  const { json, meta } = superjson.serialize(item);
  return JSON.stringify(meta && json && typeof json === "object" ? { ...json, [TYPES_KEY]: meta } : json);
}

export function decodeOutboxItem(stored: unknown): unknown {
  if (!stored || typeof stored !== "object" || !(TYPES_KEY in stored)) return stored;
  const { [TYPES_KEY]: meta, ...json } = stored as Record<string, unknown>;
  return superjson.deserialize({ json: json as never, meta: meta as never });
}

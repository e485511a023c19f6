/**
 * How a trigger item is kept in the outbox's JSON column: plain JSON of the same shape (what SQL and the run page
 * read), plus superjson's notes on the payload's values JSON cannot carry, so a Date in a payload is still a Date
 * when the dispatcher starts the run. Only the payload is annotated: SQL edits options in place (reschedule).
 */
import superjson from "superjson";

const PAYLOAD_TYPES_KEY = "$payloadTypes";

export function encodeOutboxItem(item: unknown): string {
  if (!item || typeof item !== "object" || !("payload" in item)) return JSON.stringify(item);
  const { json, meta } = superjson.serialize((item as { payload: unknown }).payload);
  return JSON.stringify(meta?.values === undefined ? item : { ...item, payload: json, [PAYLOAD_TYPES_KEY]: meta });
}

export function decodeOutboxItem(stored: unknown): unknown {
  if (!stored || typeof stored !== "object" || !(PAYLOAD_TYPES_KEY in stored)) return stored;
  const { [PAYLOAD_TYPES_KEY]: meta, ...item } = stored as Record<string, unknown>;
  return { ...item, payload: superjson.deserialize({ json: item.payload as never, meta: meta as never }) };
}

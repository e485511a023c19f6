/**
 * JSON a client sends is checked before anything recurses over it: its nesting depth on the raw text (one pass, no
 * recursion: V8's JSON.parse copes with any depth, but zod, superjson, the payload converter and JSON.stringify
 * overflow the stack on 10,000 levels), then the characters PostgreSQL cannot store. Used for request bodies,
 * NDJSON lines and the JSON text inside packets (payloads and metadata the SDK sends as strings).
 */
import { ApiError } from "./api-error.js";
import { describeProblem, findUnstorable, toStorable } from "../database/storable-text.js";

/** Deeper than any real payload; shallow enough that every recursive walk over it is safe. */
export const MAX_JSON_DEPTH = 100;

/** True when arrays/objects in `text` nest deeper than `max` (strings are skipped, escapes included). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > max) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

export function assertDepth(text: string, field: string): void {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new ApiError(
      400,
      `${field}: JSON nested more than ${MAX_JSON_DEPTH} levels deep (arrays and objects); flatten it, or send deep data as a string`,
    );
  }
}

/** Escapes that decode to something PostgreSQL refuses: \u0000, or a surrogate half (checked for a partner later). */
const SUSPICIOUS_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

/**
 * Parses client JSON under the depth limit. NUL or a lone surrogate anywhere is a 400 naming where it is, or —
 * `replaceUnstorable`, for text that must not be lost over one character (logs, streamed text) — becomes U+FFFD.
 * Returns `{ ok: false }` when the text is not JSON at all (each caller words that error itself).
 */
export function parseClientJson(
  text: string,
  field: string,
  options: { replaceUnstorable?: boolean } = {},
): { ok: true; value: unknown } | { ok: false } {
  assertDepth(text, field);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false };
  }
  if (!SUSPICIOUS_ESCAPE.test(text)) return { ok: true, value };
  if (options.replaceUnstorable) return { ok: true, value: toStorable(value) };
  assertStorable(value, field);
  return { ok: true, value };
}

/** A 400 naming the first string PostgreSQL could not store. */
export function assertStorable(value: unknown, field: string): void {
  const found = findUnstorable(value, field);
  if (found)
    throw new ApiError(
      400,
      `${found.path}: contains ${describeProblem(found.problem)}, which cannot be stored; remove it, or encode binary data (base64)`,
    );
}

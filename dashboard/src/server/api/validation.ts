/** Request parsing that answers bad input with a 400 naming the field, never a 500. */
import type { Context } from "hono";
import { z } from "zod";
import { describeZodError } from "@stint/sdk/runtime";
import { ApiError } from "./api-error.js";
import { parseClientJson } from "./json-limits.js";

/** JSON bodies read whole; the body-limit middleware refuses larger ones before they are read (see body-limits.ts). */
export const MAX_JSON_BODY_BYTES = 3 * 1024 * 1024;

/**
 * Bodies that carry payloads inline (triggers and one-request batches): a 10 MB payload arrives as a JSON string
 * inside the JSON body, escaped, so the body may be larger than the payload itself.
 */
export const MAX_PAYLOAD_BODY_BYTES = 30 * 1024 * 1024;

export interface BodyOptions {
  /** For text that must not be lost over one character (log lines, stream chunks), NULs and lone surrogates become
   * U+FFFD instead of a 400. */
  replaceNul?: boolean;
  /** Default 3 MB (MAX_JSON_BODY_BYTES). */
  maxBytes?: number;
}

export async function readJson(c: Context, options: BodyOptions = {}): Promise<unknown> {
  const text = await c.req.text();
  const maxBytes = options.maxBytes ?? MAX_JSON_BODY_BYTES;
  if (text.length > maxBytes) throw new ApiError(413, `body: larger than ${maxBytes / 1024 / 1024} MB`);
  if (text.trim() === "") return {};
  const parsed = parseClientJson(text, "body", { replaceUnstorable: options.replaceNul });
  if (!parsed.ok)
    throw new ApiError(400, "body: not valid JSON; send a JSON object with Content-Type: application/json");
  return parsed.value;
}

/** Path segments and query values with control characters (a NUL reaching PostgreSQL fails the query) are refused. */
export function refuseControlCharacters(url: URL): void {
  const CONTROL = /[\u0000-\u001f\u007f]/;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    throw new ApiError(400, "path: not valid percent-encoding");
  }
  if (CONTROL.test(path)) throw new ApiError(400, "path: contains a control character; ids and names never do");
  for (const [name, value] of url.searchParams) {
    if (CONTROL.test(name) || CONTROL.test(value))
      throw new ApiError(400, `query ${JSON.stringify(name.replace(CONTROL, "?"))}: contains a control character`);
  }
}

export async function parseBody<T extends z.ZodTypeAny>(
  c: Context,
  schema: T,
  options: BodyOptions = {},
): Promise<z.infer<T>> {
  return parseValue(schema, await readJson(c, options), "body");
}

export function parseValue<T extends z.ZodTypeAny>(schema: T, value: unknown, field: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, describeZodError(field, result.error));
  return result.data;
}

export function taskIdParam(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,127}$/.test(value)) {
    throw new ApiError(
      400,
      `taskId: "${value.slice(0, 64)}" is not a task id; use letters, digits, "-", "_", ".", ":" or "/" (at most 128)`,
    );
  }
  return value;
}

export function runIdParam(value: string): string {
  if (!/^run_[a-z0-9]+$/i.test(value))
    throw new ApiError(400, `runId: "${value.slice(0, 64)}" is not a run id; expected "run_…"`);
  return value;
}

/** Dates in query strings: ISO text, or epoch milliseconds (what the SDK sends for from/to filters). */
export const queryDate = z.preprocess(
  (value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value),
  z.coerce.date(),
);

/** Look-back periods in filters: a number and a unit, "30m", "1h", "7d", "2w". */
export const PERIOD = /^(\d+)([smhdw])$/;
const PERIOD_UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The moment a period (already checked against PERIOD) reaches back to. */
export function periodStart(period: string): Date {
  const [, amount, unit] = PERIOD.exec(period)!;
  // A period reaching back before 1970 means "everything" (9999999d would be a date PostgreSQL cannot hold).
  return new Date(Math.max(0, Date.now() - Number(amount) * PERIOD_UNIT_MS[unit!]!));
}

/** Request parsing that answers bad input with a 400 naming the field, never a 500. */
import type { Context } from "hono";
import { z } from "zod";
import { describeZodError } from "@stint/sdk/runtime";
import { ApiError } from "./api-error.js";

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw new ApiError(413, `body: larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "body: not valid JSON; send a JSON object with Content-Type: application/json");
  }
}

export async function parseBody<T extends z.ZodTypeAny>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseValue(schema, await readJson(c), "body");
}

export function parseValue<T extends z.ZodTypeAny>(schema: T, value: unknown, field: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError(400, describeZodError(field, result.error));
  return result.data;
}

export function taskIdParam(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,127}$/.test(value)) {
    throw new ApiError(400, `taskId: "${value.slice(0, 64)}" is not a task id; use letters, digits, "-", "_", ".", ":" or "/" (at most 128)`);
  }
  return value;
}

export function runIdParam(value: string): string {
  if (!/^run_[a-z0-9]+$/i.test(value)) throw new ApiError(400, `runId: "${value.slice(0, 64)}" is not a run id; expected "run_…"`);
  return value;
}

/** Dates in query strings: ISO text, or epoch milliseconds (what the SDK sends for from/to filters). */
export const queryDate = z.preprocess((value) => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value), z.coerce.date());

/** Look-back periods in filters: a number and a unit, "30m", "1h", "7d", "2w". */
export const PERIOD = /^(\d+)([smhdw])$/;
const PERIOD_UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The moment a period (already checked against PERIOD) reaches back to. */
export function periodStart(period: string): Date {
  const [, amount, unit] = PERIOD.exec(period)!;
  return new Date(Date.now() - Number(amount) * PERIOD_UNIT_MS[unit!]!);
}

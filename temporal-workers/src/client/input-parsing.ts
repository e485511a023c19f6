/** Checks of the ids and fields callers hand the engine client: a bad one is a 400 naming the field. */
import { z } from "zod";
import { describeZodError } from "@stint/sdk/runtime";
import { EngineError } from "../errors.js";

export const runIdSchema = z.string().regex(/^run_[a-z0-9]+$/i, 'expected a run id like "run_…"');
export const tokenIdSchema = z
  .string()
  .regex(/^waitpoint_[a-z0-9]+$/i, 'expected a waitpoint token id like "waitpoint_…"');

export function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new EngineError(400, describeZodError(field, result.error));
  return result.data;
}

/** Validates user-facing TriggerOptions and turns them into their wire form. */
import { z } from "zod";
import {
  hashIdempotencyKey,
  idempotencyKeyOptionsOf,
  isIdempotencyKey,
  registerIdempotencyKey,
  type IdempotencyKey,
} from "../core/idempotency.js";
import { parseDebounceDurationMs, parseDurationMs } from "../core/duration.js";
import { currentRunRuntime } from "../runtime/globals.js";
import type { TriggerOptionsWire } from "../runtime/types.js";
import type { MachinePresetName } from "./definition.js";

export interface TriggerOptions {
  idempotencyKey?: IdempotencyKey | string | string[];
  idempotencyKeyTTL?: string;
  delay?: string | Date;
  ttl?: string | number;
  tags?: string | string[];
  metadata?: Record<string, any>;
  maxAttempts?: number;
  maxDuration?: number;
  queue?: string | { name: string };
  concurrencyKey?: string | number;
  machine?: MachinePresetName;
  priority?: number;
  version?: string;
  region?: string;
  debounce?: { key: string; delay: string; mode?: "leading" | "trailing"; maxDelay?: string };
  externalDeploymentId?: string;
}

export type TriggerAndWaitOptions = Omit<TriggerOptions, "version">;

export interface BatchTriggerOptions {
  idempotencyKey?: IdempotencyKey | string | string[];
  idempotencyKeyTTL?: string;
  triggerSequentially?: boolean;
}

const durationText = z.string().refine(
  (value) => {
    try {
      parseDurationMs(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a duration such as "30s", "5m", "2h" or "3d"' },
);

/** A debounce duration: checked here so a bad one is refused before anything starts. */
const debounceDuration = (field: string) =>
  z.string({ invalid_type_error: `expected a duration string such as "5s" (not a date)` }).superRefine((value, ctx) => {
    try {
      parseDebounceDurationMs(value, field);
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message.replace(`${field}: `, "") });
    }
  });

/** Trigger.dev's debounce option: key ≤ 512 characters, delay ≥ 1 s, maxDelay longer than delay. */
export const debounceOptionsSchema = z
  .object({
    key: z.string().min(1, "the debounce key cannot be empty").max(512, "a debounce key is at most 512 characters"),
    delay: debounceDuration("debounce.delay"),
    mode: z.enum(["leading", "trailing"]).optional(),
    maxDelay: debounceDuration("debounce.maxDelay").optional(),
  })
  .superRefine((value, ctx) => {
    if (value.maxDelay === undefined) return;
    try {
      if (parseDebounceDurationMs(value.maxDelay) <= parseDebounceDurationMs(value.delay)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ["maxDelay"],
          message: `must be longer than debounce.delay (${value.delay}): a run is pushed back only while it stays within maxDelay, so every trigger would start its own run`,
        });
      }
    } catch {
      // A malformed duration is reported on its own field.
    }
  });

const tagsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((tags) => (Array.isArray(tags) ? tags : [tags]))
  .pipe(
    z
      .array(z.string().min(1, "a tag cannot be empty").max(127, "each tag must be under 128 characters"))
      .max(10, "at most 10 tags per run"),
  );

export const triggerOptionsSchema = z
  .object({
    idempotencyKey: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
    idempotencyKeyTTL: durationText.optional(),
    idempotencyKeyOptions: z
      .object({ key: z.string().max(2048), scope: z.enum(["run", "attempt", "global"]) })
      .optional(),
    delay: z.union([durationText, z.date(), z.string().datetime({ offset: true })]).optional(),
    ttl: z.union([durationText, z.number().nonnegative()]).optional(),
    tags: tagsSchema.optional(),
    metadata: z.record(z.any()).optional(),
    maxAttempts: z.number().int().min(1, "maxAttempts must be at least 1").optional(),
    maxDuration: z.number().min(5, "maxDuration is in seconds and must be at least 5").optional(),
    queue: z.union([z.string().min(1), z.object({ name: z.string().min(1) })]).optional(),
    concurrencyKey: z.union([z.string(), z.number()]).optional(),
    machine: z.enum(["micro", "small-1x", "small-2x", "medium-1x", "medium-2x", "large-1x", "large-2x"]).optional(),
    priority: z.number().nonnegative().optional(),
    version: z.string().optional(),
    region: z.string().optional(),
    debounce: debounceOptionsSchema.optional(),
    externalDeploymentId: z.string().optional(),
    test: z.boolean().optional(),
  })
  .passthrough();

/** Formats a zod error as "field: problem; field: problem" so the user sees what to fix. */
export function describeZodError(prefix: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => `${[prefix, ...issue.path].filter(Boolean).join(".")}: ${issue.message}`);
  return issues.join("; ");
}

/** Hashes raw idempotency key material. Inside a run a raw key is scoped to the run (Trigger v4.3.1+). */
export function resolveIdempotencyKey(key: string | string[] | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (isIdempotencyKey(key)) return key;
  const material = Array.isArray(key) ? key : [key];
  const runId = currentRunRuntime()?.ctx.run.id;
  const hash = hashIdempotencyKey(material, runId ? [runId] : []);
  registerIdempotencyKey(hash, { key: material.join("-"), scope: runId ? "run" : "global" });
  return hash;
}

export function toWireOptions(options: TriggerOptions | undefined, field = "options"): TriggerOptionsWire {
  if (!options) return {};
  const parsed = triggerOptionsSchema.safeParse(options);
  if (!parsed.success) throw new TypeError(describeZodError(field, parsed.error));
  const o = parsed.data;
  const wire: TriggerOptionsWire = {};
  const key = resolveIdempotencyKey(o.idempotencyKey);
  if (key) wire.idempotencyKey = key;
  // The key as the user gave it (ctx.run.idempotencyKey), when this process made the hash.
  const keyOptions = key ? idempotencyKeyOptionsOf(key) : undefined;
  if (keyOptions) wire.idempotencyKeyOptions = keyOptions;
  if (o.idempotencyKeyTTL) wire.idempotencyKeyTTL = o.idempotencyKeyTTL;
  if (o.delay !== undefined) wire.delay = o.delay instanceof Date ? o.delay.toISOString() : o.delay;
  if (o.ttl !== undefined) wire.ttl = o.ttl;
  if (o.tags) wire.tags = o.tags;
  if (o.metadata) wire.metadata = o.metadata;
  if (o.maxAttempts !== undefined) wire.maxAttempts = o.maxAttempts;
  if (o.maxDuration !== undefined) wire.maxDuration = o.maxDuration;
  if (o.queue !== undefined) wire.queue = typeof o.queue === "string" ? o.queue : o.queue.name;
  if (o.concurrencyKey !== undefined) wire.concurrencyKey = String(o.concurrencyKey);
  if (o.machine) wire.machine = o.machine;
  if (o.priority !== undefined) wire.priority = o.priority;
  if (o.version) wire.version = o.version;
  if (o.test) wire.test = true;
  if (o.debounce) wire.debounce = o.debounce;
  return wire;
}

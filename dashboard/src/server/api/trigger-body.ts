/** The trigger request body of the Trigger.dev wire protocol, turned into the engine's trigger item. */
import { z } from "zod";
import type { BatchItemWire } from "@stint/sdk/runtime";
import { decodePacket } from "./packets.js";

export const MAX_TAGS_PER_RUN = 10;
export const MAX_TAG_LENGTH = 128;
export const MAX_KEY_BYTES = 512;

/** Tags as Trigger.dev takes them: one string or an array, at most 10, each at most 128 characters (either form). */
const tag = z.string().max(MAX_TAG_LENGTH, `each tag is at most ${MAX_TAG_LENGTH} characters`);
export const tagsSchema = z.union([
  tag,
  z.array(tag).max(MAX_TAGS_PER_RUN, `a run has at most ${MAX_TAGS_PER_RUN} tags`),
]);

/** Keys end up in workflow ids (at most 1,000 bytes on Temporal, with the environment and task) and indexes. */
export const keySchema = z.string().refine((key) => Buffer.byteLength(key) <= MAX_KEY_BYTES, {
  message: `at most ${MAX_KEY_BYTES} bytes (the SDK sends a 64-character hash)`,
});

export const wireTriggerOptionsSchema = z
  .object({
    queue: z
      .object({
        name: z.string().min(1, "queue.name must not be empty").max(200, "queue names are at most 200 characters"),
      })
      .optional(),
    concurrencyKey: z.union([keySchema, z.number()]).optional(),
    delay: z.union([z.string(), z.coerce.date()]).optional(),
    ttl: z.union([z.string(), z.number().nonnegative().int()]).optional(),
    tags: tagsSchema.optional(),
    metadata: z.unknown().optional(),
    metadataType: z.string().optional(),
    maxAttempts: z.number().int().optional(),
    maxDuration: z.number().optional(),
    machine: z.string().optional(),
    priority: z.number().optional(),
    region: z.string().optional(),
    idempotencyKey: keySchema.optional(),
    idempotencyKeyTTL: z.string().max(64).optional(),
    idempotencyKeyOptions: z.unknown().optional(),
    lockToVersion: z.string().min(1).max(128, "lockToVersion is a deployment version like 20261130.1").optional(),
    parentRunId: z.string().max(128).optional(),
    resumeParentOnCompletion: z.boolean().optional(),
    parentAttempt: z.string().optional(),
    test: z.boolean().optional(),
    payloadType: z.string().optional(),
    debounce: z.unknown().optional(),
    externalDeploymentId: z.string().optional(),
  })
  .passthrough();

export const triggerBodySchema = z.object({
  payload: z.unknown().optional(),
  context: z.unknown().optional(),
  options: wireTriggerOptionsSchema.optional(),
});

export type WireTriggerOptions = z.infer<typeof wireTriggerOptionsSchema>;

const keyOptionsSchema = z.object({ key: z.string().max(2048), scope: z.enum(["run", "attempt", "global"]) });

/** The user's key the SDK sends next to its hash (ctx.run.idempotencyKey shows it); anything else is left out. */
function keyOptions(value: unknown): z.infer<typeof keyOptionsSchema> | undefined {
  const parsed = keyOptionsSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Options the engine validates and acts on; protocol-only fields (packet types, parent attempts) stay behind. */
export function toTriggerItem(
  task: string,
  payload: unknown,
  options: WireTriggerOptions | undefined,
  field = "body",
): BatchItemWire {
  const o = options ?? {};
  const engineOptions: Record<string, unknown> = {
    queue: o.queue,
    concurrencyKey: o.concurrencyKey,
    delay: o.delay instanceof Date ? o.delay.toISOString() : o.delay,
    ttl: o.ttl,
    tags: typeof o.tags === "string" ? [o.tags] : o.tags,
    metadata:
      o.metadata === undefined ? undefined : decodePacket(o.metadata, o.metadataType, `${field}.options.metadata`),
    maxAttempts: o.maxAttempts,
    maxDuration: o.maxDuration,
    machine: o.machine,
    priority: o.priority,
    region: o.region,
    idempotencyKey: o.idempotencyKey,
    idempotencyKeyTTL: o.idempotencyKeyTTL,
    idempotencyKeyOptions: o.idempotencyKey ? keyOptions(o.idempotencyKeyOptions) : undefined,
    test: o.test,
    // The SDK's `version` option (or TRIGGER_VERSION): a deployed environment checks it names one of its deployments.
    version: o.lockToVersion,
    // Checked by the engine (the SDK's schema): a bad one is a 400 naming options.debounce.<field>.
    debounce: o.debounce,
  };
  for (const key of Object.keys(engineOptions)) if (engineOptions[key] === undefined) delete engineOptions[key];
  return {
    task,
    payload: decodePacket(payload, o.payloadType, `${field}.payload`, { allowStore: true }),
    options: engineOptions as BatchItemWire["options"],
  };
}

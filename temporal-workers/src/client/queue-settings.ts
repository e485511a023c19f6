/**
 * Scheduling settings through the engine API: a queue's pause, limits and rate limits, an environment's limit and
 * burst factor, an organisation's limit and weight. The process running the dispatcher applies them at once (and
 * saves them); a process without it (an API-only webapp, a standby) saves them to the dispatcher's store, whose
 * leader loads them within about a second — never to the old per-queue gate workflows, which only runs started
 * before the dispatcher still ask (they get a change of pause or limit too, if their gate exists).
 */
import type { Client } from "@temporalio/client";
import { z } from "zod";
import { localDispatcher } from "../dispatcher/local-dispatchers.js";
import { applyQueueConfiguration, emptyQueueSettings, queueSnapshot } from "../dispatcher/dispatch-settings.js";
import type { LeaseStore } from "../dispatcher/lease-store.js";
import type { OrganizationLimits } from "../dispatcher/dispatch-settings.js";
import { configureQueue as configureGate, describeQueue as describeGate } from "./queue-gates.js";
import {
  DEFAULT_QUEUE_CONCURRENCY_LIMIT,
  periodMs,
  queueGateId,
  type QueueConfiguration,
  type QueueGateKey,
  type QueueSnapshot,
} from "../shared/queue-gate.js";
import { configureQueueUpdate } from "../shared/messages.js";
import { isNotFound } from "./temporal-errors.js";
import { EngineError } from "../errors.js";
import { describeZodError } from "@stint/sdk/runtime";

const limitSchema = z
  .number({ message: "must be a whole number of runs" })
  .int("concurrency limits are whole numbers")
  .min(0, "concurrency limits are 0 or more")
  .max(100_000, "concurrency limits are at most 100000");

export const rateLimitSchema = z
  .object({
    limit: z
      .number({ message: "limit is required: how many runs may start per period" })
      .int("limit must be a whole number")
      .min(1, "limit is at least 1")
      .max(1_000_000, "limit is at most 1000000"),
    period: z
      .string({ message: 'period is required, e.g. "1s", "1m", "1h"' })
      .refine((period) => periodMs(period) !== undefined, {
        message: 'period must be a duration like "500ms", "10s", "1m", "1h" or "1d"',
      }),
    burst: z.number().int("burst must be a whole number").min(1, "burst is at least 1").max(1_000_000).optional(),
  })
  .strict();

export const queueConfigurationSchema = z
  .object({
    paused: z.boolean(),
    overrideLimit: limitSchema.nullable(),
    declaredLimit: limitSchema.nullable(),
    defaultLimit: limitSchema,
    concurrencyLimitPerKey: limitSchema.nullable(),
    rateLimit: rateLimitSchema.nullable(),
    rateLimitPerKey: rateLimitSchema.nullable(),
  })
  .partial()
  .strict();

export const environmentSettingsSchema = z
  .object({
    concurrencyLimit: limitSchema,
    burstFactor: z
      .number({ message: "burstFactor must be a number" })
      .min(1, "burstFactor is at least 1 (1: no burst)")
      .max(100, "burstFactor is at most 100"),
    weight: z
      .number({ message: "weight must be a number" })
      .positive("weight is more than 0 (1 is an equal share)")
      .max(1_000, "weight is at most 1000"),
  })
  .partial()
  .strict();

export const organizationSettingsSchema = z
  .object({
    concurrencyLimit: limitSchema.nullable(),
    weight: z
      .number({ message: "weight must be a number" })
      .positive("weight is more than 0 (1 is an equal share)")
      .max(1_000, "weight is at most 1000"),
  })
  .partial()
  .strict();

export type EnvironmentSettingsInput = z.infer<typeof environmentSettingsSchema>;
export type OrganizationSettingsInput = z.infer<typeof organizationSettingsSchema>;

function parse<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new EngineError(400, describeZodError(field, result.error));
  return result.data;
}

export class QueueSettingsClient {
  constructor(
    private readonly client: Client,
    private readonly workflowTaskQueue: string,
    /** The dispatcher's store, shared by the engine's processes (the webapp's PostgreSQL); see the file's comment. */
    private readonly store: LeaseStore | undefined,
  ) {}

  async describe(key: QueueGateKey): Promise<QueueSnapshot> {
    const dispatcher = localDispatcher(this.workflowTaskQueue);
    if (dispatcher) return dispatcher.describe(key);
    if (this.store?.loadQueue && this.store.countQueue) {
      const [settings, counts] = await Promise.all([this.store.loadQueue(key), this.store.countQueue(key)]);
      return queueSnapshot(
        settings ?? emptyQueueSettings(key, DEFAULT_QUEUE_CONCURRENCY_LIMIT),
        counts.running,
        counts.waiting,
        counts.keys,
      );
    }
    // No dispatcher and no store (a bare engine client): only a gate of runs from before the dispatcher knows.
    return describeGate(this.client, key);
  }

  async configure(key: QueueGateKey, input: QueueConfiguration): Promise<QueueSnapshot> {
    const change = parse(queueConfigurationSchema, input, "body") as QueueConfiguration;
    const dispatcher = localDispatcher(this.workflowTaskQueue);
    if (!dispatcher && !this.store?.loadQueue) return configureGate(this.client, this.workflowTaskQueue, key, change);
    const gate = this.configureExistingGate(key, change);
    if (dispatcher) {
      const [snapshot] = await Promise.all([dispatcher.configure(key, change), gate]);
      return snapshot;
    }
    const before = (await this.store!.loadQueue!(key)) ?? emptyQueueSettings(key, DEFAULT_QUEUE_CONCURRENCY_LIMIT);
    const { next, changed } = applyQueueConfiguration(before, change, Date.now());
    await Promise.all([changed ? this.store!.saveQueue(next) : undefined, gate]);
    return this.describe(key);
  }

  async configureEnvironment(
    environmentId: string,
    input: EnvironmentSettingsInput,
  ): Promise<EnvironmentSettingsInput> {
    const settings = parse(environmentSettingsSchema, input, "body");
    const dispatcher = localDispatcher(this.workflowTaskQueue);
    if (dispatcher) await dispatcher.saveEnvironment(environmentId, settings);
    else if (this.store?.saveEnvironment) await this.store.saveEnvironment({ environmentId, ...settings });
    else throw noPlaceToSave();
    return settings;
  }

  async configureOrganization(
    organizationId: string,
    input: OrganizationSettingsInput,
  ): Promise<OrganizationSettingsInput> {
    const settings = parse(organizationSettingsSchema, input, "body");
    const level: OrganizationLimits = settings;
    const dispatcher = localDispatcher(this.workflowTaskQueue);
    if (dispatcher) await dispatcher.saveOrganization(organizationId, level);
    else if (this.store?.saveOrganization) await this.store.saveOrganization({ organizationId, ...level });
    else throw noPlaceToSave();
    return settings;
  }

  /** Runs started before the dispatcher still ask their queue's gate (if it has one): it gets pause and limits. */
  private async configureExistingGate(key: QueueGateKey, change: QueueConfiguration): Promise<void> {
    const { paused, overrideLimit, declaredLimit, defaultLimit } = change;
    const forGate = Object.fromEntries(
      Object.entries({ paused, overrideLimit, declaredLimit, defaultLimit }).filter(([, v]) => v !== undefined),
    );
    if (Object.keys(forGate).length === 0) return;
    try {
      await this.client.workflow.getHandle(queueGateId(key)).executeUpdate(configureQueueUpdate, { args: [forGate] });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** Neither a dispatcher in this process nor a store to leave the setting in for the one that leads. */
function noPlaceToSave(): EngineError {
  return new EngineError(
    409,
    "This engine client has no dispatcher in its process and no store to save the setting to",
  );
}

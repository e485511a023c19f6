/**
 * Starting runs from outside a run: trigger, batchTrigger, and the checks a caller that starts a run later (the
 * webapp accepts triggers before it starts them) makes first. Each run is a run workflow whose id is the run id.
 */
import { randomUUID } from "node:crypto";
import { WorkflowExecutionAlreadyStartedError, type Client } from "@temporalio/client";
import {
  MAX_BATCH_ITEMS,
  triggerOptionsSchema,
  type BatchHandleWire,
  type BatchItemWire,
  type RunHandleWire,
} from "@stint/sdk/runtime";
import { z } from "zod";
import { claimIdempotentRun } from "./claim-idempotent-run.js";
import { claimDebouncedRun } from "./claim-debounced-run.js";
import { idempotencyTtlMs } from "../shared/idempotency.js";
import { buildRunInput, runIdFromUuid, runMemo, runSearchAttributes, type RunPlacement } from "../shared/run-input.js";
import { EngineError, packetErrorAsEngineError } from "../errors.js";
import { metadataSizeProblem } from "../shared/apply-metadata.js";
import { mapLimit, storeIfLarge } from "../packets/store-packets.js";
import type { EngineSettings } from "../shared/run-types.js";
import { RUN_WORKFLOW_TYPE } from "../shared/search-attributes.js";
import { parse, runIdSchema } from "./input-parsing.js";
import { admitAtStart, releaseAtStart } from "../dispatcher/start-admission.js";
import type { EngineClientOptions } from "./engine-options.js";

const itemSchema = z.object({
  task: z.string().min(1, "task id is required"),
  payload: z.unknown(),
  options: triggerOptionsSchema.optional(),
});

export function newRunId(): string {
  return runIdFromUuid(randomUUID());
}

export function newBatchId(): string {
  return runIdFromUuid(randomUUID(), "batch_");
}

/** Metadata travels inline in the run's input and state: past Trigger.dev's limit it is refused before anything starts. */
function checkMetadataSize(item: BatchItemWire): void {
  const problem =
    item.options?.metadata === undefined ? undefined : metadataSizeProblem(item.options.metadata, "options.metadata");
  if (problem) throw new EngineError(413, problem);
}

export class RunTriggers {
  constructor(
    private readonly options: EngineClientOptions,
    /** The engine client's settings object itself: runs are placed with its values at the time they start. */
    private readonly settings: EngineSettings,
  ) {}

  private get client(): Client {
    return this.options.client;
  }

  private placement(
    triggerFunction: RunPlacement["triggerFunction"],
    batchId?: string,
    replayedFrom?: string,
  ): RunPlacement {
    return {
      environment: this.options.environment,
      attemptQueue: this.options.attemptQueue,
      settings: this.settings,
      depth: 0,
      batchId,
      triggerFunction,
      replayedFrom,
    };
  }

  /** The item as its run will carry it: a payload past the inline limit stored, a client's stored packet checked. */
  private async storePayload(item: BatchItemWire, runId: string, field: string): Promise<BatchItemWire> {
    try {
      const payload = await storeIfLarge(item.payload, {
        store: this.options.packets,
        path: `runs/${runId}/payload.json`,
        field,
      });
      return payload === item.payload ? item : { ...item, payload };
    } catch (error) {
      throw packetErrorAsEngineError(error);
    }
  }

  /** The item with the version its run is locked to (see EngineClientOptions.versionOf). */
  private async lockVersion(item: BatchItemWire): Promise<BatchItemWire> {
    if (!this.options.versionOf) return item;
    const version = await this.options.versionOf(item.options?.version, item.task);
    return version === item.options?.version ? item : { ...item, options: { ...item.options, version } };
  }

  private async startRun(item: BatchItemWire, placement: RunPlacement, runId = newRunId()): Promise<RunHandleWire> {
    checkMetadataSize(item);
    item = await this.lockVersion(item);
    if (item.options?.queue === undefined && this.options.queueOfTask) {
      const queue = await this.options.queueOfTask(item.task);
      if (queue) item = { ...item, options: { ...item.options, queue } };
    }
    item = await this.storePayload(item, runId, "payload");
    if (this.options.retriesEnabledFor) {
      placement = {
        ...placement,
        settings: { ...placement.settings, retriesEnabled: await this.options.retriesEnabledFor(item.task) },
      };
    }
    let input;
    try {
      input = buildRunInput(runId, item, placement, Date.now());
    } catch (error) {
      throw new EngineError(400, (error as Error).message);
    }
    if (item.options?.idempotencyKey) {
      let ttlMs: number;
      try {
        ttlMs = idempotencyTtlMs(item.options.idempotencyKeyTTL);
      } catch (error) {
        throw new EngineError(400, (error as Error).message);
      }
      const claim = await claimIdempotentRun(this.client, this.options.workflowTaskQueue, input, ttlMs);
      return { id: claim.runId, taskIdentifier: item.task, isCached: claim.isCached, publicAccessToken: "" };
    }
    if (item.options?.debounce) {
      // The key's delayed run takes this trigger, or this trigger's run becomes the key's: the answer names the run.
      const claim = await claimDebouncedRun(this.client, this.options.workflowTaskQueue, input);
      return { id: claim.runId, taskIdentifier: item.task, isCached: false, publicAccessToken: "" };
    }
    const startAdmission = await admitAtStart(this.options.workflowTaskQueue, input);
    if (startAdmission) input = { ...input, startAdmission };
    try {
      await this.client.workflow.start(RUN_WORKFLOW_TYPE, {
        workflowId: runId,
        taskQueue: this.options.workflowTaskQueue,
        args: [input],
        typedSearchAttributes: runSearchAttributes(input, input.delayUntil ? "DELAYED" : "QUEUED"),
        memo: runMemo(input),
      });
    } catch (error) {
      // The lease was this start's (admitAtStart admits only runs the dispatcher does not know).
      if (startAdmission) await releaseAtStart(this.options.workflowTaskQueue, runId);
      // Starting a given run id again (a dispatcher retrying after a crash) finds the run already there: done.
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        return { id: runId, taskIdentifier: item.task, isCached: false, publicAccessToken: "" };
      // A payload the size check under-counted (Maps, Sets) that Temporal refuses would be refused on every retry.
      if (/blob data size exceeds limit/i.test((error as Error).message))
        throw new EngineError(
          413,
          `payload: the run's input is too large for one Temporal payload (2 MB): keep metadata and options small`,
        );
      throw error;
    }
    return { id: runId, taskIdentifier: item.task, isCached: false, publicAccessToken: "" };
  }

  /** `runId` starts the run under an id chosen earlier (the webapp accepts triggers before it starts them). */
  async trigger(item: BatchItemWire, options: { runId?: string } = {}): Promise<RunHandleWire> {
    const valid = parse(itemSchema, item, "body") as BatchItemWire;
    return this.startRun(valid, this.placement("trigger"), options.runId && parse(runIdSchema, options.runId, "runId"));
  }

  /** Starts a new run of a finished run's item (its options already cleared of keys and delays) as its replay. */
  replay(item: BatchItemWire, replayedFrom: string): Promise<RunHandleWire> {
    return this.startRun(item, this.placement("trigger", undefined, replayedFrom));
  }

  /**
   * Checks a trigger item as `trigger` would, without starting anything (for callers that start it later under
   * `runId`), and answers it as the run will carry it (a large payload stored, see storePayload).
   */
  async prepareTrigger(item: BatchItemWire, runId: string): Promise<BatchItemWire> {
    const valid = await this.lockVersion(this.validateTrigger(item));
    return this.storePayload(valid, parse(runIdSchema, runId, "runId"), "body.payload");
  }

  /** Checks a trigger item's task and options as `trigger` would (its payload's size is checked when it is stored). */
  validateTrigger(item: BatchItemWire): BatchItemWire {
    const valid = parse(itemSchema, item, "body") as BatchItemWire;
    checkMetadataSize(valid);
    try {
      buildRunInput("run_validation", valid, this.placement("trigger"), Date.now());
      if (valid.options?.idempotencyKeyTTL) idempotencyTtlMs(valid.options.idempotencyKeyTTL);
    } catch (error) {
      throw new EngineError(400, (error as Error).message);
    }
    return valid;
  }

  /** `batchId` adds the items to an existing batch (the REST API's two-phase batches stream items in parts). */
  async batchTrigger(
    items: BatchItemWire[],
    options: { idempotencyKey?: string; batchId?: string } = {},
  ): Promise<BatchHandleWire> {
    const valid = parse(
      z
        .array(itemSchema)
        .min(1, "at least one item")
        .max(MAX_BATCH_ITEMS, `at most ${MAX_BATCH_ITEMS} items per batch`),
      items,
      "items",
    );
    // Metadata and payloads are checked (large payloads stored) before any item starts: a batch is not left half started.
    valid.forEach((item, index) => {
      try {
        checkMetadataSize(item as BatchItemWire);
      } catch (error) {
        throw new EngineError(413, `items.${index}: ${(error as Error).message}`);
      }
    });
    const runIds = valid.map(() => newRunId());
    // Versions too: an item asking for a version the environment does not have refuses the batch before it starts.
    const locked = await mapLimit(valid as BatchItemWire[], 8, async (item, index) => {
      try {
        return await this.lockVersion(item);
      } catch (error) {
        if (error instanceof EngineError) throw new EngineError(error.status, `items.${index}: ${error.message}`);
        throw error;
      }
    });
    const stored = await mapLimit(locked, 8, (item, index) =>
      this.storePayload(item, runIds[index]!, `items.${index}.payload`),
    );
    const batchId = options.batchId ?? newBatchId();
    const placement = this.placement("batchTrigger", batchId);
    // Bounded parallelism keeps item order in `runs` while not opening a thousand requests at once. Items sharing a
    // debounce key go one after another, in item order, so the last of them is the trailing one.
    const debounceChains = new Map<string, Promise<unknown>>();
    const runs = await mapLimit(stored, 32, (item, index) => {
      const debounceKey = item.options?.debounce && `${item.task}\u0000${item.options.debounce.key}`;
      if (!debounceKey) return this.startRun(item, placement, runIds[index]);
      const started = (debounceChains.get(debounceKey) ?? Promise.resolve()).then(() =>
        this.startRun(item, placement, runIds[index]),
      );
      debounceChains.set(
        debounceKey,
        started.catch(() => undefined),
      );
      return started;
    });
    return { batchId, runCount: runs.length, runs, publicAccessToken: "" };
  }
}

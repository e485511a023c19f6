/**
 * The engine's module API for one environment: trigger, batch, retrieve, list, cancel, replay, reschedule,
 * metadata, tags and waitpoint tokens. It implements the SDK's ClientRuntime, so SDK calls made outside a run
 * (and, later, the webapp's REST handlers) go straight to Temporal through it.
 */
import { randomUUID } from "node:crypto";
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
} from "@temporalio/client";
import {
  MAX_BATCH_ITEMS,
  resolveDate,
  triggerOptionsSchema,
  type BatchHandleWire,
  type BatchItemWire,
  type ClientRuntime,
  type ListRunsFilter,
  type ListRunsPage,
  type MetadataOperation,
  type RunHandleWire,
  type RunRecord,
  type RunStatus,
  type TokenOptionsWire,
  type TokenState,
  type TokenWire,
} from "@stint/sdk/runtime";
import { z } from "zod";
import proto from "@temporalio/proto";
import { claimIdempotentRun } from "./claim-idempotent-run.js";
import { claimDebouncedRun } from "./claim-debounced-run.js";
import type { QueueConfiguration, QueueSnapshot } from "../shared/queue-gate.js";
import type { LeaseStore } from "../dispatcher/lease-store.js";
import {
  QueueSettingsClient,
  type EnvironmentSettingsInput,
  type OrganizationSettingsInput,
} from "./queue-settings.js";
import { idempotencyTtlMs, keyWorkflowId } from "../shared/idempotency.js";
import {
  addTagsSignal,
  attemptRoutesChangedSignal,
  releaseKeySignal,
  rescheduleUpdate,
  runStateQuery,
  updateMetadataUpdate,
} from "../shared/messages.js";
import { buildRunInput, runIdFromUuid, runMemo, runSearchAttributes, type RunPlacement } from "../shared/run-input.js";
import { EngineError, PacketError } from "../errors.js";
import { metadataSizeProblem } from "../shared/apply-metadata.js";
import type { PacketStore } from "../packets/packet-store.js";
import { mapLimit, resolvePacket, storeIfLarge } from "../packets/store-packets.js";
import type { EngineSettings, EnvironmentRef, RunState } from "../shared/run-types.js";
import { RUN_WORKFLOW_TYPE, SA } from "../shared/search-attributes.js";
import { isNotFound } from "./temporal-errors.js";
import {
  buildListQuery,
  decodeCursor,
  encodeCursor,
  listPage,
  recordFromExecution,
  type ListTokensFilter,
} from "./list-runs.js";
import { parse, runIdSchema } from "./input-parsing.js";
import { TokenClient } from "./token-client.js";

export interface EngineClientOptions {
  client: Client;
  /** Task queue of the engine's workflows. */
  workflowTaskQueue: string;
  /** Task queue whose workers execute this environment's attempts; `{task}` in it stands for the task id. */
  attemptQueue: string;
  environment: EnvironmentRef;
  settings?: Partial<EngineSettings>;
  /**
   * The queue a task's runs use when the trigger names none, for callers that do not have the task's code (the
   * webapp learns it from the queues workers declare). Without it, or when it answers undefined: `task/<id>`.
   */
  queueOfTask?: (taskId: string) => Promise<string | undefined>;
  /**
   * Whether a task's runs retry, for environments where the worker's config decides (a development session's
   * `retries.enabledInDev`); without it, `settings.retriesEnabled` applies to every run.
   */
  retriesEnabledFor?: (taskId: string) => Promise<boolean>;
  /**
   * This environment's packets: payloads past the inline limit are stored here and runs carry a reference. Without
   * it, payloads stay inline and the limit is 1 MB.
   */
  packets?: PacketStore;
  /**
   * The version a new run is locked to, given the one its trigger asked for (`lockToVersion`), for environments whose
   * versions the caller knows (a deployed environment's deployments). It may refuse a version with an EngineError.
   * Without it, or when it answers undefined, the run takes the version its first execution runs.
   */
  versionOf?: (requested: string | undefined, taskId: string) => Promise<string | undefined>;
  /**
   * The dispatcher's store, shared by the engine's processes (the webapp's PostgreSQL): a process that does not run
   * the dispatcher saves scheduling settings there and reads queues' figures from it; the leader loads the settings.
   */
  dispatchStore?: LeaseStore;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  checkpointThresholdMs: 30_000,
  heartbeatTimeoutMs: 10_000,
  retriesEnabled: true,
};

const itemSchema = z.object({
  task: z.string().min(1, "task id is required"),
  payload: z.unknown(),
  options: triggerOptionsSchema.optional(),
});

/** A search attribute holds a run's tags: bounded as Trigger.dev bounds them (an unbounded one crashed the run). */
const addTagsSchema = z
  .array(z.string().min(1, "a tag cannot be empty").max(128, "each tag is at most 128 characters"))
  .max(10, "a run has at most 10 tags");

const ACTIVITY_STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

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

/** Packet problems as the REST API answers them (a store that cannot be reached is the only 5xx). */
function asEngineError(error: unknown): unknown {
  if (!(error instanceof PacketError) || error.status === 503) return error;
  return new EngineError(error.status, error.message);
}

export class StintEngineClient implements ClientRuntime {
  readonly settings: EngineSettings;

  constructor(readonly options: EngineClientOptions) {
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
  }

  get client(): Client {
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
      throw asEngineError(error);
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
    try {
      await this.client.workflow.start(RUN_WORKFLOW_TYPE, {
        workflowId: runId,
        taskQueue: this.options.workflowTaskQueue,
        args: [input],
        typedSearchAttributes: runSearchAttributes(input, input.delayUntil ? "DELAYED" : "QUEUED"),
        memo: runMemo(input),
      });
    } catch (error) {
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

  private runHandle(runId: string): WorkflowHandle {
    return this.client.workflow.getHandle(parse(runIdSchema, runId, "runId"));
  }

  /** The run's full state, including its journal and attempts. */
  async runState(runId: string): Promise<RunState> {
    const handle = this.runHandle(runId);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Run ${runId} not found`);
      throw error;
    }
    if (description.status.name === "RUNNING") {
      const state = await handle.query(runStateQuery);
      // An attempt announces itself only after a moment; a started attempt activity already means EXECUTING.
      const attemptRunning = description.raw.pendingActivities?.some(
        (a) => a.activityType?.name === "runAttempt" && a.state === ACTIVITY_STARTED,
      );
      return state.status === "QUEUED" && attemptRunning ? { ...state, status: "EXECUTING" } : state;
    }
    if (description.status.name === "CANCELLED") {
      // Temporal keeps no details with a cancellation: the closed run answers its state query (a replay).
      return handle.query(runStateQuery).catch(() => recordFromExecution(description, "CANCELED") as RunState);
    }
    try {
      return (await handle.result()) as RunState;
    } catch (error) {
      // Only the run's own failure says how it ended; anything else (Temporal unreachable, a deadline) is not an answer.
      if (!(error instanceof WorkflowFailedError)) throw error;
      const details = (error.cause as { details?: unknown[] } | undefined)?.details;
      if (details?.[0]) return details[0] as RunState;
      const status: RunStatus = description.status.name === "TERMINATED" ? "CRASHED" : "SYSTEM_FAILURE";
      return recordFromExecution(description, status) as RunState;
    }
  }

  /**
   * The run's record. Its payload and output are read back from the object store when stored there, unless
   * `resolvePackets` is false (the webapp hands out presigned URLs to them instead).
   */
  async retrieveRun(runId: string, options: { resolvePackets?: boolean } = {}): Promise<RunRecord> {
    const {
      journal: _journal,
      item: _item,
      attempts: _attempts,
      computeMs: _computeMs,
      ...record
    } = await this.runState(runId);
    if (options.resolvePackets === false) return record;
    const [payload, output] = await Promise.all([
      resolvePacket(record.payload, this.options.packets, `payload of ${runId}`),
      resolvePacket(record.output, this.options.packets, `output of ${runId}`),
    ]).catch((error: unknown) => {
      throw asEngineError(error);
    });
    return { ...record, payload, output };
  }

  async listRuns(filter: ListRunsFilter = {}): Promise<ListRunsPage> {
    const pageSize = Math.min(Math.max(filter.limit ?? 25, 1), 100);
    const query = buildListQuery(this.options.environment.slug, filter);
    const { executions, nextPageToken } = await listPage(this.client, query, pageSize, decodeCursor(filter.after));
    return {
      data: executions.map((e) => recordFromExecution(e)),
      nextCursor: nextPageToken ? encodeCursor(nextPageToken) : undefined,
    };
  }

  /** Runs this run's code triggered (Trigger.dev's relatedRuns.children), newest first, from visibility: at most 100. */
  async listChildRuns(runId: string): Promise<RunRecord[]> {
    const parent = parse(runIdSchema, runId, "runId");
    const query = `${buildListQuery(this.options.environment.slug, {})} AND ${SA.parentRunId.name} = '${parent}'`;
    const { executions } = await listPage(this.client, query, 100);
    return executions.map((e) => recordFromExecution(e));
  }

  /** Waitpoint tokens of this environment, newest first, from visibility (state: one query per token listed). */
  async cancelRun(runId: string): Promise<{ id: string }> {
    const handle = this.runHandle(runId);
    try {
      const description = await handle.describe();
      if (description.status.name === "RUNNING") await handle.cancel();
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Run ${runId} not found`);
      throw error;
    }
    return { id: runId };
  }

  async replayRun(runId: string): Promise<{ id: string }> {
    const state = await this.runState(runId);
    const {
      idempotencyKey: _key,
      idempotencyKeyTTL: _ttl,
      delay: _delay,
      debounce: _debounce,
      ...options
    } = state.item.options ?? {};
    // Runs recorded before the state kept the payload once have it in `item` too.
    const handle = await this.startRun(
      { ...state.item, payload: state.payload ?? state.item.payload, options },
      this.placement("trigger", undefined, runId),
    );
    return { id: handle.id };
  }

  async rescheduleRun(runId: string, delay: string): Promise<RunRecord> {
    let delayUntil: string;
    try {
      delayUntil = resolveDate(delay, "delay").toISOString();
    } catch (error) {
      throw new EngineError(400, (error as Error).message);
    }
    const current = await this.runState(runId);
    if (current.status !== "DELAYED")
      throw new EngineError(409, `Run ${runId} is ${current.status}; only DELAYED runs can be rescheduled`);
    try {
      const state = await this.runHandle(runId).executeUpdate(rescheduleUpdate, { args: [{ delayUntil }] });
      const { journal: _j, item: _i, attempts: _a, computeMs: _c, ...record } = state;
      return record;
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Run ${runId} not found`);
      throw new EngineError(
        409,
        (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message,
      );
    }
  }

  async updateMetadata(runId: string, operations: MetadataOperation[]): Promise<Record<string, unknown>> {
    try {
      return await this.runHandle(runId).executeUpdate(updateMetadataUpdate, { args: [{ operations }] });
    } catch (error) {
      if (isNotFound(error)) throw new EngineError(404, `Run ${runId} not found`);
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : "";
      if (/ is over the \d+ KB limit on metadata/.test(cause)) throw new EngineError(413, cause);
      throw new EngineError(409, `Run ${runId} is not running: ${(error as Error).message}`);
    }
  }

  async addTags(runId: string, tags: string[]): Promise<void> {
    const valid = parse(addTagsSchema, tags, "tags");
    try {
      await this.runHandle(runId).signal(addTagsSignal, { tags: valid });
    } catch (error) {
      if (isNotFound(error))
        throw new EngineError(404, `Run ${runId} is not running (it finished, or has not started yet)`);
      throw error;
    }
  }

  /** Tells runs that may be waiting for a session (routed runs) to ask for a route again; finished runs are skipped. */
  async attemptRoutesChanged(runIds: string[]): Promise<void> {
    await Promise.all(
      runIds.map((runId) =>
        this.runHandle(runId)
          .signal(attemptRoutesChangedSignal)
          .catch(() => undefined),
      ),
    );
  }

  private tokenClient?: TokenClient;
  /** The environment's waitpoint tokens. */
  get tokens(): TokenClient {
    return (this.tokenClient ??= new TokenClient(
      this.client,
      this.options.environment.slug,
      this.options.workflowTaskQueue,
    ));
  }

  createToken(options: TokenOptionsWire): Promise<TokenWire> {
    return this.tokens.create(options);
  }

  completeToken(tokenId: string, data: unknown): Promise<{ success: true }> {
    return this.tokens.complete(tokenId, data);
  }

  /** The environment a waitpoint token belongs to (its search attribute), or undefined when there is no such token. */
  tokenEnvironment(tokenId: string): Promise<string | undefined> {
    return this.tokens.environmentOf(tokenId);
  }

  retrieveToken(tokenId: string): Promise<TokenState> {
    return this.tokens.retrieve(tokenId);
  }

  listTokens(filter: ListTokensFilter = {}): Promise<{ data: TokenState[]; nextCursor?: string }> {
    return this.tokens.list(filter);
  }

  async resetIdempotencyKey(taskIdentifier: string, idempotencyKey: string): Promise<{ id: string }> {
    const id = keyWorkflowId(
      this.options.environment.slug,
      parse(z.string().min(1), taskIdentifier, "taskIdentifier"),
      parse(z.string().min(1), idempotencyKey, "idempotencyKey"),
    );
    try {
      await this.client.workflow.getHandle(id).signal(releaseKeySignal, {});
    } catch (error) {
      if (isNotFound(error))
        throw new EngineError(404, `No idempotency key "${idempotencyKey}" is held for task ${taskIdentifier}`);
      throw error;
    }
    return { id: idempotencyKey };
  }

  async retrieveBatch(batchId: string): Promise<{ id: string; runCount: number; runs: string[]; status: string }> {
    const runs: string[] = [];
    const statuses: string[] = [];
    for await (const execution of this.client.workflow.list({
      query: `${SA.batchId.name} = '${batchId.replace(/'/g, "")}'`,
    })) {
      runs.push(execution.workflowId);
      statuses.push(String(execution.typedSearchAttributes.get(SA.status) ?? ""));
    }
    if (runs.length === 0) throw new EngineError(404, `Batch ${batchId} not found`);
    return { id: batchId, runCount: runs.length, runs, status: "COMPLETED" };
  }

  private queueSettingsClient?: QueueSettingsClient;
  private get queueSettings(): QueueSettingsClient {
    return (this.queueSettingsClient ??= new QueueSettingsClient(
      this.client,
      this.options.workflowTaskQueue,
      this.options.dispatchStore,
    ));
  }

  /** Live figures of one of this environment's queues (`task/<id>` or a custom queue's name), with its settings. */
  async describeQueue(queue: string): Promise<QueueSnapshot> {
    const key = { environmentId: this.options.environment.id, queue: parse(queueNameSchema, queue, "queue") };
    return this.queueSettings.describe(key);
  }

  /**
   * Pauses/resumes a queue or changes its limits and rate limits; runs waiting for a slot are admitted at once if
   * room appears (within about a second when another process runs the dispatcher).
   */
  async configureQueue(queue: string, change: QueueConfiguration): Promise<QueueSnapshot> {
    const key = { environmentId: this.options.environment.id, queue: parse(queueNameSchema, queue, "queue") };
    return this.queueSettings.configure(key, change);
  }

  /** This environment's concurrency limit and burst factor (it runs up to floor(limit × burstFactor) at once). */
  configureEnvironment(settings: EnvironmentSettingsInput): Promise<EnvironmentSettingsInput> {
    return this.queueSettings.configureEnvironment(this.options.environment.id, settings);
  }

  /** An organisation's concurrency limit across its environments and its weight against other organisations. */
  configureOrganization(
    organizationId: string,
    settings: OrganizationSettingsInput,
  ): Promise<OrganizationSettingsInput> {
    return this.queueSettings.configureOrganization(organizationId, settings);
  }
}

const queueNameSchema = z.string().min(1, "queue name is required").max(200, "queue names are at most 200 characters");

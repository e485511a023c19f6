/**
 * The engine's module API for one environment, a façade over its parts as Temporal's Client is over client.workflow,
 * client.schedule…: `triggers` (trigger, batch), `reads` (retrieve, list), `commands` (cancel, replay, reschedule,
 * metadata, tags, idempotency keys), `tokens` (waitpoint tokens) and the queue settings. It implements the SDK's
 * ClientRuntime, so SDK calls made outside a run and the webapp's REST handlers go straight to Temporal through it.
 */
import type { Client } from "@temporalio/client";
import type {
  BatchHandleWire,
  BatchItemWire,
  ClientRuntime,
  ListRunsFilter,
  ListRunsPage,
  MetadataOperation,
  RunHandleWire,
  RunRecord,
  TokenOptionsWire,
  TokenState,
  TokenWire,
} from "@stint/sdk/runtime";
import { z } from "zod";
import type { QueueConfiguration, QueueSnapshot } from "../shared/queue-gate.js";
import {
  QueueSettingsClient,
  type EnvironmentSettingsInput,
  type OrganizationSettingsInput,
} from "./queue-settings.js";
import type { EngineSettings, RunState } from "../shared/run-types.js";
import type { ListTokensFilter } from "./list-runs.js";
import { parse } from "./input-parsing.js";
import { TokenClient } from "./token-client.js";
import { DEFAULT_SETTINGS, type EngineClientOptions } from "./engine-options.js";
import { RunTriggers } from "./run-triggers.js";
import { RunReads } from "./run-reads.js";
import { RunCommands } from "./run-commands.js";

export class StintEngineClient implements ClientRuntime {
  readonly settings: EngineSettings;
  /** Starting runs: trigger, batchTrigger and the checks made before a later start. */
  readonly triggers: RunTriggers;
  /** A run's state and record, lists of runs, batches. */
  readonly reads: RunReads;
  /** Cancel, replay, reschedule, metadata, tags, route changes, idempotency keys. */
  readonly commands: RunCommands;

  constructor(readonly options: EngineClientOptions) {
    this.settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.triggers = new RunTriggers(options, this.settings);
    this.reads = new RunReads(options);
    this.commands = new RunCommands(options, this.reads, this.triggers);
  }

  get client(): Client {
    return this.options.client;
  }

  /** `runId` starts the run under an id chosen earlier (the webapp accepts triggers before it starts them). */
  trigger(item: BatchItemWire, options: { runId?: string } = {}): Promise<RunHandleWire> {
    return this.triggers.trigger(item, options);
  }

  /** Checks a trigger item as `trigger` would, without starting anything, and answers it as the run will carry it. */
  prepareTrigger(item: BatchItemWire, runId: string): Promise<BatchItemWire> {
    return this.triggers.prepareTrigger(item, runId);
  }

  /** Checks a trigger item's task and options as `trigger` would (its payload's size is checked when it is stored). */
  validateTrigger(item: BatchItemWire): BatchItemWire {
    return this.triggers.validateTrigger(item);
  }

  /** `batchId` adds the items to an existing batch (the REST API's two-phase batches stream items in parts). */
  batchTrigger(
    items: BatchItemWire[],
    options: { idempotencyKey?: string; batchId?: string } = {},
  ): Promise<BatchHandleWire> {
    return this.triggers.batchTrigger(items, options);
  }

  /** The run's full state, including its journal and attempts. */
  runState(runId: string): Promise<RunState> {
    return this.reads.runState(runId);
  }

  /** The run's record; `resolvePackets: false` leaves stored payload and output as references. */
  retrieveRun(runId: string, options: { resolvePackets?: boolean } = {}): Promise<RunRecord> {
    return this.reads.retrieveRun(runId, options);
  }

  listRuns(filter: ListRunsFilter = {}): Promise<ListRunsPage> {
    return this.reads.listRuns(filter);
  }

  /** Runs this run's code triggered, newest first: at most 100. */
  listChildRuns(runId: string): Promise<RunRecord[]> {
    return this.reads.listChildRuns(runId);
  }

  retrieveBatch(batchId: string): Promise<{ id: string; runCount: number; runs: string[]; status: string }> {
    return this.reads.retrieveBatch(batchId);
  }

  cancelRun(runId: string): Promise<{ id: string }> {
    return this.commands.cancelRun(runId);
  }

  replayRun(runId: string): Promise<{ id: string }> {
    return this.commands.replayRun(runId);
  }

  rescheduleRun(runId: string, delay: string): Promise<RunRecord> {
    return this.commands.rescheduleRun(runId, delay);
  }

  updateMetadata(runId: string, operations: MetadataOperation[]): Promise<Record<string, unknown>> {
    return this.commands.updateMetadata(runId, operations);
  }

  addTags(runId: string, tags: string[]): Promise<void> {
    return this.commands.addTags(runId, tags);
  }

  /** Tells runs that may be waiting for a session (routed runs) to ask for a route again; finished runs are skipped. */
  attemptRoutesChanged(runIds: string[]): Promise<void> {
    return this.commands.attemptRoutesChanged(runIds);
  }

  resetIdempotencyKey(taskIdentifier: string, idempotencyKey: string): Promise<{ id: string }> {
    return this.commands.resetIdempotencyKey(taskIdentifier, idempotencyKey);
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

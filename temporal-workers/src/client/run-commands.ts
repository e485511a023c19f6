/**
 * Commands on existing runs: cancel, replay, reschedule, metadata, tags, route changes, and releasing an idempotency
 * key (so the key's next trigger starts a new run). Each is a cancellation, signal or update to the run's workflow.
 */
import type { Client } from "@temporalio/client";
import { resolveDate, type MetadataOperation, type RunRecord } from "@stint/sdk/runtime";
import { z } from "zod";
import { keyWorkflowId } from "../shared/idempotency.js";
import {
  addTagsSignal,
  attemptRoutesChangedSignal,
  releaseKeySignal,
  rescheduleUpdate,
  updateMetadataUpdate,
} from "../shared/messages.js";
import { EngineError } from "../errors.js";
import { isNotFound } from "./temporal-errors.js";
import { parse } from "./input-parsing.js";
import type { EngineClientOptions } from "./engine-options.js";
import { runHandle, type RunReads } from "./run-reads.js";
import type { RunTriggers } from "./run-triggers.js";

/** A search attribute holds a run's tags: bounded as Trigger.dev bounds them (an unbounded one crashed the run). */
const addTagsSchema = z
  .array(z.string().min(1, "a tag cannot be empty").max(128, "each tag is at most 128 characters"))
  .max(10, "a run has at most 10 tags");

export class RunCommands {
  constructor(
    private readonly options: EngineClientOptions,
    /** Replay and reschedule read the run's state first. */
    private readonly reads: RunReads,
    /** A replay starts a new run. */
    private readonly triggers: RunTriggers,
  ) {}

  private get client(): Client {
    return this.options.client;
  }

  async cancelRun(runId: string): Promise<{ id: string }> {
    const handle = runHandle(this.client, runId);
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
    const state = await this.reads.runState(runId);
    const {
      idempotencyKey: _key,
      idempotencyKeyTTL: _ttl,
      delay: _delay,
      debounce: _debounce,
      ...options
    } = state.item.options ?? {};
    // Runs recorded before the state kept the payload once have it in `item` too.
    const handle = await this.triggers.replay(
      { ...state.item, payload: state.payload ?? state.item.payload, options },
      runId,
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
    const current = await this.reads.runState(runId);
    if (current.status !== "DELAYED")
      throw new EngineError(409, `Run ${runId} is ${current.status}; only DELAYED runs can be rescheduled`);
    try {
      const state = await runHandle(this.client, runId).executeUpdate(rescheduleUpdate, { args: [{ delayUntil }] });
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
      return await runHandle(this.client, runId).executeUpdate(updateMetadataUpdate, { args: [{ operations }] });
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
      await runHandle(this.client, runId).signal(addTagsSignal, { tags: valid });
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
        runHandle(this.client, runId)
          .signal(attemptRoutesChangedSignal)
          .catch(() => undefined),
      ),
    );
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
}

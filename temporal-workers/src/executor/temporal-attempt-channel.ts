/**
 * AttemptChannel over Temporal: updates and signals to the run's own workflow. Transient Temporal errors are retried
 * here (see temporal-retry.ts); each update has an id of its own, so a repeat the server already took is answered
 * with the first one's outcome instead of running again.
 */
import type { Client, WorkflowHandle } from "@temporalio/client";
import type { DurableRequest, MetadataOperation, MetadataTarget } from "@stint/sdk/runtime";
import { addTagsSignal, awaitWaitpointUpdate, durableCallUpdate, metadataSignal } from "../shared/messages.js";
import type { DurableCallResult } from "../shared/run-types.js";
import type { AttemptChannel } from "./attempt-channel.js";
import { DEFAULT_TEMPORAL_RETRY_WINDOW_MS, isTransientTemporalError, retryTransient } from "./temporal-retry.js";

/** Workflows accept at most 10 in-flight updates; waits beyond this many queue here instead of failing. */
const MAX_CONCURRENT_AWAITS = 6;

export class TemporalAttemptChannel implements AttemptChannel {
  private readonly handle: WorkflowHandle;
  private awaiting = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    client: Client,
    runId: string,
    private readonly executionId: string,
    private readonly attempt: number,
    /** How long a call retries transient Temporal errors before the execution gives up on Temporal. */
    private readonly retryWindowMs = DEFAULT_TEMPORAL_RETRY_WINDOW_MS,
    /** The bundle version this execution runs, reported with each durable call (the run locks to the first). */
    private readonly version?: string,
  ) {
    this.handle = client.workflow.getHandle(runId);
  }

  private retry<T>(call: () => Promise<T>, what: string): Promise<T> {
    return retryTransient(call, what, this.retryWindowMs);
  }

  durableCall(seq: number, request: DurableRequest): Promise<DurableCallResult> {
    const updateId = `${this.executionId}:call:${seq}`;
    return this.retry(
      () =>
        withCause(
          this.handle.executeUpdate(durableCallUpdate, {
            args: [{ executionId: this.executionId, seq, request, version: this.version }],
            updateId,
          }),
        ),
      `waitpoint #${seq}`,
    );
  }

  async awaitWaitpoint(seq: number): Promise<unknown> {
    if (this.awaiting >= MAX_CONCURRENT_AWAITS) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.awaiting++;
    try {
      const updateId = `${this.executionId}:await:${seq}`;
      return await this.retry(
        () =>
          withCause(
            this.handle.executeUpdate(awaitWaitpointUpdate, {
              args: [{ executionId: this.executionId, seq }],
              updateId,
            }),
          ),
        `waiting for waitpoint #${seq}`,
      );
    } finally {
      this.awaiting--;
      this.queue.shift()?.();
    }
  }

  sendMetadata(target: MetadataTarget, fromIndex: number, operations: MetadataOperation[]): Promise<void> {
    return this.retry(
      () => this.handle.signal(metadataSignal, { attempt: this.attempt, fromIndex, target, operations }),
      "metadata",
    );
  }

  addTags(tags: string[]): Promise<void> {
    return this.retry(() => this.handle.signal(addTagsSignal, { tags }), "tags.add");
  }
}

/** "Workflow Update failed" says nothing: surface the workflow's own reason instead (transport errors stay as they are). */
async function withCause<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    if (cause?.message && !isTransientTemporalError(error)) {
      const wrapped = new Error(cause.message);
      wrapped.name = (cause as { type?: string }).type ?? cause.name;
      throw wrapped;
    }
    throw error;
  }
}

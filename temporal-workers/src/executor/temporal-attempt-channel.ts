/** AttemptChannel over Temporal: updates and signals to the run's own workflow. */
import type { Client, WorkflowHandle } from "@temporalio/client";
import type { DurableRequest, MetadataOperation, MetadataTarget } from "@stint/sdk/runtime";
import { addTagsSignal, awaitWaitpointUpdate, durableCallUpdate, metadataSignal } from "../shared/messages.js";
import type { DurableCallResult } from "../shared/run-types.js";
import type { AttemptChannel } from "./attempt-channel.js";

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
  ) {
    this.handle = client.workflow.getHandle(runId);
  }

  durableCall(seq: number, request: DurableRequest): Promise<DurableCallResult> {
    return withCause(this.handle.executeUpdate(durableCallUpdate, { args: [{ executionId: this.executionId, seq, request }] }));
  }

  async awaitWaitpoint(seq: number): Promise<unknown> {
    if (this.awaiting >= MAX_CONCURRENT_AWAITS) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.awaiting++;
    try {
      return await withCause(this.handle.executeUpdate(awaitWaitpointUpdate, { args: [{ executionId: this.executionId, seq }] }));
    } finally {
      this.awaiting--;
      this.queue.shift()?.();
    }
  }

  sendMetadata(target: MetadataTarget, fromIndex: number, operations: MetadataOperation[]): Promise<void> {
    return this.handle.signal(metadataSignal, { attempt: this.attempt, fromIndex, target, operations });
  }

  addTags(tags: string[]): Promise<void> {
    return this.handle.signal(addTagsSignal, { tags });
  }
}

/** "Workflow Update failed" says nothing: surface the workflow's own reason instead. */
async function withCause<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    if (cause?.message) {
      const wrapped = new Error(cause.message);
      wrapped.name = (cause as { type?: string }).type ?? cause.name;
      throw wrapped;
    }
    throw error;
  }
}

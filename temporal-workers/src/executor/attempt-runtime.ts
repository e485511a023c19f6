/**
 * The RunRuntime an attempt's task code sees. Numbers durable calls in order, answers replays from the journal
 * (via the workflow), waits in-process for short waits and suspends the attempt for waits past the threshold.
 * When Temporal stays unreachable past the channel's retry window, or a newer execution of the attempt replaced this
 * one, run() is parked exactly as for a suspension and the execution ends as an infrastructure failure: task code
 * never sees a Temporal error.
 */
import type {
  DurableRequest,
  LogLevel,
  MetadataOperation,
  MetadataTarget,
  RunRuntime,
  TaskRunContext,
  WaitHooks,
  WaitInfoWire,
} from "@stint/sdk/runtime";
import { applyMetadataOperations } from "../shared/apply-metadata.js";
import type { AttemptChannel, LogSink } from "./attempt-channel.js";
import { isStaleExecutionError, isTemporalUnreachableError } from "../errors.js";

const NEVER = new Promise<never>(() => undefined);

export class AttemptRuntime implements RunRuntime {
  private seq = 0;
  private suspendedAt: number | undefined;
  private resolveSuspend!: (seq: number) => void;
  /** Resolves with the waitpoint sequence number when this execution suspends. */
  readonly suspended: Promise<number> = new Promise((resolve) => (this.resolveSuspend = resolve));
  private interruption: Error | undefined;
  private resolveInterrupted!: (error: Error) => void;
  /** Resolves when this execution can no longer act for its run (it must end as an infrastructure failure). */
  readonly interrupted: Promise<Error> = new Promise((resolve) => (this.resolveInterrupted = resolve));
  private readonly opCount: Record<MetadataTarget, number> = { self: 0, parent: 0, root: 0 };
  private readonly pendingOps: Record<
    MetadataTarget,
    { fromIndex: number; operations: MetadataOperation[] } | undefined
  > = {
    self: undefined,
    parent: undefined,
    root: undefined,
  };
  private flushChain: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  metadata: Record<string, unknown>;

  constructor(
    readonly ctx: TaskRunContext,
    private readonly channel: AttemptChannel,
    private readonly options: {
      checkpointThresholdMs: number | null;
      initialMetadata: Record<string, unknown>;
      /** Self operations already applied by earlier executions of this attempt. */
      metadataOpsApplied: number;
      logSink?: LogSink;
    },
  ) {
    this.metadata = { ...options.initialMetadata };
  }

  /** Suspended or interrupted: run() is parked and this execution makes no more calls. */
  get isSuspended(): boolean {
    return this.suspendedAt !== undefined || this.interruption !== undefined;
  }

  async durable<T>(request: DurableRequest, hooks?: WaitHooks): Promise<T> {
    if (this.isSuspended) return NEVER;
    const seq = ++this.seq;
    let response;
    try {
      await this.flushMetadata();
      response = await this.channel.durableCall(seq, request);
    } catch (error) {
      return this.parkIfInterrupted(error);
    }
    if (response.status === "completed") return response.result as T;
    await hooks?.onWait(response.wait);
    let result;
    try {
      result = await this.awaitPending(seq, response.wait);
    } catch (error) {
      return this.parkIfInterrupted(error);
    }
    await hooks?.onResume(response.wait);
    return result as T;
  }

  /** A Temporal outage longer than the retry window, or a newer execution, parks run(); other errors are the task's. */
  private async parkIfInterrupted(error: unknown): Promise<never> {
    if (!isTemporalUnreachableError(error) && !isStaleExecutionError(error)) throw error;
    this.interrupt(error as Error);
    return NEVER;
  }

  /** Parks run() from outside (Temporal ended this execution): it makes no more calls for its run. */
  interrupt(error: Error): void {
    if (this.interruption !== undefined) return;
    this.interruption = error;
    this.resolveInterrupted(error);
  }

  private async awaitPending(seq: number, wait: WaitInfoWire): Promise<unknown> {
    const threshold = this.options.checkpointThresholdMs;
    if (threshold !== null && wait.type === "duration" && Date.parse(wait.date) - Date.now() > threshold)
      return this.suspend(seq);
    const result = this.channel.awaitWaitpoint(seq);
    if (threshold === null) return result;
    let timer: NodeJS.Timeout | undefined;
    const SUSPEND = Symbol("suspend");
    const outcome = await Promise.race([
      result,
      new Promise<typeof SUSPEND>((resolve) => (timer = setTimeout(() => resolve(SUSPEND), threshold))),
    ]);
    clearTimeout(timer);
    if (outcome === SUSPEND) {
      result.catch(() => undefined);
      return this.suspend(seq);
    }
    return outcome;
  }

  /** Ends this execution at waitpoint `seq`: run() is left pending forever and will be replayed later. */
  private suspend(seq: number): Promise<never> {
    if (this.suspendedAt === undefined) {
      this.suspendedAt = seq;
      this.resolveSuspend(seq);
    }
    return NEVER;
  }

  enqueueMetadata(target: MetadataTarget, operations: MetadataOperation[]): void {
    if (this.isSuspended) return;
    const index = this.opCount[target];
    if (target === "self") {
      // Operations an earlier execution already applied are already in the metadata this execution started with.
      const fresh = operations.slice(Math.max(0, this.options.metadataOpsApplied - index));
      // Throws past the size limit, before the operations are counted or sent: the run's metadata stays as it was.
      if (fresh.length > 0) this.metadata = applyMetadataOperations(this.metadata, fresh);
    }
    this.opCount[target] += operations.length;
    const pending = (this.pendingOps[target] ??= { fromIndex: index, operations: [] });
    pending.operations.push(...operations);
    const flushSoon = () =>
      void this.flushMetadata().catch((error: unknown) => this.parkIfInterrupted(error).catch(() => undefined));
    this.flushTimer ??= setTimeout(flushSoon, 50);
  }

  flushMetadata(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushChain = this.flushChain.then(async () => {
      for (const target of ["self", "parent", "root"] as const) {
        const pending = this.pendingOps[target];
        this.pendingOps[target] = undefined;
        if (pending) await this.channel.sendMetadata(target, pending.fromIndex, pending.operations);
      }
    });
    return this.flushChain;
  }

  async addTags(tags: string[]): Promise<void> {
    if (this.isSuspended) return;
    await this.channel.addTags(tags).catch((error: unknown) => this.parkIfInterrupted(error));
    this.ctx.run.tags = [...new Set([...this.ctx.run.tags, ...tags])];
  }

  log(level: LogLevel, message: string, attributes?: Record<string, unknown>): void {
    if (this.isSuspended) return;
    this.options.logSink?.({
      runId: this.ctx.run.id,
      attempt: this.ctx.attempt.number,
      level,
      message,
      attributes,
      time: new Date().toISOString(),
    });
  }
}

/**
 * The RunRuntime an attempt's task code sees. Numbers durable calls in order, answers replays from the journal
 * (via the workflow), waits in-process for short waits and suspends the attempt for waits past the threshold.
 */
import type { DurableRequest, LogLevel, MetadataOperation, MetadataTarget, RunRuntime, TaskRunContext, WaitHooks, WaitInfoWire } from "@stint/sdk/runtime";
import { applyMetadataOperations } from "../shared/apply-metadata.js";
import type { AttemptChannel, LogSink } from "./attempt-channel.js";

const NEVER = new Promise<never>(() => undefined);

export class AttemptRuntime implements RunRuntime {
  private seq = 0;
  private suspendedAt: number | undefined;
  private resolveSuspend!: (seq: number) => void;
  /** Resolves with the waitpoint sequence number when this execution suspends. */
  readonly suspended: Promise<number> = new Promise((resolve) => (this.resolveSuspend = resolve));
  private readonly opCount: Record<MetadataTarget, number> = { self: 0, parent: 0, root: 0 };
  private readonly pendingOps: Record<MetadataTarget, { fromIndex: number; operations: MetadataOperation[] } | undefined> = {
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

  get isSuspended(): boolean {
    return this.suspendedAt !== undefined;
  }

  async durable<T>(request: DurableRequest, hooks?: WaitHooks): Promise<T> {
    if (this.isSuspended) return NEVER;
    const seq = ++this.seq;
    await this.flushMetadata();
    const response = await this.channel.durableCall(seq, request);
    if (response.status === "completed") return response.result as T;
    await hooks?.onWait(response.wait);
    const result = await this.awaitPending(seq, response.wait);
    await hooks?.onResume(response.wait);
    return result as T;
  }

  private async awaitPending(seq: number, wait: WaitInfoWire): Promise<unknown> {
    const threshold = this.options.checkpointThresholdMs;
    if (threshold !== null && wait.type === "duration" && Date.parse(wait.date) - Date.now() > threshold) return this.suspend(seq);
    const result = this.channel.awaitWaitpoint(seq);
    if (threshold === null) return result;
    let timer: NodeJS.Timeout | undefined;
    const SUSPEND = Symbol("suspend");
    const outcome = await Promise.race([result, new Promise<typeof SUSPEND>((resolve) => (timer = setTimeout(() => resolve(SUSPEND), threshold)))]);
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
    this.opCount[target] += operations.length;
    if (target === "self") {
      // Operations an earlier execution already applied are already in the metadata this execution started with.
      const fresh = operations.slice(Math.max(0, this.options.metadataOpsApplied - index));
      if (fresh.length > 0) this.metadata = applyMetadataOperations(this.metadata, fresh);
    }
    const pending = (this.pendingOps[target] ??= { fromIndex: index, operations: [] });
    pending.operations.push(...operations);
    this.flushTimer ??= setTimeout(() => void this.flushMetadata().catch(() => undefined), 50);
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
    await this.channel.addTags(tags);
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

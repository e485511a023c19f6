/**
 * What every concern of the run workflow shares: the run's state as queries and results show it, its status (kept in
 * search attributes), its version lock, the current attempt's journal and the signals it still has to deliver.
 */
import * as wf from "@temporalio/workflow";
import type { BatchItemWire } from "@stint/sdk/runtime";
import type { AttemptRecord, JournalEntry, RunState, RunStatus, RunWorkflowInput } from "../../shared/run-types.js";
import { debounceReleasedSignal } from "../../shared/messages.js";
import { SA } from "../../shared/search-attributes.js";
import { runQueueName, type REVISION_2_PATCHES } from "../../shared/run-input.js";

export const nowIso = (): string => new Date(Date.now()).toISOString();

type TriggerOptions = NonNullable<BatchItemWire["options"]>;

export class RunContext {
  /** The trigger's item; a trailing debounce trigger replaces parts of it while the run is DELAYED. */
  item: BatchItemWire;
  options: TriggerOptions;
  readonly state: RunState;
  /** The current attempt's number, from 1 once attempts start. */
  attemptNumber = 0;
  /** The current attempt's waitpoints by number: a new attempt starts with an empty journal. */
  journal = new Map<number, JournalEntry>();
  /** Metadata operations of this attempt already applied, per target: a replay re-sends them and they are skipped. */
  metadataOpsApplied: Record<string, number> = {};
  /** Set once the run has its final state: executions and waits still asking are turned away. */
  finished = false;
  /** Set once an execution reported the bundle version it ran: every later execution runs that version too. */
  private versionLocked = false;
  /** Signals this run sends to others: a run must not complete before they are delivered. */
  readonly outgoing = new Set<Promise<unknown>>();
  /** Revision 2 and later: see RUN_WORKFLOW_REVISION. */
  readonly revision: number;
  /** A status upsert is due once the current synchronous step is done (revision 2: one upsert per step). */
  private statusUpsertDue = false;

  constructor(readonly input: RunWorkflowInput) {
    this.revision = input.revision ?? 1;
    this.item = input.item;
    const options: TriggerOptions = input.item.options ?? {};
    this.options = options;
    this.state = {
      id: input.runId,
      taskIdentifier: input.item.task,
      status: input.delayUntil ? "DELAYED" : "QUEUED",
      payload: input.item.payload,
      // The payload once (above): the run's result and queries carry this state, and Temporal caps one payload at 2 MB.
      item: { ...input.item, payload: undefined },
      tags: [...(options.tags ?? [])],
      metadata: { ...(options.metadata ?? {}) },
      idempotencyKey: options.idempotencyKey,
      isTest: options.test ?? false,
      createdAt: input.createdAt,
      updatedAt: input.createdAt,
      delayedUntil: input.delayUntil,
      ttl: options.ttl,
      attemptCount: 0,
      depth: input.depth,
      triggerFunction: input.triggerFunction,
      batchId: input.batchId,
      parentRunId: input.parentRunId,
      rootRunId: input.rootRunId,
      durationMs: 0,
      computeMs: 0,
      version: options.version,
      queue: runQueueName(input.item),
      concurrencyKey: options.concurrencyKey,
      machine: options.machine,
      environment: input.environment.slug,
      attempts: [],
      journal: [],
    };
  }

  /** Keeps a signal to another workflow in flight until it is delivered (or fails): the run waits for it at the end. */
  track(signal: Promise<unknown>): void {
    const settled: Promise<unknown> = signal.catch(() => undefined).finally(() => this.outgoing.delete(settled));
    this.outgoing.add(settled);
  }

  setStatus(status: RunStatus): void {
    const { state, input } = this;
    if (state.status === status) return;
    if (state.status === "DELAYED" && input.debounceKeyWorkflowId) {
      // Leaving DELAYED ends the debounce window: the key's next trigger starts a new run.
      const keyWorkflow = wf.getExternalWorkflowHandle(input.debounceKeyWorkflowId);
      this.track(
        wf.CancellationScope.nonCancellable(() => keyWorkflow.signal(debounceReleasedSignal, { runId: input.runId })),
      );
    }
    state.status = status;
    state.updatedAt = nowIso();
    if (this.revision >= 2) {
      // A run that goes EXECUTING → COMPLETED in one workflow task (a short attempt) upserts once, with COMPLETED:
      // the upsert waits for the microtasks of this step, which run before the workflow task completes.
      if (this.statusUpsertDue) return;
      this.statusUpsertDue = true;
      void Promise.resolve().then(() => {
        this.statusUpsertDue = false;
        wf.upsertSearchAttributes([
          { key: SA.status, value: this.state.status },
          { key: SA.updatedAt, value: new Date(Date.now()) },
        ]);
      });
      return;
    }
    // Runs started before StintUpdatedAt existed replay without it (their histories lack that upsert).
    if (wf.patched("stint-updated-at")) {
      wf.upsertSearchAttributes([
        { key: SA.status, value: status },
        { key: SA.updatedAt, value: new Date(Date.now()) },
      ]);
    } else {
      wf.upsertSearchAttributes([{ key: SA.status, value: status }]);
    }
  }

  /**
   * `wf.patched(id)` for runs of revision 1; runs of revision 2 and later take the new branch of every patch that
   * existed when revision 2 came, without a marker. A patch added later calls `wf.patched` itself.
   */
  patched(id: (typeof REVISION_2_PATCHES)[number]): boolean {
    return this.revision >= 2 || wf.patched(id);
  }

  /** Why a QUEUED run is not executing yet (no session has its task), shown with its status. */
  setStatusReason(reason: string | undefined): void {
    if (this.state.statusReason === reason) return;
    this.state.statusReason = reason;
    this.state.updatedAt = nowIso();
  }

  failRun(status: RunStatus, error: { name: string; message: string; stack?: string }): void {
    this.state.error = error;
    this.setStatus(status);
  }

  lockVersion(version: string | undefined): void {
    if (!version || this.versionLocked) return;
    this.versionLocked = true;
    this.state.version = version;
  }

  /** The run's options changed (a trailing debounce trigger, a retry on a bigger machine): the item shows them. */
  setOptions(options: TriggerOptions, payload = this.item.payload): void {
    this.options = options;
    this.item = { ...this.item, payload, options };
    this.state.item = { ...this.item, payload: undefined };
  }

  currentAttempt(): AttemptRecord | undefined {
    return this.state.attempts[this.state.attempts.length - 1];
  }

  snapshot(): RunState {
    return { ...this.state, journal: [...this.journal.values()], metadata: { ...this.state.metadata } };
  }
}

/**
 * The journal of waitpoints: each durable call an attempt's code makes (wait, trigger, token, …) is performed once
 * and recorded by its number, and a replay of run() asking again gets the recorded answer back. Also the waits on
 * them (awaitWaitpoint) and the completion notices of runs and tokens that resolve them.
 */
import * as wf from "@temporalio/workflow";
import { ApplicationFailure } from "@temporalio/workflow";
import type { ChildRunResult, DurableRequest, TokenResult } from "@stint/sdk/runtime";
import type { DurableCallResult, JournalEntry } from "../../shared/run-types.js";
import { awaitWaitpointUpdate, durableCallUpdate, waitpointResolvedSignal } from "../../shared/messages.js";
import type { RunPlacement } from "../../shared/run-input.js";
import {
  claimDebouncedChild,
  claimIdempotentChild,
  completeTokenFromWorkflow,
  DebouncedItems,
  debouncedHandle,
  fingerprintOf,
  startChildRun,
  startTokenWorkflow,
  subscribeToRun,
  subscribeToToken,
} from "../waitpoints.js";
import { FAILURE_TYPES } from "../../errors.js";
import type { ExecutionLiveness } from "./execution-liveness.js";
import { nowIso, type RunContext } from "./run-context.js";

function complete(entry: JournalEntry, result: unknown): void {
  if (entry.done) return;
  entry.done = true;
  entry.result = result;
  entry.completedAt = nowIso();
}

const newBatchId = () => `batch_${wf.uuid4().replace(/-/g, "").slice(0, 24)}`;

export class WaitpointJournal {
  /** Durable calls of the current attempt still being performed, by waitpoint number. */
  private performing = new Map<number, Promise<void>>();
  /** Waits in progress: the run is WAITING while there is one. */
  private awaiting = 0;
  /** Batch items waited for through completion notices (debounced runs), by `<attempt>:<seq>:<index>`. */
  private readonly itemWaiters = new Map<string, (result: ChildRunResult) => void>();

  constructor(
    private readonly run: RunContext,
    private readonly liveness: ExecutionLiveness,
  ) {}

  /** A new attempt replays from an empty journal. */
  newAttempt(): void {
    this.run.journal = new Map();
    this.performing = new Map();
  }

  /** Resolves once waitpoint `seq` of the current attempt is completed (a suspended attempt waits for it). */
  async completion(seq: number): Promise<void> {
    const entry = this.run.journal.get(seq);
    await wf.condition(() => entry?.done === true);
  }

  /** durableCall (perform or replay a waitpoint) and awaitWaitpoint (wait for one), from the live execution only. */
  installCallHandlers(): void {
    const { run, liveness } = this;
    wf.setHandler(
      durableCallUpdate,
      async ({ executionId: token, seq, request, version }): Promise<DurableCallResult> => {
        liveness.markLive(token);
        run.lockVersion(version);
        const fingerprint = fingerprintOf(request);
        const existing = run.journal.get(seq);
        if (existing) {
          if (existing.fingerprint !== fingerprint) {
            throw ApplicationFailure.nonRetryable(
              `Replay diverged at waitpoint #${seq}: the journal has ${existing.fingerprint} but run() now asks for ${fingerprint}. ` +
                "Code before a wait must make the same durable calls in the same order on every replay (see docs/replay-contract.md).",
              FAILURE_TYPES.nonDeterminism,
            );
          }
          // A repeat while the first request is still being performed (a newer execution replaying after its
          // predecessor lost Temporal mid-call): answer once the first is done, as the first will.
          const first = this.performing.get(seq);
          if (first && run.patched("stint-repeated-waitpoint")) await first;
          return existing.done
            ? { status: "completed", result: existing.result }
            : { status: "pending", wait: existing.wait! };
        }
        const entry: JournalEntry = { seq, type: request.type, fingerprint, done: false, createdAt: nowIso() };
        run.journal.set(seq, entry);
        const calls = this.performing;
        const call = this.perform(entry, request);
        calls.set(seq, call);
        try {
          await call;
        } finally {
          calls.delete(seq);
        }
        return entry.done ? { status: "completed", result: entry.result } : { status: "pending", wait: entry.wait! };
      },
      { validator: ({ executionId: execution }) => liveness.requireLive(execution) },
    );

    wf.setHandler(
      awaitWaitpointUpdate,
      async ({ seq }) => {
        const entry = run.journal.get(seq);
        if (!entry)
          throw ApplicationFailure.nonRetryable(`waitpoint #${seq} does not exist`, FAILURE_TYPES.unknownWaitpoint);
        this.awaiting++;
        if (run.state.status === "EXECUTING") run.setStatus("WAITING");
        try {
          await wf.condition(() => entry.done || run.finished);
        } finally {
          this.awaiting--;
          if (this.awaiting === 0 && run.state.status === "WAITING" && !run.finished) run.setStatus("EXECUTING");
        }
        if (!entry.done)
          throw ApplicationFailure.nonRetryable(
            `run ${run.input.runId} finished before waitpoint #${seq}`,
            FAILURE_TYPES.runFinished,
          );
        return entry.result;
      },
      { validator: ({ executionId: execution }) => liveness.requireLive(execution) },
    );
  }

  /** Completion notices: a run or token this attempt waits for (not as its child) has finished. */
  installNoticeHandler(): void {
    const { run } = this;
    wf.setHandler(waitpointResolvedSignal, ({ key, result }) => {
      const waiter = this.itemWaiters.get(key);
      if (waiter) {
        this.itemWaiters.delete(key);
        return waiter(result as ChildRunResult);
      }
      // A batch item's notice nobody waits for any more (an earlier attempt's) is not the whole waitpoint's.
      if (key.split(":").length > 2) return;
      const [attempt, seq] = key.split(":").map(Number);
      if (attempt !== run.attemptNumber) return;
      const entry = run.journal.get(seq!);
      if (entry) complete(entry, result);
    });
  }

  private notifiedResult(runId: string, key: string): Promise<ChildRunResult> {
    return new Promise<ChildRunResult>((resolve) => {
      this.itemWaiters.set(key, resolve);
      void subscribeToRun(runId, this.run.input.runId, key).then((finishedAlready) => {
        if (finishedAlready && this.itemWaiters.delete(key)) resolve(finishedAlready);
      });
    });
  }

  /** Where a run this run triggers is placed: its child, in the same environment. */
  private placement(
    triggerFunction: "trigger" | "triggerAndWait" | "batchTrigger" | "batchTriggerAndWait",
    batchId?: string,
  ): RunPlacement {
    const { input, state } = this.run;
    return {
      environment: input.environment,
      attemptQueue: input.attemptQueue,
      settings: input.settings,
      parentRunId: input.runId,
      rootRunId: input.rootRunId ?? input.runId,
      depth: input.depth + 1,
      batchId,
      triggerFunction,
      // Deployed environments: children run the version their parent runs (development sessions pick their own).
      version: input.environment.type === "DEVELOPMENT" ? undefined : state.version,
    };
  }

  private async perform(entry: JournalEntry, request: DurableRequest): Promise<void> {
    const { run } = this;
    const { input } = run;
    switch (request.type) {
      case "duration": {
        const until = Date.parse(request.until);
        entry.wait = { type: "duration", date: request.until };
        const ms = until - Date.now();
        if (ms <= 0) return complete(entry, null);
        void wf.sleep(ms).then(
          () => complete(entry, null),
          () => undefined,
        );
        return;
      }
      case "trigger": {
        if (request.item.options?.idempotencyKey) {
          const claim = await claimIdempotentChild(request.item, this.placement("trigger"));
          return complete(entry, {
            id: claim.runId,
            taskIdentifier: request.item.task,
            isCached: claim.isCached,
            publicAccessToken: "",
          });
        }
        if (request.item.options?.debounce) {
          const claim = await claimDebouncedChild(request.item, this.placement("trigger"));
          return complete(entry, {
            id: claim.runId,
            taskIdentifier: request.item.task,
            isCached: false,
            publicAccessToken: "",
          });
        }
        const child = await startChildRun(request.item, this.placement("trigger"), "ABANDON");
        return complete(entry, child.handle);
      }
      case "batchTrigger": {
        const batchId = newBatchId();
        const debounced = new DebouncedItems();
        const handles = await Promise.all(
          request.items.map((item) =>
            item.options?.debounce
              ? debounced
                  .claim(item, this.placement("batchTrigger", batchId))
                  .then((claim) => debouncedHandle(claim.runId, item))
              : startChildRun(item, this.placement("batchTrigger", batchId), "ABANDON").then((c) => c.handle),
          ),
        );
        return complete(entry, { batchId, runCount: handles.length, runs: handles, publicAccessToken: "" });
      }
      case "triggerAndWait": {
        const claimRun = request.item.options?.idempotencyKey
          ? claimIdempotentChild
          : request.item.options?.debounce
            ? claimDebouncedChild
            : undefined;
        if (claimRun) {
          // The key may point to a run that is not our child (another trigger's): wait for it through a completion notice.
          const claim = await claimRun(request.item, this.placement("triggerAndWait"));
          entry.wait = { type: "task", runId: claim.runId };
          const finishedAlready = await subscribeToRun(claim.runId, input.runId, `${run.attemptNumber}:${entry.seq}`);
          if (finishedAlready) complete(entry, finishedAlready);
          return;
        }
        const child = await startChildRun(request.item, this.placement("triggerAndWait"), "REQUEST_CANCEL");
        entry.wait = { type: "task", runId: child.handle.id };
        void child.result.then((result) => complete(entry, result));
        return;
      }
      case "batchTriggerAndWait": {
        const batchId = newBatchId();
        const debounced = new DebouncedItems();
        const children = await Promise.all(
          request.items.map((item, index) =>
            item.options?.debounce
              ? debounced.claim(item, this.placement("batchTriggerAndWait", batchId)).then((claim) => ({
                  handle: debouncedHandle(claim.runId, item),
                  result: this.notifiedResult(claim.runId, `${run.attemptNumber}:${entry.seq}:${index}`),
                }))
              : startChildRun(item, this.placement("batchTriggerAndWait", batchId), "REQUEST_CANCEL"),
          ),
        );
        entry.wait = { type: "batch", batchId, runCount: children.length };
        void Promise.all(children.map((c) => c.result)).then((results: ChildRunResult[]) =>
          complete(entry, { batchId, results }),
        );
        return;
      }
      case "createToken": {
        const token = await startTokenWorkflow(request.options, input.environment);
        return complete(entry, token);
      }
      case "waitToken": {
        entry.wait = { type: "token", token: request.tokenId };
        const immediate = await subscribeToToken(request.tokenId, input.runId, `${run.attemptNumber}:${entry.seq}`);
        if (immediate) complete(entry, immediate satisfies TokenResult);
        return;
      }
      case "completeToken": {
        await completeTokenFromWorkflow(request.tokenId, request.data);
        return complete(entry, { success: true });
      }
    }
  }
}

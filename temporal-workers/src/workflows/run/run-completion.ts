/**
 * The end of a run: its final state goes to the runs waiting for it (subscribers), every signal it sent is delivered,
 * a failed run releases its idempotency key, and the Temporal execution closes the way the run did (Completed,
 * Canceled or Failed with the run's record in the failure's details).
 */
import * as wf from "@temporalio/workflow";
import { ApplicationFailure } from "@temporalio/workflow";
import type { RunState, SubscribeSignal } from "../../shared/run-types.js";
import { releaseKeySignal, subscribeSignal } from "../../shared/messages.js";
import { notifySubscribers } from "../waitpoints.js";
import { runFailureType } from "../../errors.js";
import { nowIso, type RunContext } from "./run-context.js";

export class RunCompletion {
  private readonly subscribers: SubscribeSignal[] = [];

  constructor(private readonly run: RunContext) {}

  /** Runs asking to be told when this one finishes (a finished run tells them at once). */
  installSubscribeHandler(): void {
    wf.setHandler(subscribeSignal, (subscriber) => {
      if (this.run.finished) void notifySubscribers([subscriber], this.run.snapshot());
      else this.subscribers.push(subscriber);
    });
  }

  /** Closes the run with the final state it has now; throws when the Temporal execution is to close failed or canceled. */
  async finish(): Promise<RunState> {
    const { run } = this;
    const { state, input } = run;
    run.finished = true;
    state.finishedAt = nowIso();
    state.updatedAt = state.finishedAt;
    state.durationMs = state.computeMs;
    const final = run.snapshot();
    // Most runs have nothing to wait for here: skipping the scope spares the promises it costs (each one a stack
    // capture by the SDK's promise hook), and issues no command either way.
    if (this.subscribers.length > 0 || !wf.allHandlersFinished() || run.outgoing.size > 0) {
      await wf.CancellationScope.nonCancellable(async () => {
        await notifySubscribers(this.subscribers, final);
        await wf.condition(wf.allHandlersFinished);
        while (run.outgoing.size > 0) await Promise.all([...run.outgoing]);
      });
    }
    const failed = final.status !== "COMPLETED" && final.status !== "CANCELED";
    if (failed && input.idempotencyKeyWorkflowId) {
      // Trigger semantics: a failed run clears its idempotency key, so the next trigger with it starts a new run.
      await wf
        .getExternalWorkflowHandle(input.idempotencyKeyWorkflowId)
        .signal(releaseKeySignal, { runId: input.runId })
        .catch(() => undefined);
    }
    // A canceled run closes as Canceled in Temporal too (runs canceled before this patch closed as Completed). Temporal
    // keeps no details with a cancellation: readers get the final state by a query instead.
    if (
      final.status === "CANCELED" &&
      wf.CancellationScope.current().consideredCancelled &&
      run.patched("stint-canceled-status")
    ) {
      throw new wf.CancelledFailure(final.error?.message ?? "Run was canceled");
    }
    if (
      final.status === "FAILED" ||
      final.status === "CRASHED" ||
      final.status === "SYSTEM_FAILURE" ||
      final.status === "TIMED_OUT"
    ) {
      // A failed run fails its Temporal execution (red in the Web UI); the run's record travels in the details.
      throw ApplicationFailure.create({
        message: final.error?.message ?? final.status,
        type: runFailureType(final.status),
        nonRetryable: true,
        details: [final],
      });
    }
    return final;
  }
}

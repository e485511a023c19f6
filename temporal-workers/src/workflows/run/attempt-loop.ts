/**
 * Attempts and retries: each attempt runs executions until one finishes it (a suspended execution waits durably for
 * its waitpoint, then the next execution replays run()); a failure with a retry delay starts the next attempt after it.
 */
import * as wf from "@temporalio/workflow";
import type { AttemptActivityResult, AttemptRequeue } from "../../shared/run-types.js";
import { FAILURE_TYPES } from "../../errors.js";
import { retriesAfter, type AttemptExecution } from "./attempt-execution.js";
import type { ExecutionLiveness } from "./execution-liveness.js";
import { nowIso, type RunContext } from "./run-context.js";
import type { WaitpointJournal } from "./waitpoint-journal.js";

export async function runAttempts(
  run: RunContext,
  liveness: ExecutionLiveness,
  journal: WaitpointJournal,
  execution: AttemptExecution,
  ttlDeadline: number | undefined,
): Promise<void> {
  const { state, input } = run;
  for (run.attemptNumber = 1; ; run.attemptNumber++) {
    journal.newAttempt();
    run.metadataOpsApplied = {};
    state.attemptCount = run.attemptNumber;
    state.attempts.push({ number: run.attemptNumber, status: "EXECUTING", executions: 0 });
    execution.slot.newAttempt();
    let result: AttemptActivityResult | AttemptRequeue | "expired";
    for (;;) {
      try {
        result = await execution.execute(liveness.attemptStarted ? undefined : ttlDeadline);
      } catch (error) {
        if (wf.isCancellation(error)) throw error;
        const cause = (error as { cause?: { message?: string; type?: string } }).cause;
        run.currentAttempt()!.status = "FAILED";
        run.failRun(cause?.type === FAILURE_TYPES.taskNotFound ? "SYSTEM_FAILURE" : "CRASHED", {
          name: cause?.type ?? "AttemptCrashed",
          message: cause?.message ?? (error as Error).message,
        });
        return;
      }
      if (result === "expired") {
        state.expiredAt = nowIso();
        run.currentAttempt()!.status = "CANCELED";
        state.attempts.pop();
        state.attemptCount = 0;
        run.failRun("EXPIRED", {
          name: "RunExpired",
          message: `Run was not started within its ttl of ${run.options.ttl}`,
        });
        return;
      }
      if (result.kind === "requeue") {
        // Nothing ran: ask the right gate for a slot, then execute again.
        execution.slot.moveToQueue(result);
        continue;
      }
      if (result.execution) {
        liveness.markLive(result.execution.token, result.execution.startedAt);
        run.lockVersion(result.execution.version);
      }
      state.computeMs += result.computeMs;
      run.currentAttempt()!.computeMs = (run.currentAttempt()!.computeMs ?? 0) + result.computeMs;
      if (result.kind !== "suspended") break;
      // Suspended: no process is held; wait durably for the waitpoint, then replay run().
      run.setStatus("WAITING");
      await journal.completion(result.seq);
      run.setStatus("QUEUED");
    }
    const attempt = run.currentAttempt()!;
    attempt.finishedAt = nowIso();
    if (result.kind === "success") {
      attempt.status = "COMPLETED";
      state.output = result.output;
      run.setStatus("COMPLETED");
      return;
    }
    if (result.kind === "failure") {
      attempt.status = result.status;
      attempt.error = result.error;
      if (result.status === "TIMED_OUT") {
        run.failRun("TIMED_OUT", result.error);
        return;
      }
      if (retriesAfter(result, input.settings.retriesEnabled)) {
        // Out of memory with retry.outOfMemory.machine: the next attempts run on that machine.
        if (result.machine !== undefined) {
          run.setOptions({ ...run.options, machine: result.machine });
          state.machine = result.machine;
        }
        run.setStatus("QUEUED");
        await wf.sleep(Math.max(1, result.retryDelayMs ?? 0));
        continue;
      }
      run.failRun("FAILED", result.error);
      return;
    }
  }
}

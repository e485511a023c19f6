/**
 * A debounce key (`debounce_<env>_<task>_<key>`): it points to the key's delayed run while that run waits. Claims
 * (update-with-start) are handled one at a time, in the order they arrive: each pushes the delayed run back, or starts
 * the trigger's own run when there is none or the run refuses (started, or past its maxDelay). The key closes once
 * its run has left DELAYED.
 */
import * as wf from "@temporalio/workflow";
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import { debounceClaimUpdate, debounceReleasedSignal } from "../shared/messages.js";
import { debouncePushFor, type DebounceClaimResult, type DebounceKeyWorkflowInput } from "../shared/debounce.js";
import { runMemo, runSearchAttributes } from "../shared/run-input.js";
import type { EngineActivities } from "../activities/attempt-activity-types.js";
import { FAILURE_TYPES } from "../errors.js";

/** Past its delay, a run that never said it left DELAYED (terminated, say) is asked once more after this long. */
const CHECK_GRACE_MS = 60_000;

const engine = wf.proxyLocalActivities<EngineActivities>({
  startToCloseTimeout: "30 seconds",
  retry: {
    initialInterval: "200 milliseconds",
    backoffCoefficient: 2,
    maximumInterval: "5 seconds",
    maximumAttempts: 12,
  },
});

export async function debounceKeyWorkflow(input: DebounceKeyWorkflowInput): Promise<{ runId?: string }> {
  let current = input.current;
  let changed = false;
  let tail: Promise<unknown> = Promise.resolve();
  /** One claim at a time: a trailing trigger's fields land in the order the triggers reached the key. */
  const oneAtATime = <T>(claim: () => Promise<T>): Promise<T> => {
    const next = tail.then(claim);
    tail = next.catch(() => undefined);
    return next;
  };

  wf.setHandler(debounceClaimUpdate, ({ run }) =>
    oneAtATime(async (): Promise<DebounceClaimResult> => {
      changed = true;
      if (current) {
        const answer = await engine.pushDebouncedRun(current.runId, debouncePushFor(run));
        if (answer.pushed) {
          current = { runId: current.runId, delayUntil: answer.delayUntil };
          return { runId: current.runId, debounced: true };
        }
      }
      current = undefined;
      try {
        await wf.startChild("runWorkflow", {
          workflowId: run.runId,
          args: [{ ...run, debounceKeyWorkflowId: wf.workflowInfo().workflowId }],
          taskQueue: wf.workflowInfo().taskQueue,
          parentClosePolicy: "ABANDON",
          typedSearchAttributes: runSearchAttributes(run, run.delayUntil ? "DELAYED" : "QUEUED"),
          memo: runMemo(run),
        });
      } catch (error) {
        // The same trigger claiming again (an activity retried): its run is there already.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
          throw ApplicationFailure.nonRetryable(
            `could not start run ${run.runId}: ${(error as Error).message}`,
            FAILURE_TYPES.debounceStartFailed,
          );
        }
      }
      current = { runId: run.runId, delayUntil: run.delayUntil ?? run.createdAt };
      return { runId: run.runId, debounced: false };
    }),
  );

  wf.setHandler(debounceReleasedSignal, ({ runId }) => {
    if (current?.runId === runId) current = undefined;
    changed = true;
  });

  for (;;) {
    changed = false;
    if (current) {
      const checkAt = Date.parse(current.delayUntil) + CHECK_GRACE_MS;
      const woken = await wf.condition(
        () => changed || wf.workflowInfo().continueAsNewSuggested,
        Math.max(CHECK_GRACE_MS, checkAt - Date.now()),
      );
      if (!woken && current && !changed) {
        const runId: string = current.runId;
        const delayed = await engine.delayedUntil(runId);
        if (current?.runId === runId) current = delayed ? { runId, delayUntil: delayed } : undefined;
      }
    } else {
      await wf.condition(() => changed, 1);
    }
    await wf.condition(wf.allHandlersFinished);
    if (wf.workflowInfo().continueAsNewSuggested && !changed) {
      await wf.continueAsNew<typeof debounceKeyWorkflow>({ ...input, current });
    }
    // A claim that arrived while we were closing keeps the key open; otherwise the key is gone.
    if (!current && !changed) return { runId: undefined };
  }
}

/**
 * An idempotency key (`idem_<env>_<task>_<key>`). Claiming it atomically either returns the run it already points
 * to or starts the candidate run. It lives for the key's TTL, or until its run fails or the key is reset.
 */
import * as wf from "@temporalio/workflow";
import { claimKeyUpdate, releaseKeySignal } from "../shared/messages.js";
import type { IdempotencyKeyWorkflowInput } from "../shared/idempotency.js";
import { runMemo, runSearchAttributes } from "../shared/run-input.js";
import type { EngineActivities } from "../activities/attempt-activity-types.js";

const engine = wf.proxyActivities<EngineActivities>({ startToCloseTimeout: "1 minute" });

export async function idempotencyKeyWorkflow(_input: IdempotencyKeyWorkflowInput): Promise<{ runId?: string }> {
  let runId: string | undefined;
  let expiresAt = 0;
  let released = false;
  let changed = false;
  const holds = () => runId !== undefined && !released && Date.now() < expiresAt;

  let starting: Promise<unknown> = Promise.resolve();

  wf.setHandler(claimKeyUpdate, async ({ run, ttlMs }) => {
    if (holds()) {
      await starting;
      return { runId: runId!, isCached: true };
    }
    // Reserve the key before awaiting the start, so concurrent claims see it taken.
    runId = run.runId;
    expiresAt = Date.now() + ttlMs;
    released = false;
    changed = true;
    const keyed = { ...run, idempotencyKeyWorkflowId: wf.workflowInfo().workflowId };
    // Idempotency comes first (Trigger.dev's rule); a new trigger that also has a debounce key may land in that
    // key's delayed run, which this key then names.
    starting = run.item.options?.debounce
      ? engine.claimDebouncedRun(keyed).then((claim) => (runId = claim.runId))
      : wf.startChild("runWorkflow", {
          workflowId: run.runId,
          args: [keyed],
          taskQueue: wf.workflowInfo().taskQueue,
          parentClosePolicy: "ABANDON",
          typedSearchAttributes: runSearchAttributes(run, run.delayUntil ? "DELAYED" : "QUEUED"),
          memo: runMemo(run),
        });
    try {
      await starting;
    } catch (error) {
      runId = undefined;
      throw error;
    }
    return { runId: runId!, isCached: false };
  });

  wf.setHandler(releaseKeySignal, ({ runId: failedRun }) => {
    if (failedRun === undefined || failedRun === runId) released = true;
    changed = true;
  });

  for (;;) {
    changed = false;
    if (holds()) await wf.condition(() => changed, Math.max(1, expiresAt - Date.now()));
    else await wf.condition(() => changed || runId === undefined, 1);
    await wf.condition(wf.allHandlersFinished);
    // A claim that arrived while we were closing re-arms the key; otherwise the key is gone.
    if (!holds() && !changed) return { runId };
  }
}

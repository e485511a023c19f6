/** Activities the engine's own workflows use to read other executions (tokens that already closed). */
import type { Client } from "@temporalio/client";
import type { ChildRunResult, TokenResult, TokenState } from "@stint/sdk/runtime";
import { claimIdempotentRun } from "../client/claim-idempotent-run.js";
import { claimDebouncedRun, delayedUntil, pushDebouncedRun } from "../client/claim-debounced-run.js";
import { childResultFromFailure, childResultFromState } from "../shared/child-results.js";
import type { RunState } from "../shared/run-types.js";
import { tokenStateQuery } from "../shared/messages.js";
import type { EngineActivities } from "./attempt-activity-types.js";
import { scheduleTimes } from "../shared/schedule-times.js";
import { QueueAdmission } from "../client/queue-gates.js";
import type { AttemptRoute, AttemptRouteRequest, AttemptRouter } from "../shared/attempt-routing.js";
import { createDispatchActivities } from "./dispatch-activities.js";
import { closedRuns } from "../client/closed-runs.js";

/** `router`: where routed (development) runs' executions go; the webapp's engine worker passes it. */
export function createEngineActivities(
  client: Client,
  workflowTaskQueue: string,
  router?: AttemptRouter,
): EngineActivities {
  const readTokenState = async (tokenId: string): Promise<TokenState | null> => {
    const handle = client.workflow.getHandle(tokenId);
    try {
      const description = await handle.describe();
      if (description.status.name === "RUNNING") return await handle.query(tokenStateQuery);
      return (await handle.result()) as TokenState;
    } catch {
      return null;
    }
  };
  const admission = new QueueAdmission(client, workflowTaskQueue);
  const dispatch = createDispatchActivities(workflowTaskQueue, false);
  const routeAttempt = async (request: AttemptRouteRequest): Promise<AttemptRoute> => {
    if (!router)
      return {
        reason:
          "This engine worker has no attempt router: runs of development environments need the Stint webapp's engine.",
      };
    return router.route(request);
  };
  return {
    readTokenState,
    scheduleTimes: async (cron, timezone, at) => scheduleTimes(cron, timezone, new Date(at)),
    routeAttempt,
    async routeAndRequestAdmission(request) {
      const route = await routeAttempt(request.route);
      // No session has the task yet: the run asks for admission once one has, not while it cannot run.
      if (route.taskQueue === undefined) return { route };
      return { route, admission: await dispatch.dispatchRequestAdmission(request.admission) };
    },
    acquireQueueSlot: (key, request) => admission.acquire(key, request),
    ...dispatch,
    closedRuns: (runIds) => closedRuns(client, runIds),
    claimIdempotentRun: (run, ttlMs) => claimIdempotentRun(client, workflowTaskQueue, run, ttlMs),
    claimDebouncedRun: (run) => claimDebouncedRun(client, workflowTaskQueue, run),
    pushDebouncedRun: (runId, push) => pushDebouncedRun(client, runId, push),
    delayedUntil: (runId) => delayedUntil(client, runId),
    async readRunResult(runId: string): Promise<ChildRunResult | null> {
      const handle = client.workflow.getHandle(runId);
      if ((await handle.describe()).status.name === "RUNNING") return null;
      try {
        return childResultFromState((await handle.result()) as RunState);
      } catch (error) {
        return childResultFromFailure(runId, "", error);
      }
    },
    async readTokenResult(tokenId: string): Promise<TokenResult | null> {
      const state = await readTokenState(tokenId);
      if (!state || state.status === "WAITING") return null;
      return state.status === "COMPLETED"
        ? { ok: true, output: state.output }
        : { ok: false, error: state.error ?? { name: "WaitpointTimeoutError", message: "Timed out" } };
    },
  };
}

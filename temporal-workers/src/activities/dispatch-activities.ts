/**
 * Admission activities. The engine's local activities answer from this process's dispatcher when it runs one, else
 * say "forward"; the run's workflow then asks the dispatcher's task queue, polled only by the process running it.
 */
import { ApplicationFailure } from "@temporalio/common";
import { localDispatcher } from "../dispatcher/local-dispatchers.js";
import { askAgainAfterMs } from "../shared/dispatch.js";
import type { DispatchActivities } from "./attempt-activity-types.js";

/** `required`: on the dispatcher's own task queue a missing dispatcher is an error to retry (leadership moving). */
export function createDispatchActivities(workflowTaskQueue: string, required: boolean): DispatchActivities {
  const dispatcher = () => {
    const found = localDispatcher(workflowTaskQueue);
    if (!found && required)
      throw ApplicationFailure.retryable("This process no longer runs the dispatcher", "StintDispatcherMoved");
    return found;
  };
  return {
    async dispatchRequestAdmission(request) {
      const found = dispatcher();
      if (!found) return { granted: false, forward: true };
      const granted = await found.request(request);
      return {
        granted,
        limited: found.isLimited(request),
        ...(granted ? {} : { askAgainMs: askAgainAfterMs(found.waitingCount) }),
      };
    },
    async dispatchReleaseAdmission(runId) {
      const found = dispatcher();
      if (!found) return { granted: false, forward: true };
      await found.release(runId);
      return { granted: false };
    },
  };
}

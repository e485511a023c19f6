/** The run workflow's sinks: a run's last release reaches this process's dispatcher with no local activity. */
import type { InjectedSinks } from "@temporalio/worker";
import { localDispatcher } from "../dispatcher/local-dispatchers.js";
import type { DispatchSinks } from "../shared/dispatch.js";

export function dispatchSinks(workflowTaskQueue: string): InjectedSinks<DispatchSinks> {
  return {
    dispatcher: {
      releaseAdmission: {
        // Not again when a workflow replays: it was released then (or its lease expires: see DispatchSinks).
        callDuringReplay: false,
        async fn(_info, runId) {
          await localDispatcher(workflowTaskQueue)?.release(runId);
        },
      },
    },
  };
}

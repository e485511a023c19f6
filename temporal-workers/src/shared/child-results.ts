/** What a run waiting on a child gets back, read from the child's final state or from the failure its workflow ended with. */
import { CancelledFailure } from "@temporalio/common";
import type { ChildRunResult } from "@stint/sdk/runtime";
import type { RunState } from "./run-types.js";

export function childResultFromState(state: RunState): ChildRunResult {
  if (state.status === "COMPLETED")
    return { ok: true, id: state.id, taskIdentifier: state.taskIdentifier, output: state.output };
  return {
    ok: false,
    id: state.id,
    taskIdentifier: state.taskIdentifier,
    status: state.status,
    error: state.error ?? { name: "Error", message: `Run ended ${state.status}` },
  };
}

/** A failed run fails its workflow with its state in the failure details. */
export function childResultFromFailure(runId: string, taskIdentifier: string, error: unknown): ChildRunResult {
  let cause: unknown = error;
  while (cause && typeof cause === "object") {
    const details = (cause as { details?: unknown[] }).details;
    if (Array.isArray(details) && details[0] && typeof details[0] === "object" && "status" in (details[0] as object)) {
      return childResultFromState(details[0] as RunState);
    }
    if (cause instanceof CancelledFailure) {
      return {
        ok: false,
        id: runId,
        taskIdentifier,
        status: "CANCELED",
        error: { name: "CanceledError", message: "Run was canceled" },
      };
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return {
    ok: false,
    id: runId,
    taskIdentifier,
    status: "CRASHED",
    error: { name: "Error", message: error instanceof Error ? error.message : String(error) },
  };
}

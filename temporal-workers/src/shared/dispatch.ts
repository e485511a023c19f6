/**
 * The fair dispatcher's wire types, shared by the run workflow (which asks for admission before each execution),
 * the engine activities that carry the request and the dispatcher that answers it.
 */

import type { Sinks } from "@temporalio/workflow";

/**
 * Calls from the run workflow into the engine worker's process that record nothing in history. A run's last release
 * goes this way (see QueueSlot.release): if it is lost (the process died, the dispatcher moved), the lease expires
 * unrenewed or the sweeper frees it when it sees the workflow closed.
 */
export interface DispatchSinks extends Sinks {
  dispatcher: { releaseAdmission(runId: string): void };
}

/** What a run asks the dispatcher for before an execution. */
export interface AdmissionRequest {
  runId: string;
  environmentId: string;
  /** Trigger's queue name: `task/<taskId>` or a custom queue's name. */
  queue: string;
  concurrencyKey?: string;
  /** Trigger's priority as a time offset: the run is treated as having asked this much earlier. */
  priorityMs: number;
  /** When the run asked (workflow time, ms since epoch). */
  requestedAt: number;
  /** Counts the run's requests: a grant names the request it answers. */
  ticket: number;
  /** The limit the run's code declares for the queue, when a worker sent the run back to it (see AttemptRequeue). */
  declaredLimit?: number | null;
}

/** A run's request for an execution, asked by its workflow or by the process starting it (see admitAtStart). */
export function admissionRequest(
  run: { runId: string; environmentId: string; queue: string; concurrencyKey?: string; priority?: number },
  ticket: number,
  requestedAt: number,
  declaredLimit?: number | null,
): AdmissionRequest {
  return {
    runId: run.runId,
    environmentId: run.environmentId,
    queue: run.queue,
    concurrencyKey: run.concurrencyKey,
    priorityMs: (run.priority ?? 0) * 1000,
    requestedAt,
    ticket,
    declaredLimit,
  };
}

/**
 * `granted`: the run holds a lease now; otherwise it waits for the admission signal naming its ticket.
 * `limited`: the queue had a limit (declared or overridden) when the run asked; a run admitted to a queue without
 * one is sent back by a worker whose code declares a limit (see checkAdmission).
 * `forward`: this process does not run the engine's dispatcher; ask the dispatcher's own task queue instead.
 * `askAgainMs`: a waiting run asks again after this long if no signal came (see askAgainAfterMs).
 */
export type AdmissionAnswer =
  | { granted: boolean; limited?: boolean; forward?: false; askAgainMs?: number }
  | { granted: false; limited?: undefined; forward: true; askAgainMs?: undefined };

/** A waiting run's interval between asks doubles up to this, or up to the dispatcher's interval if that is longer. */
export const ASK_AGAIN_MAX_MS = 300_000;
/** The shortest interval, and the one a run uses when the answer names none (answers recorded before it did). */
export const ASK_AGAIN_MIN_MS = 30_000;
/**
 * The whole engine's budget for runs asking again: about ten a second. Each ask is a workflow task and a local
 * activity; with a fixed 30 s interval 5,000 waiting runs asked ~170 times a second, more than the engine does, and
 * newcomers' first workflow tasks queued behind them.
 */
const ASK_AGAIN_MS_PER_WAITING_RUN = 100;

/** How long a run that must wait leaves before asking again, given how many runs wait with it. */
export function askAgainAfterMs(waitingRuns: number): number {
  return Math.max(ASK_AGAIN_MIN_MS, waitingRuns * ASK_AGAIN_MS_PER_WAITING_RUN);
}

/** Activities on the dispatcher's task queue are polled only by the process that runs the dispatcher (the leader). */
export function dispatchTaskQueue(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-dispatch`;
}

/**
 * Run statuses and which of them are final: the one list the SDK, the engine, the CLI and the webapp use. It imports
 * nothing, so workflow code may use it too.
 */
export const RUN_STATUSES = [
  "PENDING_VERSION",
  "QUEUED",
  "DEQUEUED",
  "DELAYED",
  "EXECUTING",
  "WAITING",
  "COMPLETED",
  "CANCELED",
  "FAILED",
  "CRASHED",
  "SYSTEM_FAILURE",
  "EXPIRED",
  "TIMED_OUT",
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run in one of these has ended for good: its status never changes again (Trigger.dev's `isCompleted`). */
export const FINAL_STATUSES = [
  "COMPLETED",
  "CANCELED",
  "FAILED",
  "CRASHED",
  "SYSTEM_FAILURE",
  "EXPIRED",
  "TIMED_OUT",
] as const satisfies readonly RunStatus[];

export type FinalStatus = (typeof FINAL_STATUSES)[number];

/** The final statuses that are a failure (Trigger.dev's `isFailed`): all of them but COMPLETED and CANCELED. */
export const FAILED_STATUSES = [
  "FAILED",
  "CRASHED",
  "SYSTEM_FAILURE",
  "EXPIRED",
  "TIMED_OUT",
] as const satisfies readonly FinalStatus[];

export function isFinalStatus(status: string): status is FinalStatus {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

export function isFailedStatus(status: string): boolean {
  return (FAILED_STATUSES as readonly string[]).includes(status);
}

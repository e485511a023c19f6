/**
 * The engine's named errors. Each carries what its caller needs to answer: an HTTP status for the REST API, a code
 * for a failed attempt, the setting to change; failure types. Workflow code may import this file (it imports nothing).
 */

/**
 * The `type` of each failure (and the `name` of each error) the engine raises for itself: code on the other side of a
 * workflow, an activity or a runner process matches on these strings, so they are spelled here once.
 */
export const FAILURE_TYPES = {
  /** A newer execution of the attempt replaced this one, or its run ended: its calls are refused, its code stopped. */
  staleExecution: "StintStaleExecution",
  /** Temporal could not be reached within the retry window: Temporal retries the execution, never as a task error. */
  infrastructure: "StintInfrastructureError",
  /** No worker has the task's code (the attempt ends SYSTEM_FAILURE, not retried). */
  taskNotFound: "StintTaskNotFound",
  /** A replayed attempt asked for other waitpoints than it recorded. */
  nonDeterminism: "StintNonDeterminism",
  unknownWaitpoint: "StintUnknownWaitpoint",
  runFinished: "StintRunFinished",
  attemptRefused: "StintAttemptRefused",
  debounceStartFailed: "StintDebounceStartFailed",
} as const;

/** The type a failed run's execution fails with (`StintRunFAILED`, `StintRunCRASHED`, …); its record is in the details. */
export function runFailureType(status: string): string {
  return `StintRun${status}`;
}

/** A request the engine refuses, with the HTTP status the REST API should answer with. */
export class EngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 422 | 429,
    message: string,
  ) {
    super(message);
    this.name = "EngineError";
  }
}

/** A value that cannot be stored or read back: `status` is the HTTP status an API answers with. */
export class PacketError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 503,
    message: string,
    readonly code: "PacketTooLarge" | "PacketNotSerializable" | "PacketMissing" | "PacketStoreUnavailable",
  ) {
    super(message);
    this.name = code;
  }
}

/** Packet problems as the REST API answers them (a store that cannot be reached is the only 5xx). */
export function packetErrorAsEngineError(error: unknown): unknown {
  if (!(error instanceof PacketError) || error.status === 503) return error;
  return new EngineError(error.status, error.message);
}

/**
 * The execution could not reach Temporal for longer than the retry window. It ends as an infrastructure failure,
 * which Temporal retries as a new execution of the same attempt (replaying from the journal), never as a task error.
 */
export class TemporalUnreachableError extends Error {
  override readonly name = FAILURE_TYPES.infrastructure;
}

/** Checked by name: the error may have crossed from an executor's runner process. */
export function isTemporalUnreachableError(error: unknown): boolean {
  return (error as Error | undefined)?.name === FAILURE_TYPES.infrastructure;
}

/** The run's workflow refused a call because a newer execution of the attempt replaced this one (or the run ended). */
export function isStaleExecutionError(error: unknown): boolean {
  return (error as Error | undefined)?.name === FAILURE_TYPES.staleExecution;
}

/** A port the caller asked for is taken: `role` says which one, so the caller can name the setting to change. */
export class TemporalPortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly role: "gRPC" | "Web UI",
  ) {
    super(`Port ${port} (Temporal ${role}) is already in use`);
    this.name = "TemporalPortInUseError";
  }
}

/**
 * How a failed Temporal call reads: a workflow that is not there, Temporal unable to answer right now, or — for the
 * REST API — the HTTP status and message it means for the caller (toEngineError).
 */
import { FAILURE_TYPES } from "../errors.js";
import {
  QueryRejectedError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from "@temporalio/client";

export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === "WorkflowNotFoundError" || /not found/i.test((error as Error)?.message ?? "");
}

/** gRPC status codes that mean "Temporal cannot answer right now" (not "your request is wrong"). */
const UNAVAILABLE_CODES = new Set([
  4, // DEADLINE_EXCEEDED: our deadline, or a query no worker answered in time
  8, // RESOURCE_EXHAUSTED: the server sheds load
  14, // UNAVAILABLE: no connection
]);

/**
 * True when a Temporal call failed because Temporal is unreachable or too busy to answer in time: the request may be
 * retried as it is (HTTP 503), it is not the caller's fault nor a bug. Walks the error's causes (the client wraps
 * gRPC errors in ServiceError, e.g. "Failed to query Workflow").
 */
export function isEngineUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0;
    e && depth < 8;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.code === "number" && UNAVAILABLE_CODES.has(e.code)) return true;
    const name = (e as { name?: unknown }).name;
    if (name === "TransportError" || name === "ConnectionError" || name === FAILURE_TYPES.infrastructure) return true;
    if (
      typeof e.message === "string" &&
      /No connection established|tcp connect error|Connection refused|Deadline exceeded|ECONNREFUSED|ECONNRESET|socket hang up/i.test(
        e.message,
      )
    )
      return true;
  }
  return false;
}

/**
 * A running run's workflow that did not answer its state query for a reason Temporal gives no code for (its worker
 * reconnecting after Temporal was out of reach, say): the engine unable to answer right now, a read to retry (HTTP
 * 503), not a fault of the request nor a 500. A run that is not there stays a 404.
 */
export function unansweredStateQuery(runId: string, error: unknown): unknown {
  if (isNotFound(error) || isEngineUnavailable(error)) return error;
  const meaning = toEngineError(error);
  // A code that already means something keeps it; an error that is not Temporal's answer (a bug) stays a 500.
  if (meaning ? meaning.status !== 500 : !(error instanceof ServiceError)) return error;
  const grpc = grpcCode(error);
  const cause = (error as { cause?: { message?: unknown } } | undefined)?.cause?.message;
  const detail = grpc?.details || (typeof cause === "string" && cause) || (error as Error).message || String(error);
  return Object.assign(new Error(`Run ${runId}'s workflow did not answer its state query: ${firstLine(detail)}`), {
    name: FAILURE_TYPES.infrastructure,
    cause: error,
  });
}

/** What a failed engine call means for the caller of an API. */
export interface EngineFailure {
  status: 400 | 404 | 409 | 429 | 500 | 503;
  message: string;
  /** Seconds, for a 503 or 429. */
  retryAfter?: number;
}

/** gRPC status codes Temporal answers with. */
const GRPC = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
} as const;

function grpcCode(error: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details || e.message };
  }
  return undefined;
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? text).trim().slice(0, 300);
}

/**
 * The one mapping of a Temporal error to what the caller is told: a 4xx naming what Temporal refused, a 429/503 to
 * retry when it is busy or unreachable, a 500 that still says what failed. Undefined when the error is not Temporal's.
 */
export function toEngineError(error: unknown): EngineFailure | undefined {
  if (error instanceof WorkflowNotFoundError)
    return { status: 404, message: `Not found, or no longer running, on the engine: ${firstLine(error.message)}` };
  if (error instanceof WorkflowExecutionAlreadyStartedError || error instanceof ScheduleAlreadyRunning)
    return { status: 409, message: `Already exists on the engine: ${firstLine(error.message)}` };
  if (error instanceof ScheduleNotFoundError)
    return { status: 404, message: `Schedule not found on the engine: ${firstLine(error.message)}` };
  if (error instanceof WorkflowUpdateFailedError || error instanceof QueryRejectedError) {
    const cause =
      (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    return { status: 409, message: `The engine refused this in the run's current state: ${firstLine(cause)}` };
  }
  const grpc = grpcCode(error);
  if (!grpc) return undefined;
  const what = firstLine(grpc.details);
  switch (grpc.code) {
    case GRPC.INVALID_ARGUMENT:
      return { status: 400, message: `The engine (Temporal) refused a value in this request: ${what}` };
    case GRPC.NOT_FOUND:
      return { status: 404, message: `Not found on the engine (Temporal): ${what}` };
    case GRPC.ALREADY_EXISTS:
      return { status: 409, message: `Already exists on the engine (Temporal): ${what}` };
    case GRPC.FAILED_PRECONDITION:
      return { status: 409, message: `The engine (Temporal) refused this in the current state: ${what}` };
    case GRPC.RESOURCE_EXHAUSTED:
      return {
        status: 429,
        message: `The engine (Temporal) is rate limiting: ${what}; retry in a moment`,
        retryAfter: 1,
      };
    // A call past its deadline may end as CANCELLED ("Call cancelled") rather than DEADLINE_EXCEEDED.
    case GRPC.CANCELLED:
    case GRPC.DEADLINE_EXCEEDED:
    case GRPC.UNAVAILABLE:
      return {
        status: 503,
        message: `The engine (Temporal) did not answer in time (${what}); retry in a moment`,
        retryAfter: 1,
      };
  }
  return {
    status: 500,
    message: `The engine (Temporal) failed: ${(error as Error).message ? `${firstLine((error as Error).message)}: ` : ""}${what}. This is not your request's fault; retry, and report it if it persists`,
  };
}

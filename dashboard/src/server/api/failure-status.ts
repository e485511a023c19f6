/**
 * What an error from the engine (Temporal) or the database means for the caller, when a route did not map it
 * itself: the caller's fault is a 4xx naming what Temporal or PostgreSQL refused; a busy or unreachable engine is a
 * 503 to retry; everything else is a 500 that still says what failed (never a bare "Internal server error").
 */
import {
  QueryRejectedError,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from "@temporalio/client";
import { sqlState } from "../database/refused-value.js";

export interface FailureStatus {
  status: 400 | 404 | 409 | 429 | 500 | 503;
  message: string;
  /** Seconds, for a 503 or 429. */
  retryAfter?: number;
}

/** gRPC status codes Temporal answers with. */
const GRPC = { INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, ALREADY_EXISTS: 6, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9, UNAVAILABLE: 14 } as const;

function grpcCode(error: unknown): { code: number; details: string } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return { code: e.code, details: e.details || e.message };
  }
  return undefined;
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? text).trim().slice(0, 300);
}

export function failureStatus(error: unknown): FailureStatus {
  if (error instanceof WorkflowNotFoundError) return { status: 404, message: `Not found, or no longer running, on the engine: ${firstLine(error.message)}` };
  if (error instanceof WorkflowExecutionAlreadyStartedError || error instanceof ScheduleAlreadyRunning) return { status: 409, message: `Already exists on the engine: ${firstLine(error.message)}` };
  if (error instanceof ScheduleNotFoundError) return { status: 404, message: `Schedule not found on the engine: ${firstLine(error.message)}` };
  if (error instanceof WorkflowUpdateFailedError || error instanceof QueryRejectedError) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    return { status: 409, message: `The engine refused this in the run's current state: ${firstLine(cause)}` };
  }
  const grpc = grpcCode(error);
  if (grpc) {
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
        return { status: 429, message: `The engine (Temporal) is rate limiting: ${what}; retry in a moment`, retryAfter: 1 };
      case GRPC.DEADLINE_EXCEEDED:
      case GRPC.UNAVAILABLE:
        return { status: 503, message: `The engine (Temporal) did not answer in time (${what}); retry in a moment`, retryAfter: 1 };
    }
    return { status: 500, message: `The engine (Temporal) failed: ${(error as Error).message ? firstLine((error as Error).message) + ": " : ""}${what}. This is not your request's fault; retry, and report it if it persists` };
  }
  const state = sqlState(error);
  // Class 22 is "data exception": a value PostgreSQL cannot take (bad encoding, too long, out of range).
  if (state?.startsWith("22")) return { status: 400, message: `A value in this request cannot be stored (PostgreSQL ${state}); check text for control characters and sizes` };
  if (state === "23505" || (error as { code?: string }).code === "P2002") return { status: 409, message: "This conflicts with something created at the same moment; retry" };
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { status: 500, message: `Internal server error (${name}); this is not your request's fault; retry, and report it if it persists` };
}

/**
 * What an error from the engine (Temporal, mapped by the engine's toEngineError) or the database means for the
 * caller, when a route did not map it itself: the caller's fault is a 4xx naming what was refused; a busy or
 * unreachable engine is a 503 to retry; everything else is a 500 that still says what failed.
 */
import { toEngineError, type EngineFailure } from "@stint/temporal-workers";
import { sqlState } from "../database/refused-value.js";

export type FailureStatus = EngineFailure;

export function failureStatus(error: unknown): FailureStatus {
  const engine = toEngineError(error);
  if (engine) return engine;
  const state = sqlState(error);
  // Class 22 is "data exception": a value PostgreSQL cannot take (bad encoding, too long, out of range).
  if (state?.startsWith("22"))
    return {
      status: 400,
      message: `A value in this request cannot be stored (PostgreSQL ${state}); check text for control characters and sizes`,
    };
  if (state === "23505" || (error as { code?: string }).code === "P2002")
    return { status: 409, message: "This conflicts with something created at the same moment; retry" };
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return {
    status: 500,
    message: `Internal server error (${name}); this is not your request's fault; retry, and report it if it persists`,
  };
}

/**
 * Temporal errors that say nothing about the run (the server restarting, a connection lost, an overloaded server
 * answering DEADLINE_EXCEEDED) are retried by the SDK's calls themselves; they never reach task code. Every call an
 * attempt makes to its run is idempotent (waitpoints are keyed by sequence number, metadata by operation index,
 * tags are a set), so repeating one is safe.
 */
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "@temporalio/client";
import { TemporalUnreachableError } from "../errors.js";

/** How long a call keeps retrying before the execution gives up as an infrastructure failure. */
export const DEFAULT_TEMPORAL_RETRY_WINDOW_MS = 120_000;

/** gRPC status codes: CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE. */
const TRANSIENT_CODES = new Set<number>([1, 2, 4, 8, 10, 13, 14]);

export function isTransientTemporalError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
    if (cause instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    // An update the server admitted but lost in a restart: sending it again (same update id) starts it anew.
    if (cause instanceof WorkflowNotFoundError)
      return /update/i.test(cause.message) && !/workflow/i.test(cause.message);
    if (isGrpcServiceError(cause)) {
      // FAILED_PRECONDITION "… due to Workflow Task in failed state": the run's workflow task timed out or failed
      // (an overloaded or restarted worker) and Temporal takes no update until its next one succeeds.
      return TRANSIENT_CODES.has(cause.code) || (cause.code === 9 && /workflow task/i.test(cause.details));
    }
    // Before a connection exists grpc-js and the bridge fail with plain errors.
    if (
      cause instanceof Error &&
      /failed to connect|connection (refused|reset|closed)|ECONNREFUSED|ECONNRESET|transport error|TransportError/i.test(
        cause.message,
      )
    )
      return true;
  }
  return false;
}

/** Runs `call`, repeating it on transient Temporal errors with backoff for up to `windowMs`. */
export async function retryTransient<T>(
  call: () => Promise<T>,
  what: string,
  windowMs = DEFAULT_TEMPORAL_RETRY_WINDOW_MS,
): Promise<T> {
  const deadline = Date.now() + windowMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientTemporalError(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new TemporalUnreachableError(
          `${what}: Temporal did not answer for ${Math.round(windowMs / 1000)} s (${(error as Error).message})`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay * (0.8 + Math.random() * 0.4), left)));
    }
  }
}

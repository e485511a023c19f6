/** Whether an engine call failed because Temporal was unreachable or too busy to answer (retry as it is). */
import { isGrpcServiceError } from "@temporalio/client";

/** DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const TRANSIENT_GRPC_CODES = new Set([4, 8, 14]);

export function isEngineUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return TRANSIENT_GRPC_CODES.has(e.code);
    const { name, message } = e as { name?: string; message?: string };
    if (name === "TransportError" || name === "ConnectionError" || /ECONNREFUSED|ECONNRESET|socket hang up/i.test(message ?? "")) return true;
  }
  return false;
}

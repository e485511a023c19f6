/** How a failed Temporal call reads: a workflow that is not there, or Temporal unable to answer right now. */
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
  for (let e = error as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.code === "number" && UNAVAILABLE_CODES.has(e.code)) return true;
    if (typeof e.message === "string" && /No connection established|tcp connect error|Connection refused|Deadline exceeded/i.test(e.message)) return true;
  }
  return false;
}

/**
 * Stopping a process that talks to Temporal: an engine call waiting out a retry backoff when its connection closes
 * throws from its timer ("Channel has been shut down", from @temporalio/client's retry interceptor), which would end
 * the process with a stack trace and exit code 1 in the middle of a clean stop. Call this once the stop has begun:
 * that error is the stop itself; any other uncaught error still ends the process with code 1.
 */
export function tolerateClosedTemporalChannel(): void {
  process.on("uncaughtException", (error) => {
    if (error instanceof Error && error.message === "Channel has been shut down") return;
    console.error(error);
    process.exit(1);
  });
}

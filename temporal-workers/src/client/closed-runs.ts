/** Which of these runs' workflows have closed (or never existed): slots they hold are free to take back. */
import type { Client } from "@temporalio/client";

/** At most this many describes at once, so a sweep of many leases does not flood the server. */
const CONCURRENCY = 16;

export async function closedRuns(client: Client, runIds: string[]): Promise<string[]> {
  const closed: string[] = [];
  for (let i = 0; i < runIds.length; i += CONCURRENCY) {
    const found = await Promise.all(
      runIds.slice(i, i + CONCURRENCY).map(async (runId) => {
        try {
          return (await client.workflow.getHandle(runId).describe()).status.name === "RUNNING" ? null : runId;
        } catch (error) {
          return (error as Error).name === "WorkflowNotFoundError" ? runId : null;
        }
      }),
    );
    for (const runId of found) if (runId !== null) closed.push(runId);
  }
  return closed;
}

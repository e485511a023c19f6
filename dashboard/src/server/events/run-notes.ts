/**
 * Notes Stint records against one run when a pipeline that handles many runs (run index, outbox dispatcher, log and
 * stream ingestion) could not store part of it: the pipeline skips or repairs that row and goes on, and the note is
 * how the run's owner finds out — a system line among the run's logs (the run page shows them).
 */
import type { EventStore } from "./event-store.js";

export interface RunRef {
  environmentId: string;
  runId: string;
}

export async function noteOnRun(events: EventStore, run: RunRef, message: string): Promise<void> {
  console.error(`[${run.runId}] ${message}`);
  await events
    .append([
      {
        environmentId: run.environmentId,
        runId: run.runId,
        kind: "system",
        level: "error",
        message: `[stint] ${message}`,
        time: new Date(),
      },
    ])
    .catch((error: Error) => console.error(`[${run.runId}] the note could not be stored either: ${error.message}`));
}

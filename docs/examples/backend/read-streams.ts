// Backend code (the real @trigger.dev/sdk client), executed by dashboard/test/docs-examples.test.ts against a real
// webapp; docs/realtime-streams.md shows the region below.
// #region read
import { runs, streams } from "@trigger.dev/sdk";
// #endregion read

/** A storyteller run's tokens as one stream, printed as they come. */
export async function printTokens(runId: string) {
  // #region read
  for await (const token of await streams.read<string>(runId, "tokens")) process.stdout.write(token);
  // #endregion read
}

/** The run's updates with its streams: each token rendered, until the run has ended. */
export async function renderUpdates(runId: string, render: (chunk: string) => void) {
  // #region read
  for await (const part of runs.subscribeToRun(runId).withStreams<{ tokens: string }>()) {
    if (part.type === "tokens") render(part.chunk);
    if (part.type === "run" && part.run.isCompleted) break;
  }
  // #endregion read
}

// Executed by dashboard/test/docs-examples.test.ts against a real webapp; docs/realtime-streams.md shows the region.
// #region storyteller
import { streams, task } from "@trigger.dev/sdk";

export const storyteller = task({
  id: "storyteller",
  run: async () => {
    // Any async iterable or ReadableStream: an AI SDK text stream, a generator…
    const { stream, waitUntilComplete } = streams.pipe("tokens", generateTokens());
    let told = "";
    for await (const token of stream) told += token; // the task gets every chunk too
    await waitUntilComplete(); // optional: a run waits up to 60 s for streams still uploading when run() returns
    await streams.append("status", "finished"); // one chunk at a time
    return { told };
  },
});
// #endregion storyteller

/** Stands for a model's token stream. */
async function* generateTokens(): AsyncGenerator<string> {
  for (const token of ["Once ", "upon ", "a ", "time", "."]) {
    await new Promise((resolve) => setTimeout(resolve, 300)); // a model takes its time per token
    yield token;
  }
}

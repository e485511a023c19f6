// Executed by temporal-workers/test/process-keep-alive.test.ts (its runs load this config); docs/executor.md shows the region below.
import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "proj_docs_examples",
  maxDuration: 300,
  // #region process-keep-alive
  // `true` for the defaults: { enabled: true, maxExecutionsPerProcess: 50, devMaxPoolSize: 25 }
  processKeepAlive: { enabled: true, maxExecutionsPerProcess: 3 },
  // #endregion process-keep-alive
});

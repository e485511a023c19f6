// Executed by temporal-workers/test/docs-examples.test.ts; README.md shows the region below.
import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "proj_docs_examples",
  maxDuration: 300,
  // #region keep-alive
  checkpointThreshold: "never",
  // #endregion keep-alive
});

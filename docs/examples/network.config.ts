// Executed by temporal-workers/test/docs-examples.test.ts; docs/workers.md shows the region below.
import { defineConfig } from "@trigger.dev/sdk";

// #region network
export default defineConfig({ project: "proj_docs_examples", maxDuration: 300, network: "host" });
// #endregion network

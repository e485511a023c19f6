import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "proj_hello_world",
  dirs: ["./src/trigger"],
  maxDuration: 300,
  retries: { enabledInDev: true, default: { maxAttempts: 3, minTimeoutInMs: 500, maxTimeoutInMs: 5_000, factor: 2 } },
  // Waits longer than 10 s suspend the run instead of holding this process.
  checkpointThreshold: "10s",
});

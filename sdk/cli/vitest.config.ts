import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The engine's own test setup: one real Temporal dev server for the run.
    globalSetup: ["../../temporal-workers/test/harness/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

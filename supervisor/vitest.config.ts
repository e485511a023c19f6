import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    globalSetup: ["./test/harness/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    setupFiles: ["../temporal-workers/test/harness/quiet-logs.ts"],
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});

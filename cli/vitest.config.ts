import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The engine's own test setup: one real Temporal dev server for the run.
    globalSetup: ["../temporal-workers/test/harness/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // No `stint login` of the machine's user reaches a test: stint dev would join that webapp instead of running standalone.
    env: { XDG_CONFIG_HOME: join(tmpdir(), "stint-tests-no-login") },
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

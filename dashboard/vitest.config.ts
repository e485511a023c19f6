import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// No alias here: tests import the real `@trigger.dev/sdk` from npm to drive the REST API as a user's backend would.
export default defineConfig({
  test: {
    globalSetup: ["./test/harness/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    // No `stint login` of the machine's user reaches a test: stint dev would join that webapp instead of running standalone.
    env: { XDG_CONFIG_HOME: join(tmpdir(), "stint-tests-no-login") },
    setupFiles: ["../temporal-workers/test/harness/quiet-logs.ts"],
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

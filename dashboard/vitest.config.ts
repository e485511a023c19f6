import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const here = fileURLToPath(new URL("./vitest.config.ts", import.meta.url));

/**
 * The docs' examples import `@trigger.dev/sdk` as users write it: task files get Stint's SDK (what `stint dev` gives
 * them), backend files (docs/examples/backend/) the real client from npm, as a user's backend has.
 */
const docsExamplesSdk: Plugin = {
  name: "docs-examples-sdk",
  enforce: "pre",
  resolveId(source, importer) {
    if (source !== "@trigger.dev/sdk" || !importer?.includes("/docs/examples/")) return null;
    const sdk = importer.includes("/docs/examples/backend/") ? "trigger-sdk-latest" : "@stint/sdk";
    return this.resolve(sdk, here, { skipSelf: true });
  },
};

// Otherwise no alias: tests import the real `@trigger.dev/sdk` from npm to drive the REST API as a user's backend would.
export default defineConfig({
  plugins: [docsExamplesSdk],
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

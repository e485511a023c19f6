import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const sdk = (file: string) => fileURLToPath(new URL(`../sdk/src/${file}`, import.meta.url));

export default defineConfig({
  // Code written for @trigger.dev/sdk (docs examples, fixtures) resolves to Stint's SDK, as under `stint dev`.
  resolve: {
    alias: [
      { find: /^@trigger\.dev\/sdk\/v3$/, replacement: sdk("v3.ts") },
      { find: /^@trigger\.dev\/sdk$/, replacement: sdk("index.ts") },
    ],
  },
  test: {
    globalSetup: ["./test/harness/global-setup.ts"],
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/harness/quiet-logs.ts"],
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

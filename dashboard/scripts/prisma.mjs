#!/usr/bin/env node
// `pnpm --filter @stint/dashboard prisma <args>`: the Prisma CLI with the offline setup (no engine downloads, the
// long-timer preload). Example: `prisma migrate diff --from-empty --to-schema-datamodel prisma/schema.prisma --script`.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(
  process.execPath,
  ["--require", join(root, "scripts/unref-long-timers.cjs"), cli, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    // Any executable satisfies the CLI's engine checks: with `engineType = "client"` and the js schema engine, neither
    // native engine is ever called, and neither can be downloaded here.
    env: {
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      PRISMA_QUERY_ENGINE_LIBRARY: process.execPath,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      ...process.env,
    },
  },
);
process.exit(result.status ?? 1);

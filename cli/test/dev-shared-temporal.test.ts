/**
 * Standalone `stint dev` sessions sharing one Temporal server that none of them started (`--temporal-address`), each
 * on its own `--workflow-queue`: the server gets Stint's search attributes from the first session, so `--trigger`
 * works there; and each session is an environment of its own, so a second session whose project declares the same
 * queue starts and runs its tasks after the first one stopped (its queue gates are not the first one's, which nobody
 * polls any more).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection } from "@temporalio/client";
import { findTemporalBinary, freePort } from "@stint/temporal-workers";
import { DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
/** Starting `stint dev` (bundling, connecting) took over a minute on a loaded 2-core CI host. */
const START_MS = 240_000;
const TEST_MS = 400_000;
const started: DevProcess[] = [];
let temporal: ChildProcess;
let address: string;

/** A project with a task on a declared queue with a concurrency limit (its queue gate is configured at start). */
function project(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stint-shared-temporal-${label}-`));
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_shared_${label}", maxDuration: 60 });\n`,
  );
  writeFileSync(
    join(dir, "src/trigger/work.ts"),
    `import { queue, task } from "@trigger.dev/sdk";\nconst shared = queue({ name: "shared", concurrencyLimit: 1 });\nexport const work = task({ id: "work", queue: shared, run: async () => "${label} done" });\n`,
  );
  return dir;
}

/** `stint dev` on the shared server, with no webapp settings from the surrounding shell. */
function startDev(cwd: string, workflowQueue: string): DevProcess {
  const {
    TRIGGER_API_URL: _a,
    TRIGGER_SECRET_KEY: _b,
    TRIGGER_ACCESS_TOKEN: _c,
    TEMPORAL_ADDRESS: _d,
    ...shell
  } = process.env;
  const args = [
    "dev",
    "--no-watch",
    "--temporal-address",
    address,
    "--workflow-queue",
    workflowQueue,
    "--trigger",
    "work",
  ];
  const dev = new DevProcess(
    spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: shell }),
  );
  started.push(dev);
  return dev;
}

/** SIGTERM, then SIGKILL if it is still there after 15 s (a session stuck starting has no signal handler yet). */
async function stop(dev: DevProcess): Promise<void> {
  if (dev.child.exitCode !== null) return;
  const exited = new Promise((resolve) => dev.child.once("exit", resolve));
  dev.child.kill("SIGTERM");
  const timer = setTimeout(() => dev.child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  // A plain Temporal dev server, as a user would run one: none of Stint's search attributes.
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  const dbFile = join(mkdtempSync(join(tmpdir(), "stint-shared-temporal-")), "temporal.db");
  temporal = spawn(
    findTemporalBinary(),
    [
      "server",
      "start-dev",
      "--headless",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--ui-port",
      String(await freePort()),
      "--db-filename",
      dbFile,
      "--log-level",
      "error",
    ],
    {
      stdio: "ignore",
      detached: true,
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(started.map(stop));
  if (temporal?.pid) process.kill(-temporal.pid, "SIGTERM");
});

describe("standalone stint dev sessions on one Temporal server", () => {
  const [first, second] = [`shared-a-${randomUUID().slice(0, 8)}`, `shared-b-${randomUUID().slice(0, 8)}`];

  it(
    "the first session registers Stint's search attributes on a server it did not start, so its triggered run completes",
    async () => {
      const dev = startDev(project("a"), first);
      await dev.waitFor("Registered tasks: work", 0, START_MS);
      await dev.waitFor(/run_\w+ COMPLETED: "a done"/, 0, START_MS);
      await stop(dev);
    },
    TEST_MS,
  );

  it(
    "a second session on another workflow queue, declaring the same queue, starts and runs its task after the first stopped",
    async () => {
      const dev = startDev(project("b"), second);
      await dev.waitFor("Registered tasks: work", 0, START_MS);
      await dev.waitFor(/run_\w+ COMPLETED: "b done"/, 0, START_MS);
    },
    TEST_MS,
  );
});

/**
 * `stint dev` reads the project's own `.env` files as Trigger.dev's CLI does (`.env`, `.env.development`, `.env.local`,
 * `.env.development.local`; the shell's variables win; `export X=…` lines too), for its own settings and for the task
 * code's variables, and says on its first line which mode it runs in and where. Half a webapp configuration is refused
 * with the fix instead of silently running standalone.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter } from "@stint/temporal-workers";
import { DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const address = inject("temporalAddress");
const queue = `cli-env-${randomUUID().slice(0, 8)}`;
const started: DevProcess[] = [];
/** Starting `stint dev` (bundling, connecting) took over a minute on a loaded 2-core CI host. */
const START_MS = 240_000;
const TEST_MS = 400_000;
let connection: Connection;

/** A project whose task returns the variables it sees. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "stint-env-"));
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_env_fixture", maxDuration: 60 });\n`,
  );
  writeFileSync(
    join(dir, "src/trigger/env.ts"),
    `import { task } from "@trigger.dev/sdk";\nexport const env = task({ id: "read-env", run: async () => ({ greeting: process.env.GREETING, local: process.env.FROM_LOCAL, shell: process.env.SHELL_WINS }) });\n`,
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `stint dev` with no webapp settings from the surrounding shell, plus `env`. */
function startDev(cwd: string, args: string[], env: Record<string, string> = {}): DevProcess {
  const {
    TRIGGER_API_URL: _a,
    TRIGGER_SECRET_KEY: _b,
    TRIGGER_ACCESS_TOKEN: _c,
    TEMPORAL_ADDRESS: _d,
    ...shell
  } = process.env;
  const dev = new DevProcess(
    spawn(process.execPath, [CLI, "dev", "--no-watch", ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...shell, ...env },
    }),
  );
  started.push(dev);
  return dev;
}

async function exitOf(dev: DevProcess): Promise<number | null> {
  if (dev.child.exitCode !== null) return dev.child.exitCode;
  return new Promise((resolve) => dev.child.once("exit", resolve));
}

beforeAll(async () => {
  connection = await Connection.connect({ address });
});

afterAll(async () => {
  for (const dev of started) dev.child.kill("SIGTERM");
  await connection?.close();
});

describe("stint dev and the project's .env", () => {
  it(
    "gives task code the .env variables (first file wins, the shell wins over files) and says it runs standalone",
    async () => {
      const dir = project({
        ".env": "GREETING=hello from .env\nSHELL_WINS=file\n",
        ".env.local": "GREETING=ignored: .env set it first\nFROM_LOCAL=from .env.local\n",
      });
      const dev = startDev(dir, ["--temporal-address", address, "--workflow-queue", queue], { SHELL_WINS: "shell" });
      await dev.waitFor("Registered tasks: read-env", 0, START_MS);
      expect(dev.output.split("\n")[0]).toBe(
        `stint dev — standalone (TRIGGER_API_URL is not set, no stint login): Temporal at ${address}, project proj_env_fixture; runs do not reach a Stint webapp or its dashboard`,
      );
      expect(dev.output).toContain("Read .env, .env.local: 2 variable(s) set (GREETING, FROM_LOCAL)");

      const engine = new StintEngineClient({
        client: new Client({ connection, dataConverter: stintDataConverter }),
        workflowTaskQueue: queue,
        attemptQueue: queue,
        environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_env_fixture" },
      });
      const handle = await engine.trigger({ task: "read-env", payload: {} });
      await expect.poll(async () => (await engine.runState(handle.id)).status, { timeout: 60_000 }).toBe("COMPLETED");
      expect((await engine.runState(handle.id)).output).toEqual({
        greeting: "hello from .env",
        local: "from .env.local",
        shell: "shell",
      });
    },
    TEST_MS,
  );

  it(
    "refuses a secret key without a webapp URL, naming where the key came from and the fix",
    async () => {
      const dev = startDev(project({ ".env": "TRIGGER_SECRET_KEY=tr_dev_fromfile\n" }), []);
      expect(await exitOf(dev)).toBe(1);
      expect(dev.output).toContain("TRIGGER_SECRET_KEY is set (in the project's .env) but TRIGGER_API_URL is not");
      expect(dev.output).toContain("--standalone");
    },
    TEST_MS,
  );

  it(
    "takes the webapp settings from .env (export lines too) and tries that webapp",
    async () => {
      const dev = startDev(
        project({
          ".env":
            "export TRIGGER_API_URL=http://127.0.0.1:9\nexport TRIGGER_ACCESS_TOKEN=tr_pat_0000000000000000000000000000000000000000\n",
        }),
        [],
      );
      expect(await exitOf(dev)).toBe(1);
      expect(dev.output).toContain("Cannot reach the Stint webapp at http://127.0.0.1:9");
    },
    TEST_MS,
  );

  it(
    "--env-file reads that file instead, and --standalone ignores webapp settings",
    async () => {
      const dir = project({
        "custom.env": "TRIGGER_API_URL=http://127.0.0.1:9\nTRIGGER_SECRET_KEY=tr_dev_x\nGREETING=custom\n",
      });
      const dev = startDev(dir, [
        "--env-file",
        "custom.env",
        "--standalone",
        "--temporal-address",
        address,
        "--workflow-queue",
        `${queue}-b`,
      ]);
      await dev.waitFor("Registered tasks: read-env", 0, START_MS);
      expect(dev.output.split("\n")[0]).toMatch(/^stint dev — standalone \(--standalone\): Temporal at /);
      expect(dev.output).toContain("Read custom.env: 3 variable(s) set");

      // Node itself checks a script's --env-file argument first (nodejs/node#54232): its "nope.env: not found" and exit
      // code 9 come before stint's own message; either way, the missing file is named and nothing starts.
      const missing = startDev(dir, ["--env-file", "nope.env"]);
      expect(await exitOf(missing)).not.toBe(0);
      expect(missing.output).toMatch(/nope\.env: not found|--env-file: no file at .*nope\.env/);
    },
    TEST_MS,
  );
});

/**
 * A standalone `stint dev` (its own Temporal dev server, state in <project>/.stint/) keeps its Temporal address across
 * restarts, and restarts its dev server on the same port when it dies, quietly: its runs go on.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { StintEngineClient, stintDataConverter } from "@stint/temporal-workers";
import { DevProcess } from "./harness/dev-process.js";

const CLI = join(import.meta.dirname, "../bin/stint.mjs");
const project = join(mkdtempSync(join(tmpdir(), "stint-cli-restart-")), "project");
cpSync(join(import.meta.dirname, "fixtures/dev-project"), project, { recursive: true });

let dev: DevProcess | undefined;

function startDev(): DevProcess {
  const { TRIGGER_API_URL: _url, TRIGGER_SECRET_KEY: _key, TEMPORAL_ADDRESS: _address, ...env } = process.env;
  dev = new DevProcess(
    spawn(process.execPath, [CLI, "dev", "--no-watch"], { cwd: project, stdio: ["ignore", "pipe", "pipe"], env }),
  );
  return dev;
}

async function stopDev(): Promise<void> {
  if (!dev || dev.child.exitCode !== null) return;
  const exited = new Promise((r) => dev!.child.once("exit", r));
  dev.child.kill("SIGTERM");
  await exited;
}

afterEach(stopDev);

const addressOf = (output: string) => /Temporal:\s+(127\.0\.0\.1:\d+) \(dev server/.exec(output)?.[1];

describe("standalone stint dev", () => {
  it("keeps its Temporal port across restarts", { timeout: 600_000 }, async () => {
    const first = startDev();
    await first.waitFor("Registered tasks: greet, shout", 0, 400_000);
    const address = addressOf(first.output);
    expect(address).toBeDefined();
    expect(JSON.parse(readFileSync(join(project, ".stint/temporal-ports.json"), "utf8")).port).toBe(
      Number(address!.split(":")[1]),
    );
    await stopDev();

    const second = startDev();
    await second.waitFor("Registered tasks: greet, shout", 0, 400_000);
    expect(addressOf(second.output)).toBe(address);
  });

  it("restarts its Temporal dev server on the same port when it is killed, and runs go on", {
    timeout: 600_000,
  }, async () => {
    const session = startDev();
    await session.waitFor("Registered tasks: greet, shout", 0, 400_000);
    const address = addressOf(session.output)!;
    const pid = Number(readFileSync(join(project, ".stint/temporal.pid"), "utf8"));
    const mark = session.output.length;
    process.kill(pid, "SIGKILL");
    await session.waitFor("The Temporal dev server was killed (SIGKILL); restarting it on the same port", mark);
    await session.waitFor(`The Temporal dev server is back at ${address}`, mark);

    const connection = await Connection.connect({ address });
    try {
      const engine = new StintEngineClient({
        client: new Client({ connection, dataConverter: stintDataConverter }),
        workflowTaskQueue: "stint-dev",
        attemptQueue: "stint-dev",
        environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: "proj_cli_fixture" },
      });
      const handle = await engine.trigger({ task: "greet", payload: { name: "again" } });
      let state = await engine.runState(handle.id);
      for (
        const deadline = Date.now() + 90_000;
        state.status !== "COMPLETED" && Date.now() < deadline;
        await new Promise((r) => setTimeout(r, 200))
      ) {
        state = await engine.runState(handle.id).catch(() => state);
      }
      expect(state.status).toBe("COMPLETED");
    } finally {
      await connection.close();
    }
    // Quiet: no warning per failed poll while the server was down.
    expect(session.output.slice(mark)).not.toMatch(/WARN|retried \d+ times/);
  });
});

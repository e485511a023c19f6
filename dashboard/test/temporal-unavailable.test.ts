/**
 * When Temporal is down, the webapp answers reads with a clear 503 and a Retry-After within seconds (not a 500 after
 * a minute), accepts triggers without an idempotency key into the outbox (saying the engine is unreachable), logs one
 * line when it loses Temporal and one when it is back, and starts the accepted runs once Temporal returns. Uses a
 * Temporal dev server of its own (the test stops it) and the real `@trigger.dev/sdk`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiError, configure, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import {
  connectTemporal,
  InProcessExecutor,
  createStintWorkers,
  freePort,
  startDevServer,
  type DevServer,
  type StintWorkers,
} from "@stint/temporal-workers";
import { Client, type Connection } from "@temporalio/client";
import { createOrganization, createProject, startWebapp, type CreatedProject, type Webapp } from "../src/index.js";
import { createTestDatabase } from "./harness/index.js";

const echo = task({ id: "unavailable-echo", run: async (payload: { n: number }) => ({ n: payload.n }) });

const stateDir = mkdtempSync(join(tmpdir(), "stint-unavailable-"));
const dbFile = join(stateDir, "temporal.db");
let port: number;
let temporal: DevServer;
let webapp: Webapp;
let dev: CreatedProject["environments"][number];
let workers: StintWorkers | undefined;
let connection: Connection | undefined;
const lines: string[] = [];

const startTemporal = async () => (temporal = await startDevServer({ dbFile, port, headless: true }));

let session: { id: string; attemptQueue: string } | undefined;
let heartbeat: NodeJS.Timeout | undefined;

/** As a `stint dev` session does: registers the task once, heartbeats, and polls the session's attempt queue. */
async function serveEcho(): Promise<void> {
  const sessionApi = (path: string, body: unknown) =>
    fetch(`${webapp.url}/engine/v1/dev/sessions${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  if (!session) {
    session = (await (await sessionApi("", { tasks: [echo.id] })).json()) as { id: string; attemptQueue: string };
    heartbeat = setInterval(() => void sessionApi(`/${session!.id}/heartbeat`, {}).catch(() => undefined), 10_000);
    heartbeat.unref();
  }
  connection = await connectTemporal({ address: temporal.address });
  workers = await createStintWorkers({
    client: new Client({ connection }),
    address: temporal.address,
    workflowTaskQueue: "unused",
    runEngine: false,
    attempts: { taskQueue: session.attemptQueue, executor: new InProcessExecutor() },
  });
  void workers.run();
}

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const health = async () =>
  (await (await fetch(`${webapp.url}/healthz`)).json()) as { temporal: { reachable: boolean } };

beforeAll(async () => {
  port = await freePort();
  await startTemporal();
  webapp = await startWebapp({
    port: 0,
    databaseUrl: await createTestDatabase(),
    temporal: { address: temporal.address },
    engineTaskQueue: "stint-engine-unavailable",
    bootstrap: false,
    ui: false,
    dataDir: stateDir,
    github: null,
    log: (line) => lines.push(line),
  });
  const org = await createOrganization(webapp.db, "Unavailable");
  const project = await createProject(webapp.db, org.id, "Unavailable");
  dev = project.environments.find((env) => env.type === "DEVELOPMENT")!;
  configure({ baseURL: webapp.url, accessToken: dev.secretKey });
  await serveEcho();
}, 600_000);

afterAll(async () => {
  clearInterval(heartbeat);
  // Workers only stop cleanly with Temporal there (a failed test may have left it down).
  if (temporal && (temporal.process.exitCode !== null || temporal.process.signalCode !== null)) await startTemporal();
  await workers?.shutdown();
  await connection?.close();
  await webapp?.stop();
  await temporal?.stop();
}, 600_000);

describe("Temporal unavailable", () => {
  it("reads answer 503 with Retry-After within seconds, triggers are accepted, and runs start once Temporal is back", {
    timeout: 600_000,
  }, async () => {
    const before = await tasks.trigger("unavailable-echo", { n: 1 });
    expect((await runs.poll(before, { pollIntervalMs: 200 })).output).toEqual({ n: 1 });

    const errors = vi.spyOn(console, "error");
    temporal.process.kill("SIGKILL");
    await new Promise((r) => temporal.process.once("exit", r));

    // The first read, before the webapp noticed: bounded by the request's deadline, answered 503 (the SDK would retry).
    let started = Date.now();
    const first = await runs.retrieve(before.id, { retry: { maxAttempts: 1 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(first).toBeInstanceOf(ApiError);
    expect((first as ApiError).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(15_000);

    // Once it knows (its own probe), every read fails fast.
    await until(
      "the webapp to see Temporal gone",
      async () => ((await health()).temporal.reachable ? undefined : true),
      30_000,
    );
    for (let i = 0; i < 3; i++) {
      started = Date.now();
      const response = await fetch(`${webapp.url}/api/v3/runs/${before.id}`, {
        headers: { authorization: `Bearer ${dev.secretKey}` },
      });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(((await response.json()) as { error: string }).error).toMatch(/Temporal.*unreachable.*retry/);
      expect(elapsed).toBeLessThan(5_000);
    }
    // The real SDK retries a 503 (five tries with backoff), then throws it: still well under a minute.
    started = Date.now();
    const retried = await runs.retrieve(before.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((retried as ApiError).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(40_000);

    // A trigger without an idempotency key lands in the outbox (nothing is lost) and says the engine is unreachable.
    const accepted = await fetch(`${webapp.url}/api/v1/tasks/unavailable-echo/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ payload: { n: 2 } }),
    });
    expect(accepted.status).toBe(200);
    const body = (await accepted.json()) as { id: string; warning?: string };
    expect(body.warning).toMatch(/unreachable/);
    // With an idempotency key the key must be claimed on Temporal first: a 503, fast.
    started = Date.now();
    const keyed = await tasks
      .trigger("unavailable-echo", { n: 3 }, { idempotencyKey: "while-down" }, { retry: { maxAttempts: 1 } })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect((keyed as ApiError).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5_000);

    // Quiet: one line when Temporal was lost; the dispatcher and the run index wait without a line per second (a
    // pass that was under way when Temporal went may still say it failed).
    await new Promise((r) => setTimeout(r, 3_000));
    expect(lines.filter((line) => /lost Temporal/.test(line))).toHaveLength(1);
    const noise = errors.mock.calls.map((args) => args.join(" ")).filter((line) => /dispatcher|run-index/.test(line));
    expect(noise.length).toBeLessThanOrEqual(2);
    errors.mockRestore();

    // Back on the same port and state: the webapp reconnects by itself, the accepted run starts and completes.
    await startTemporal();
    await until(
      "the webapp to see Temporal back",
      async () => ((await health()).temporal.reachable ? true : undefined),
      60_000,
    );
    expect(
      lines.filter((line) => /^\[webapp\] Temporal at .* is back$/.test(line)),
      lines.join("\n"),
    ).toHaveLength(1);
    await workers?.shutdown();
    await connection?.close();
    await serveEcho();
    const after = await until("the accepted run to complete", async () => {
      const run = await runs.retrieve(body.id);
      return run.status === "COMPLETED" ? run : undefined;
    });
    expect(after.output).toEqual({ n: 2 });
    expect((await runs.retrieve(before.id)).status).toBe("COMPLETED");
  });
});

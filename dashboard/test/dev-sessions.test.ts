/**
 * Several `stint dev` sessions share one development environment without taking each other's runs: a run goes to
 * a session that registered its task, and waits QUEUED while none has (Trigger.dev users ask for this: PR #3955).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client, Connection } from "@temporalio/client";
import { DevProcess } from "@stint/cli/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { stintDataConverter } from "@stint/temporal-workers";
import { sqlPool } from "../src/server/database/prisma-client.js";
import { DevSessionRouter } from "../src/server/dev-sessions/session-router.js";

const CLI = join(import.meta.dirname, "../../cli/bin/stint.mjs");
/** Starting `stint dev` (bundling, a runner loading the bundle, registering) took over a minute on a loaded 2-core host. */
const START_MS = 240_000;
let t: TestWebapp;
let sessionA: DevProcess;
let sessionB: DevProcess;
let projectB: string;

function startSession(cwd: string): DevProcess {
  const { TEMPORAL_ADDRESS: _unused, ...env } = process.env;
  const child = spawn(process.execPath, [CLI, "dev", "--no-watch"], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, TRIGGER_API_URL: t.webapp.url, TRIGGER_SECRET_KEY: t.dev.secretKey },
  });
  return new DevProcess(child);
}

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${t.webapp.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
  });
  return (await response.json()) as {
    id: string;
    status: string;
    output?: unknown;
    isCompleted: boolean;
    statusReason?: string;
  };
}

async function runToEnd(taskId: string, payload: unknown) {
  const { id } = await api(`/api/v1/tasks/${taskId}/trigger`, { method: "POST", body: JSON.stringify({ payload }) });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const run = await api(`/api/v3/runs/${id}`);
    if (run.isCompleted) return run;
  }
  throw new Error(`run ${id} did not finish`);
}

beforeAll(async () => {
  t = await startTestWebapp();
  const root = mkdtempSync(join(tmpdir(), "stint-sessions-"));
  const projectA = join(root, "a");
  cpSync(join(import.meta.dirname, "../../cli/test/fixtures/dev-project"), projectA, { recursive: true });
  // Two folders of one project (its ref in both configs), as a monorepo's services would be.
  writeFileSync(
    join(projectA, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${t.project.ref}", maxDuration: 60 });\n`,
  );
  projectB = join(root, "b");
  mkdirSync(join(projectB, "src/trigger"), { recursive: true });
  writeFileSync(
    join(projectB, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${t.project.ref}", maxDuration: 60 });\n`,
  );
  writeFileSync(
    join(projectB, "src/trigger/echo.ts"),
    `import { logger, task } from "@trigger.dev/sdk";\nexport const echo = task({ id: "echo-b", run: async (p: { text: string }) => { logger.info("echoing", { text: p.text }); return "b:" + p.text; } });\n`,
  );
  writeFileSync(
    join(projectB, "src/trigger/big.ts"),
    `import { task } from "@trigger.dev/sdk";\nexport const big = task({ id: "big-b", run: async (p: { kb: number }) => ({ blob: "b".repeat(p.kb * 1024) }) });\n`,
  );
  writeFileSync(
    join(projectB, "src/trigger/tick.ts"),
    `import { schedules } from "@trigger.dev/sdk";\nexport const tick = schedules.task({ id: "tick-b", cron: { pattern: "*/5 * * * *", timezone: "Asia/Tokyo" }, run: async (p) => ({ scheduleId: p.scheduleId, type: p.type, at: p.timestamp.toISOString() }) });\n`,
  );
  sessionA = startSession(projectA);
  sessionB = startSession(projectB);
  await sessionA.waitFor("Registered tasks: greet, shout", 0, START_MS);
  await sessionB.waitFor("Registered tasks: big-b, echo-b, tick-b", 0, START_MS);
}, 2 * START_MS);

afterAll(async () => {
  sessionA?.child.kill("SIGTERM");
  sessionB?.child.kill("SIGTERM");
  await t?.stop();
});

describe("dev sessions sharing an environment", () => {
  it("each run goes to the session that registered its task, children included", async () => {
    const greet = await runToEnd("greet", { name: "ada" });
    expect(greet.status).toBe("COMPLETED");
    expect(greet.output).toMatchObject({ text: "Hello ada", loud: "ADA" });
    const echo = await runToEnd("echo-b", { text: "hi" });
    expect(echo.output).toBe("b:hi");

    expect(sessionA.output).toContain(greet.id);
    expect(sessionA.output).not.toContain(echo.id);
    expect(sessionB.output).toContain(echo.id);
    expect(sessionB.output).not.toContain(greet.id);
  });

  it("a burst of executions shares the reads of the live sessions, and each still finds its session", async () => {
    const router = new DevSessionRouter(t.webapp.db);
    const pool = sqlPool(t.webapp.db);
    const query = pool.query.bind(pool);
    let reads = 0;
    // A counter around the real pool's query: the statements still run on PostgreSQL.
    pool.query = ((...args: Parameters<typeof query>) => {
      if (String(args[0]).includes('FROM "DevSession"')) reads++;
      return query(...args);
    }) as typeof pool.query;
    try {
      const routes = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          router.route({
            environmentId: t.dev.id,
            taskIdentifier: i % 2 ? "greet" : "echo-b",
            runId: `run_burst_${i}`,
          }),
        ),
      );
      const queues = new Set(routes.map((route, i) => `${i % 2}:${"taskQueue" in route ? route.taskQueue : "none"}`));
      // Two sessions, one queue each: every greet to A's, every echo-b to B's.
      expect(queues.size).toBe(2);
      expect([...queues].every((queue) => !queue.endsWith(":none"))).toBe(true);
      expect(reads).toBeGreaterThanOrEqual(1);
      expect(reads).toBeLessThanOrEqual(2);
      // One asked after that burst reads again: it is not answered from an earlier read.
      await router.route({ environmentId: t.dev.id, taskIdentifier: "greet", runId: "run_after_burst" });
      expect(reads).toBeLessThanOrEqual(3);
      expect(reads).toBeGreaterThanOrEqual(2);
    } finally {
      pool.query = query;
    }
  });

  it("a run of a task no session registered waits QUEUED, saying why, instead of failing in another session", async () => {
    const { id } = await api("/api/v1/tasks/nobody-has-this/trigger", {
      method: "POST",
      body: JSON.stringify({ payload: {} }),
    });
    await expect
      .poll(async () => (await api(`/api/v3/runs/${id}`)).statusReason, { timeout: 20_000 })
      .toMatch(
        /^None of the 2 stint dev sessions connected to this environment serve task "nobody-has-this" \(they serve: big-b, echo-b, greet, shout, tick-b\)/,
      );
    expect((await api(`/api/v3/runs/${id}`)).status).toBe("QUEUED");
    expect(sessionA.output + sessionB.output).not.toContain(id);
  });

  it("a session ships its runs' logs to the webapp's event store", async () => {
    const echo = await runToEnd("echo-b", { text: "logged" });
    await expect
      .poll(
        async () =>
          (await t.webapp.db.runEvent.findMany({ where: { runId: echo.id } })).map((e) => [
            e.level,
            e.message,
            (e.attributes as { text?: string }).text,
          ]),
        { timeout: 10_000 },
      )
      .toEqual([["info", "echoing", "logged"]]);
    // A log line with a NUL character (PostgreSQL cannot store it) is kept, with U+FFFD in its place.
    const shipped = await api("/engine/v1/runs/logs", {
      method: "POST",
      body: JSON.stringify({
        logs: [{ runId: echo.id, level: "warn", message: "bytes: a\u0000b", time: new Date().toISOString() }],
      }),
    });
    expect(shipped).toEqual({ accepted: 1 });
    const kept = await t.webapp.db.runEvent.findMany({ where: { runId: echo.id, level: "warn" } });
    expect(kept.map((e) => e.message)).toEqual(["bytes: a\uFFFDb"]);
  });

  it("a session's output past 128 KB goes to the webapp's store through the packets API and reads back whole", async () => {
    const run = (await runToEnd("big-b", { kb: 300 })) as unknown as {
      status: string;
      output?: unknown;
      outputPresignedUrl?: string;
    };
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toBeUndefined();
    expect(run.outputPresignedUrl).toMatch(new RegExp(`^${t.webapp.url}/objects/v1/packets/${t.dev.id}/`));
    const stored = (await (await fetch(run.outputPresignedUrl!)).json()) as { blob: string };
    expect(stored.blob).toBe("b".repeat(300 * 1024));
  });

  it("a schedule declared in code becomes a DECLARATIVE schedule whose firings the session runs", async () => {
    const listed = (await (
      await fetch(`${t.webapp.url}/api/v1/schedules`, { headers: { authorization: `Bearer ${t.dev.secretKey}` } })
    ).json()) as {
      data: { id: string; type: string; task: string; timezone: string; generator: { expression: string } }[];
    };
    const tick = listed.data.find((s) => s.task === "tick-b")!;
    expect(tick).toMatchObject({
      type: "DECLARATIVE",
      timezone: "Asia/Tokyo",
      generator: { expression: "*/5 * * * *" },
    });
    const connection = await Connection.connect({ address: inject("temporalAddress") });
    await new Client({ connection, dataConverter: stintDataConverter }).schedule.getHandle(tick.id).trigger();
    await connection.close();
    await expect.poll(() => sessionB.output.includes("✔ completed tick-b"), { timeout: 20_000 }).toBe(true);
  });

  it("sessions are recorded with their tasks for the dashboard", async () => {
    const sessions = await t.webapp.db.devSession.findMany({ where: { environmentId: t.dev.id } });
    expect(sessions.map((s) => s.tasks.join(",")).sort()).toEqual(["big-b,echo-b,tick-b", "greet,shout"]);
  });

  it(
    "a session that stops gets no more runs; a run waiting for its task starts when a session registers it",
    async () => {
      sessionB.child.kill("SIGTERM");
      await new Promise((r) => sessionB.child.once("exit", r));
      const ended = await t.webapp.db.devSession.findFirstOrThrow({
        where: { environmentId: t.dev.id, tasks: { has: "echo-b" } },
      });
      expect(ended.endedAt).not.toBeNull();

      const { id } = await api("/api/v1/tasks/echo-b/trigger", {
        method: "POST",
        body: JSON.stringify({ payload: { text: "later" } }),
      });
      await expect
        .poll(async () => (await api(`/api/v3/runs/${id}`)).statusReason, { timeout: 20_000 })
        .toMatch(/does not serve task "echo-b" \(it serves: greet, shout\)/);
      expect(sessionB.output).not.toContain(id);

      const restarted = startSession(projectB);
      try {
        await restarted.waitFor("Registered tasks: big-b, echo-b, tick-b", 0, START_MS);
        await expect.poll(async () => (await api(`/api/v3/runs/${id}`)).status, { timeout: 60_000 }).toBe("COMPLETED");
        expect((await api(`/api/v3/runs/${id}`)).output).toBe("b:later");
        expect(restarted.output).toContain(id);
      } finally {
        restarted.child.kill("SIGTERM");
      }
    },
    START_MS + 120_000,
  );
});

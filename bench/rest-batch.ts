/**
 * A batch of no-op runs through the REST API with a `stint dev` session, against raw Temporal doing the same number of
 * workflow + one no-op activity round trips (bench/raw-workflow.ts) on the same dev server.
 *
 *   npm run bench:batch -- [--runs 1000] [--modes plain,keep-alive]
 *
 * raw: every workflow started at once; wall time from the first start call to the last result.
 * Stint: one `POST /api/v1/tasks/batch` (as the SDK's batchTrigger; chunks of 1,000 items if --runs is larger) to a
 * real webapp (PostgreSQL) with a real `stint dev` session of a one-task project; wall time from the request to the
 * last run's end, awaited as raw awaits its workflows (each run's workflow result; a run still in the API's outbox is
 * asked again every 250 ms). After the timing every run must read COMPLETED through `GET /api/v3/runs/{id}`. Twice:
 * the project as `stint init` writes it (a runner process per execution), then with `processKeepAlive: true`.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Client, Connection, WorkflowNotFoundError } from "@temporalio/client";
import { NativeConnection, Worker, bundleWorkflowCode } from "@temporalio/worker";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { createOrganization, createProject, startWebapp } from "@stint/dashboard";
import { MAX_BATCH_ITEMS } from "@stint/sdk/runtime";
import { parseArgs } from "./args.js";
import { benchDatabase, startDevSession } from "./dev-session.js";

const argsSchema = z.object({
  runs: z.coerce.number().int().positive().default(1_000),
  /** Which Stint projects to measure: `plain` (a runner process per execution), `keep-alive` (processKeepAlive). */
  modes: z
    .string()
    .default("plain,keep-alive")
    .transform((list) => list.split(","))
    .pipe(z.array(z.enum(["plain", "keep-alive"])).min(1)),
});

const POLL_MS = 250;

/** A project of one no-op task with no queue limit: the batch measures the platform, not a concurrency cap. */
function writeNoopProject(dir: string, projectRef: string, keepAlive: boolean): void {
  mkdirSync(join(dir, "src/trigger"), { recursive: true });
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${projectRef}", maxDuration: 60${keepAlive ? ", processKeepAlive: true" : ""} });\n`,
  );
  writeFileSync(
    join(dir, "src/trigger/noop.ts"),
    `import { task } from "@trigger.dev/sdk";\nexport const noop = task({ id: "noop", run: async () => ({ ok: true }) });\n`,
  );
}

async function rawBatch(address: string, runs: number): Promise<number> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `bench-raw-batch-${randomUUID().slice(0, 8)}`;
  // Closed at the end: an open native connection keeps the SDK's native runtime, and so the process, alive.
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL("./raw-workflow.ts", import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    }),
    activities: { async noop() {} },
  });
  const running = worker.run();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const handle = await client.workflow.start("rawWorkflow", { taskQueue, workflowId: `raw_${randomUUID()}` });
      await handle.result();
    }),
  );
  const wall = performance.now() - t0;
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  return wall;
}

async function stintBatch(address: string, runs: number, keepAlive: boolean): Promise<number> {
  const webapp = await startWebapp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "stint-bench-batch-")),
    databaseUrl: await benchDatabase("stint_bench"),
    temporal: { address },
    bootstrap: false,
    ui: false,
  });
  const org = await createOrganization(webapp.db, "Bench");
  const project = await createProject(webapp.db, org.id, "Bench", ["DEVELOPMENT"]);
  const env = project.environments[0]!;
  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${webapp.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${env.secretKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // 503: the engine is busy (the batch saturates it on a 2-core machine); the poll asks again next round.
    if (response.status === 503 && body === undefined) return undefined;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any> | undefined;
  };

  const dir = mkdtempSync(join(tmpdir(), "stint-bench-batch-project-"));
  writeNoopProject(dir, project.ref, keepAlive);
  const session = await startDevSession(dir, webapp.url, env.secretKey);
  // One warm-up run, so the session's first attempt (module load) is not part of the batch.
  const warm = await api("/api/v1/tasks/noop/trigger", { payload: {} });
  while (!(await api(`/api/v3/runs/${warm!.id}`))?.isCompleted) await new Promise((r) => setTimeout(r, 100));

  const t0 = performance.now();
  const chunks = Array.from({ length: Math.ceil(runs / MAX_BATCH_ITEMS) }, (_, c) =>
    Array.from({ length: Math.min(MAX_BATCH_ITEMS, runs - c * MAX_BATCH_ITEMS) }, (_, i) => ({
      task: "noop",
      payload: { n: c * MAX_BATCH_ITEMS + i },
    })),
  );
  const runIds = (
    await Promise.all(chunks.map(async (items) => (await api("/api/v1/tasks/batch", { items }))!.runs as string[]))
  ).flat();
  // Each run's end as raw Temporal's side sees its own: the workflow's result (the run id is its workflow id). A run
  // still in the outbox is not on Temporal yet: asked again shortly.
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const closed = new Map<string, number>();
  const results = Promise.all(
    runIds.map(async (id) => {
      for (;;) {
        try {
          await client.workflow.getHandle(id).result();
          closed.set(id, performance.now() - t0);
          return;
        } catch (error) {
          if (!(error instanceof WorkflowNotFoundError)) throw error;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
      }
    }),
  );
  const sessionExit = once(session.child, "exit").then(() => {
    throw new Error(`stint dev exited during the batch:\n${session.output()}`);
  });
  // Handled here too: the session exits on purpose at the end, after the race.
  sessionExit.catch(() => undefined);
  await Promise.race([results, sessionExit]);
  const wall = performance.now() - t0;
  if (runIds.length !== runs) throw new Error(`${runIds.length} of ${runs} runs triggered`);
  // Outside the timing: every run reads COMPLETED through the REST API, as the SDK's runs.retrieve sees it.
  for (const id of runIds) {
    let run = await api(`/api/v3/runs/${id}`);
    while (!run) run = await api(`/api/v3/runs/${id}`);
    if (run.status !== "COMPLETED") throw new Error(`run ${id}: ${run.status}`);
  }
  const started = await Promise.all(
    runIds.map(async (id) => (await client.workflow.getHandle(id).describe()).startTime.getTime()),
  );
  const firstStart = Math.min(...started);
  const ends = [...closed.values()].sort((a, b) => a - b);
  process.stderr.write(
    `  accepted → all runs started on Temporal: ${((Math.max(...started) - firstStart) / 1000).toFixed(2)} s ` +
      `after the first; closed: half at ${(ends[Math.floor(ends.length / 2)]! / 1000).toFixed(2)} s, ` +
      `last at ${(ends.at(-1)! / 1000).toFixed(2)} s\n`,
  );
  await connection.close();

  await session.stop();
  await webapp.stop();
  return wall;
}

async function main(): Promise<void> {
  const args = parseArgs(argsSchema, process.argv.slice(2));
  installRuntimeLogger("ERROR");
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  const temporal = await startDevServer({ headless: true });
  process.stderr.write(`raw Temporal: ${args.runs} workflows…\n`);
  const raw = await rawBatch(temporal.address, args.runs);
  const measured: [name: string, wall: number][] = [];
  if (args.modes.includes("plain")) {
    process.stderr.write(`Stint: a batch of ${args.runs} through the REST API with a stint dev session…\n`);
    measured.push(["Stint (REST batch, `stint dev`)", await stintBatch(temporal.address, args.runs, false)]);
  }
  if (args.modes.includes("keep-alive")) {
    process.stderr.write(`Stint: the same with processKeepAlive…\n`);
    measured.push(["Stint, `processKeepAlive: true`", await stintBatch(temporal.address, args.runs, true)]);
  }
  await temporal.stop();

  const row = (name: string, wall: number) =>
    `| ${name} | ${args.runs} | ${(wall / 1000).toFixed(2)} s | ${((args.runs / wall) * 1000).toFixed(1)} | ${(wall / raw).toFixed(2)}× |`;
  const command = ["npm run bench:batch", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])];
  console.log(`\n\`${command.join(" ")}\`; load average at start ${load}\n`);
  console.log("| system | runs | wall time | runs/s | ratio to raw |");
  console.log("| --- | --- | --- | --- | --- |");
  console.log(row("raw Temporal (workflow + no-op activity)", raw));
  for (const [name, wall] of measured) console.log(row(name, wall));
  for (const [name, wall] of measured)
    console.log(`\n${name}: ${(wall / raw).toFixed(2)}× raw (target ≤ 1.5×) ${wall / raw <= 1.5 ? "PASS" : "MISS"}`);
  process.exit(0);
}

await main();

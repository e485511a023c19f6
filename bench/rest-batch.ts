/**
 * A batch of no-op runs through the REST API with a `stint dev` session, against raw Temporal doing the same number of
 * workflow + one no-op activity round trips (bench/raw-workflow.ts) on the same dev server.
 *
 *   npm run bench:batch -- [--runs 1000] [--modes plain,keep-alive,shaped] [--env-limit N] [--rounds N] [--stages]
 *                           [--store memory|file]
 *
 * raw: every workflow started at once; wall time from the first start call to the last result. Measured before the
 * Stint phases and again after them; ratios are to the mean of the two (the host's speed drifts). `--rounds N` runs
 * the Stint phases N times, each round followed by raw again, and judges the target on the median of the rounds'
 * ratios: one run's ratio moves by ±0.15 on this host, more than most changes it is meant to measure.
 * Stint: one `POST /api/v1/tasks/batch` (as the SDK's batchTrigger; chunks of 1,000 items if --runs is larger) to a
 * real webapp (PostgreSQL) with a real `stint dev` session of a one-task project; wall time from the request to the
 * last run's end, awaited as raw awaits its workflows (each run's workflow result; a run still in the API's outbox is
 * asked again every 250 ms). After the timing every run must read COMPLETED through `GET /api/v3/runs/{id}`. Twice:
 * the project as `stint init` writes it (a runner process per execution), then with `processKeepAlive: true`, in a
 * new dev environment (concurrency limit 25, burst factor 2: up to 50 runs at once; `--env-limit` sets the limit).
 * `shaped`: raw Temporal again, shaped like a Stint run for the server (bench/raw-workflow.ts): the share of the
 * ratio that comes from what a run is (an attempt on the session's queue, searchable, its payloads), not from Stint's
 * code. Each phase prints one run's history, the server's requests per run and the CPU seconds each process used.
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Client, Connection, WorkflowNotFoundError } from "@temporalio/client";
import proto from "@temporalio/proto";
import { NativeConnection, Worker, bundleWorkflowCode } from "@temporalio/worker";
import { installRuntimeLogger, SA, startDevServer, type DevServer } from "@stint/temporal-workers";
import { shapedWorkflow, type RunShape } from "./raw-workflow.js";
import { createOrganization, createProject, startWebapp } from "@stint/dashboard";
import { MAX_BATCH_ITEMS } from "@stint/sdk/runtime";
import { parseArgs } from "./args.js";
import { benchDatabase, startDevSession } from "./dev-session.js";
import { formatCpu, sampleProcessCpu, type ProcessClassifier } from "./process-cpu.js";
import { median, ms, percentile } from "./stats.js";

const argsSchema = z
  .object({
    runs: z.coerce.number().int().positive().default(1_000),
    /**
     * What to measure besides raw: the Stint project as `stint init` writes it (`plain`: a runner process per
     * execution) and with processKeepAlive (`keep-alive`); `shaped`: raw Temporal shaped like the last Stint run.
     */
    modes: z
      .string()
      .default("plain,keep-alive,shaped")
      .transform((list) => list.split(","))
      .pipe(z.array(z.enum(["plain", "keep-alive", "shaped"])).min(1))
      .refine((modes) => !modes.includes("shaped") || modes.length > 1, {
        message: "shaped needs a Stint mode too (it takes a Stint run's payload sizes): add plain or keep-alive",
      }),
    /** The dev environment's concurrency limit (default: a new environment's, 25 with burst factor 2). */
    envLimit: z.coerce.number().int().positive().optional(),
    /** Stint phases, each followed by raw Temporal again; the target is judged on the median ratio. */
    rounds: z.coerce.number().int().min(1).max(20).default(1),
    /** After each phase, where its runs' time went (from their histories: a few seconds more per phase). */
    stages: z.boolean().default(false),
    /** Temporal's store: in memory, or a SQLite file as `npm start` and compose keep it (write-ahead log). */
    store: z.enum(["memory", "file"]).default("memory"),
  })
  // A mistyped flag is an error, not a default silently measured.
  .strict();

const POLL_MS = 250;

/** The processes a phase's CPU is split over; `inBench`: what this process hosts in the phase. */
function classifier(inBench: string, devSessionPid?: number): ProcessClassifier {
  return (pid, [command = "", ...args]) => {
    if (pid === process.pid) return inBench;
    if (command.endsWith("/temporal")) return "Temporal server";
    if (command.startsWith("postgres")) return "PostgreSQL";
    if (pid === devSessionPid) return "stint dev";
    if (args.some((arg) => arg.includes("runner"))) return "runners";
    return undefined;
  };
}

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

/** The Temporal server's request counts by operation (its Prometheus endpoint): what a phase asked of it. */
async function serverRequests(metricsPort: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    // What clients and workers asked (the frontend service); its own services count each request again.
    if (!line.startsWith("service_requests{") || !line.includes('service_name="frontend"')) continue;
    const operation = /operation="([^"]+)"/.exec(line)?.[1];
    if (operation) counts.set(operation, (counts.get(operation) ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return counts;
}

/** Requests per run by operation between two samples, the most frequent first. */
function requestsPerRun(before: Map<string, number>, after: Map<string, number>, runs: number): string {
  return [...after]
    .map(([operation, count]) => [operation, (count - (before.get(operation) ?? 0)) / runs] as const)
    .filter(([, perRun]) => perRun >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([operation, perRun]) => `${operation} ${perRun.toFixed(1)}`)
    .join(", ");
}

/** What one run costs the Temporal server: its history's events, by type. */
async function historySummary(client: Client, workflowId: string): Promise<string> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const byType = new Map<string, number>();
  for (const event of events ?? []) {
    const type = proto.temporal.api.enums.v1.EventType[event.eventType ?? 0]!.replace(/^EVENT_TYPE_/, "");
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  const types = [...byType].map(([type, count]) => `${type}${count > 1 ? ` ×${count}` : ""}`).join(", ");
  return `one run's history: ${events?.length ?? 0} events (${types})`;
}

/**
 * Where a phase's runs spent their time, from their histories (p50 / p90 over the runs): from the phase's start to the
 * workflow's start on Temporal (Stint: the API's outbox and admission), to its attempt scheduled (the first workflow
 * task), to the attempt picked up by a worker (matching: the session's or the worker's queue), the attempt itself, and
 * from its end to the workflow's close (the last workflow task).
 */
async function stageSummary(client: Client, workflowIds: string[], phaseStart: number): Promise<string> {
  const EventType = proto.temporal.api.enums.v1.EventType;
  const stages: Record<string, number[]> = { started: [], scheduled: [], pickedUp: [], attempt: [], closed: [] };
  const at = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < workflowIds.length) {
        const { events } = await client.workflow.getHandle(workflowIds[next++]!).fetchHistory();
        const first = (type: number) => at(events?.find((e) => e.eventType === type)?.eventTime);
        const started = first(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
        const scheduled = first(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
        const pickedUp = first(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED);
        const completed = first(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
        const closed = at(events?.at(-1)?.eventTime);
        stages.started!.push(started - phaseStart);
        stages.scheduled!.push(scheduled - started);
        stages.pickedUp!.push(pickedUp - scheduled);
        stages.attempt!.push(completed - pickedUp);
        stages.closed!.push(closed - completed);
      }
    }),
  );
  const names: Record<string, string> = {
    started: "phase start → workflow started",
    scheduled: "→ attempt scheduled",
    pickedUp: "→ picked up",
    attempt: "→ attempt done",
    closed: "→ closed",
  };
  const parts = Object.entries(stages).map(
    ([key, values]) => `${names[key]} ${ms(percentile(values, 50))} / ${ms(percentile(values, 90))}`,
  );
  return `where the runs' time went (p50 / p90): ${parts.join(", ")}`;
}

interface PayloadSizes {
  input: number;
  activityInput: number;
  activityResult: number;
  result: number;
}

/** The sizes of a run's payloads in its history (bytes): what the shaped baseline sends. */
async function payloadSizes(client: Client, workflowId: string): Promise<PayloadSizes> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  const bytes = (payloads: { payloads?: { data?: Uint8Array | null }[] | null } | null | undefined) =>
    (payloads?.payloads ?? []).reduce((sum, payload) => sum + (payload.data?.length ?? 0), 0);
  const sizes: PayloadSizes = { input: 0, activityInput: 0, activityResult: 0, result: 0 };
  for (const event of events ?? []) {
    sizes.input += bytes(event.workflowExecutionStartedEventAttributes?.input);
    sizes.activityInput += bytes(event.activityTaskScheduledEventAttributes?.input);
    sizes.activityResult += bytes(event.activityTaskCompletedEventAttributes?.result);
    sizes.result += bytes(event.workflowExecutionCompletedEventAttributes?.result);
  }
  return sizes;
}

/**
 * Raw Temporal shaped like a Stint run for the server (see shapedWorkflow): the attempt's activity on a second
 * worker's task queue, the run's search attributes and memo at start, one upsert, payloads of the run's sizes.
 */
async function shapedBatch(temporal: DevServer, runs: number, sizes: PayloadSizes): Promise<number> {
  const { address } = temporal;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `bench-shaped-${randomUUID().slice(0, 8)}`;
  const activityQueue = `${taskQueue}-attempts`;
  const workerConnection = await NativeConnection.connect({ address });
  const workflows = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await rawWorkflowBundle(),
  });
  const attempts = await Worker.create({
    connection: workerConnection,
    taskQueue: activityQueue,
    activities: {
      async echo(_input: string, resultBytes: number) {
        return "r".repeat(resultBytes);
      },
    },
  });
  const running = Promise.all([workflows.run(), attempts.run()]);
  const shape: RunShape = {
    activityQueue,
    activityInput: "i".repeat(sizes.activityInput),
    activityResult: sizes.activityResult,
    result: "o".repeat(sizes.result),
  };
  // The start's input is the shape (its strings are about the run's input and result sizes together).
  const requests = await serverRequests(temporal.metricsPort);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: runs }, async () => {
      const now = new Date();
      const handle = await client.workflow.start(shapedWorkflow, {
        taskQueue,
        workflowId: `shaped_${randomUUID()}`,
        args: [shape],
        typedSearchAttributes: [
          { key: SA.taskId, value: "noop" },
          { key: SA.environment, value: "dev" },
          { key: SA.status, value: "QUEUED" },
          { key: SA.updatedAt, value: now },
          { key: SA.batchId, value: "batch_bench" },
        ],
        memo: { createdAt: now.toISOString() },
      });
      await handle.result();
    }),
  );
  const wall = performance.now() - t0;
  process.stderr.write(
    `  Temporal requests per run: ${requestsPerRun(requests, await serverRequests(temporal.metricsPort), runs)}\n`,
  );
  workflows.shutdown();
  attempts.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  return wall;
}

let rawBundle: ReturnType<typeof bundleWorkflowCode> | undefined;

/** bench/raw-workflow.ts bundled once for both raw baselines. */
function rawWorkflowBundle(): ReturnType<typeof bundleWorkflowCode> {
  rawBundle ??= bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL("./raw-workflow.ts", import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  });
  return rawBundle;
}

async function rawBatch(temporal: DevServer, runs: number, stages = false): Promise<number> {
  const { address } = temporal;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = `bench-raw-batch-${randomUUID().slice(0, 8)}`;
  // Closed at the end: an open native connection keeps the SDK's native runtime, and so the process, alive.
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    taskQueue,
    workflowBundle: await rawWorkflowBundle(),
    activities: { async noop() {} },
  });
  const running = worker.run();
  const requests = await serverRequests(temporal.metricsPort);
  const cpu = sampleProcessCpu(classifier("bench (client + worker)"));
  const workflowIds = Array.from({ length: runs }, () => `raw_${randomUUID()}`);
  const phaseStart = Date.now();
  const t0 = performance.now();
  await Promise.all(
    workflowIds.map(async (workflowId) => {
      const handle = await client.workflow.start("rawWorkflow", { taskQueue, workflowId });
      await handle.result();
    }),
  );
  const wall = performance.now() - t0;
  process.stderr.write(`  ${formatCpu(cpu.stop(), wall)}\n`);
  process.stderr.write(
    `  Temporal requests per run: ${requestsPerRun(requests, await serverRequests(temporal.metricsPort), runs)}\n`,
  );
  if (stages) process.stderr.write(`  ${await stageSummary(client, workflowIds, phaseStart)}\n`);
  const one = await client.workflow.start("rawWorkflow", { taskQueue, workflowId: `raw_${randomUUID()}` });
  await one.result();
  process.stderr.write(`  ${await historySummary(client, one.workflowId)}\n`);
  worker.shutdown();
  await running;
  await workerConnection.close();
  await connection.close();
  return wall;
}

async function stintBatch(
  temporal: DevServer,
  runs: number,
  keepAlive: boolean,
  envLimit: number | undefined,
  stages = false,
): Promise<{ wall: number; shape: PayloadSizes }> {
  const { address } = temporal;
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
  if (envLimit !== undefined)
    await webapp.db.runtimeEnvironment.update({ where: { id: env.id }, data: { concurrencyLimit: envLimit } });
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

  const requests = await serverRequests(temporal.metricsPort);
  const cpu = sampleProcessCpu(classifier("bench (webapp + engine + client)", session.child.pid));
  const phaseStart = Date.now();
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
  process.stderr.write(`  ${formatCpu(cpu.stop(), wall)}\n`);
  process.stderr.write(
    `  Temporal requests per run: ${requestsPerRun(requests, await serverRequests(temporal.metricsPort), runs)}\n`,
  );
  if (runIds.length !== runs) throw new Error(`${runIds.length} of ${runs} runs triggered`);
  // Outside the timing: every run reads COMPLETED through the REST API, as the SDK's runs.retrieve sees it.
  for (const id of runIds) {
    let run = await api(`/api/v3/runs/${id}`);
    while (!run) {
      // 503: the engine is still busy; ask again shortly.
      await new Promise((r) => setTimeout(r, POLL_MS));
      run = await api(`/api/v3/runs/${id}`);
    }
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
  process.stderr.write(`  ${await historySummary(client, runIds[0]!)}\n`);
  if (stages) process.stderr.write(`  ${await stageSummary(client, runIds, phaseStart)}\n`);
  const shape = await payloadSizes(client, runIds[0]!);
  await connection.close();

  await session.stop();
  await webapp.stop();
  return { wall, shape };
}

async function main(): Promise<void> {
  const args = parseArgs(argsSchema, process.argv.slice(2), ["stages"]);
  installRuntimeLogger("ERROR");
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  const dbFile =
    args.store === "file" ? join(mkdtempSync(join(tmpdir(), "stint-bench-store-")), "temporal.db") : undefined;
  const temporal = await startDevServer({ headless: true, dbFile });
  process.stderr.write(`raw Temporal: ${args.runs} workflows…\n`);
  // raws[r]: raw Temporal after round r (raws[0]: before the first). A Stint phase of round r is compared with the
  // mean of the raw runs on either side of it: this machine's speed drifts by a third from minute to minute.
  const raws = [await rawBatch(temporal, args.runs, args.stages)];
  const measured: { name: string; wall: number; round: number }[] = [];
  let shape: PayloadSizes | undefined;
  for (let round = 1; round <= args.rounds; round++) {
    for (const [mode, name, keepAlive] of [
      ["plain", "Stint (REST batch, `stint dev`)", false],
      ["keep-alive", "Stint, `processKeepAlive: true`", true],
    ] as const) {
      if (!args.modes.includes(mode)) continue;
      const of = args.rounds > 1 ? ` (round ${round} of ${args.rounds})` : "";
      process.stderr.write(`${name}: a batch of ${args.runs} through the REST API${of}…\n`);
      const stint = await stintBatch(temporal, args.runs, keepAlive, args.envLimit, args.stages);
      measured.push({ name, wall: stint.wall, round });
      shape = stint.shape;
    }
    process.stderr.write(`raw Temporal again: ${args.runs} workflows…\n`);
    raws.push(await rawBatch(temporal, args.runs, args.stages));
  }
  const rawAround = (round: number) => (raws[round - 1]! + raws[round]!) / 2;
  let shaped: number | undefined;
  if (args.modes.includes("shaped") && shape) {
    process.stderr.write(`raw Temporal shaped like a Stint run (payloads ${JSON.stringify(shape)} bytes)…\n`);
    shaped = await shapedBatch(temporal, args.runs, shape);
  }
  await temporal.stop();

  const row = (name: string, wall: number, rawMean: number) =>
    `| ${name} | ${args.runs} | ${(wall / 1000).toFixed(2)} s | ${((args.runs / wall) * 1000).toFixed(1)} | ${(wall / rawMean).toFixed(2)}× |`;
  const command = ["npm run bench:batch", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])];
  console.log(`\n\`${command.join(" ")}\`; load average at start ${load}\n`);
  console.log("| system | runs | wall time | runs/s | ratio to raw (mean of before and after) |");
  console.log("| --- | --- | --- | --- | --- |");
  const allRaw = (raws[0]! + raws.at(-1)!) / 2;
  console.log(row("raw Temporal (workflow + no-op activity), before Stint", raws[0]!, allRaw));
  for (let round = 1; round <= args.rounds; round++) {
    const label = args.rounds > 1 ? `raw Temporal, again after round ${round}` : "raw Temporal, again after Stint";
    console.log(row(label, raws[round]!, allRaw));
  }
  if (shaped !== undefined)
    console.log(row("raw Temporal shaped like a Stint run (see bench/raw-workflow.ts)", shaped, allRaw));
  for (const { name, wall, round } of measured)
    console.log(row(args.rounds > 1 ? `${name}, round ${round}` : name, wall, rawAround(round)));
  for (const name of new Set(measured.map((m) => m.name))) {
    const phases = measured.filter((m) => m.name === name);
    const ratios = phases.map(({ wall, round }) => wall / rawAround(round));
    const ratio = median(ratios);
    const detail =
      phases.length > 1
        ? `median of ${phases.length} rounds: ${ratios.map((r) => r.toFixed(2)).join(", ")}`
        : `${(phases[0]!.wall / raws[0]!).toFixed(2)}× the run before, ${(phases[0]!.wall / raws[1]!).toFixed(2)}× the run after`;
    console.log(`\n${name}: ${ratio.toFixed(2)}× raw (target ≤ 1.5×) ${ratio <= 1.5 ? "PASS" : "MISS"} (${detail})`);
  }
  process.exit(0);
}

await main();

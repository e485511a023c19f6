/**
 * Raw Temporal (start a workflow that runs one no-op activity) vs a Stint no-op task, on one dev server in one run:
 * trigger → attempt started and → completed latency (p50/p95, sequential), and throughput with bounded concurrency.
 *
 *   npm run bench -- [--runs 200] [--warmup 20] [--seconds 60] [--concurrency 50] [--gated] [--json]
 *
 * `--gated`: the Stint task's queue declares a concurrency limit (1,000, never reached), so every execution is
 * admitted under a limit (the engine's dispatcher; before it, the queue's gate workflow).
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Context } from "@temporalio/activity";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Worker, bundleWorkflowCode } from "@temporalio/worker";
import { task } from "@stint/sdk";
import {
  InProcessExecutor,
  StintEngineClient,
  createStintWorkers,
  installRuntimeLogger,
  startDevServer,
  stintDataConverter,
} from "@stint/temporal-workers";
import { ms, percentile } from "./stats.js";
import { parseArgs } from "./args.js";

/** A limit no run of the bench reaches: it measures the cost of admission, not of waiting. */
const GATED_LIMIT = 1_000;

const argsSchema = z.object({
  runs: z.coerce.number().int().positive().default(200),
  warmup: z.coerce.number().int().nonnegative().default(20),
  seconds: z.coerce.number().positive().default(60),
  concurrency: z.coerce.number().int().positive().default(50),
  gated: z.boolean().default(false),
  json: z.boolean().default(false),
});

interface System {
  name: string;
  /** Starts one run; resolves with its id once the start call returned. */
  start(): Promise<string>;
  /** Resolves when the run completed. */
  completed(id: string): Promise<void>;
  /** When the run's attempt (activity / task code) began, by run id. */
  startedAt: Map<string, number>;
}

async function measureLatency(system: System, runs: number, warmup: number) {
  const started: number[] = [];
  const completed: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const id = await system.start();
    await system.completed(id);
    const t1 = performance.timeOrigin + performance.now();
    if (i < warmup) continue;
    started.push(system.startedAt.get(id)! - t0);
    completed.push(t1 - t0);
    system.startedAt.delete(id);
  }
  return {
    startP50: percentile(started, 50),
    startP95: percentile(started, 95),
    completeP50: percentile(completed, 50),
    completeP95: percentile(completed, 95),
  };
}

async function measureThroughput(system: System, seconds: number, concurrency: number) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const began = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await system.completed(await system.start());
        done++;
      }
    }),
  );
  system.startedAt.clear();
  return done / ((Date.now() - began) / 1000);
}

async function main() {
  const options = parseArgs(argsSchema, process.argv.slice(2), ["json", "gated"]);
  installRuntimeLogger("ERROR");
  const server = await startDevServer({ headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: stintDataConverter });
  const suffix = randomUUID().slice(0, 8);

  // Raw Temporal.
  const rawStarted = new Map<string, number>();
  const rawQueue = `bench-raw-${suffix}`;
  // Closed at the end: an open native connection keeps the SDK's native runtime, and so the process, alive.
  const rawConnection = await NativeConnection.connect({ address: server.address });
  const rawWorker = await Worker.create({
    connection: rawConnection,
    taskQueue: rawQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL("./raw-workflow.ts", import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    }),
    activities: {
      async noop() {
        rawStarted.set(
          Context.current().info.workflowExecution?.workflowId ?? "",
          performance.timeOrigin + performance.now(),
        );
      },
    },
  });
  const rawRunning = rawWorker.run();
  const raw: System = {
    name: "raw Temporal",
    startedAt: rawStarted,
    start: async () =>
      (await client.workflow.start("rawWorkflow", { taskQueue: rawQueue, workflowId: `raw_${randomUUID()}` }))
        .workflowId,
    completed: async (id) => void (await client.workflow.getHandle(id).result()),
  };

  // Stint, twice: attempts on their own task queue (worker servers), and co-located with the engine (stint dev).
  const stintStarted = new Map<string, number>();
  task({
    id: "noop",
    ...(options.gated ? { queue: { concurrencyLimit: GATED_LIMIT } } : {}),
    run: async (_: unknown, { ctx }) => void stintStarted.set(ctx.run.id, performance.timeOrigin + performance.now()),
  });
  const stintSystems: System[] = [];
  const stintWorkers: Awaited<ReturnType<typeof createStintWorkers>>[] = [];
  for (const colocated of [false, true]) {
    const engineQueue = `bench-engine-${colocated ? "colocated-" : ""}${suffix}`;
    const engine = new StintEngineClient({
      client,
      workflowTaskQueue: engineQueue,
      attemptQueue: colocated ? engineQueue : `bench-attempts-${suffix}`,
      environment: { id: "env_bench", slug: "bench", type: "PRODUCTION", projectRef: "proj_bench" },
    });
    const workers = await createStintWorkers({
      client,
      address: server.address,
      workflowTaskQueue: engine.options.workflowTaskQueue,
      attempts: { taskQueue: engine.options.attemptQueue, executor: new InProcessExecutor() },
    });
    void workers.run();
    stintWorkers.push(workers);
    if (options.gated) await engine.configureQueue("task/noop", { declaredLimit: GATED_LIMIT });
    stintSystems.push({
      name: colocated ? "Stint (co-located)" : "Stint (attempt queue)",
      startedAt: stintStarted,
      start: async () => (await engine.trigger({ task: "noop", payload: {} })).id,
      completed: async (id) => void (await client.workflow.getHandle(id).result()),
    });
  }

  const results: Record<
    string,
    { startP50: number; startP95: number; completeP50: number; completeP95: number; throughput: number }
  > = {};
  for (const system of [raw, ...stintSystems]) {
    process.stderr.write(`latency: ${system.name}…\n`);
    const latency = await measureLatency(system, options.runs, options.warmup);
    results[system.name] = { ...latency, throughput: 0 };
  }
  for (const system of [...stintSystems, raw]) {
    process.stderr.write(`throughput: ${system.name} for ${options.seconds} s…\n`);
    results[system.name]!.throughput = await measureThroughput(system, options.seconds, options.concurrency);
  }

  const r = results["raw Temporal"]!;
  const ratios = Object.fromEntries(
    stintSystems.map((system) => {
      const x = results[system.name]!;
      return [system.name, { start: x.startP50 / r.startP50, throughput: x.throughput / r.throughput }];
    }),
  );
  if (options.json) {
    console.log(JSON.stringify({ options, results, ratios }, null, 2));
  } else {
    console.log(
      `\n${options.runs} sequential runs (after ${options.warmup} warm-up), throughput over ${options.seconds} s with ${options.concurrency} in flight${options.gated ? ", every Stint run admitted under a queue limit" : ""}\n`,
    );
    console.log("| system | trigger→started p50 | p95 | trigger→completed p50 | p95 | throughput |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    for (const [name, x] of Object.entries(results)) {
      console.log(
        `| ${name} | ${ms(x.startP50)} | ${ms(x.startP95)} | ${ms(x.completeP50)} | ${ms(x.completeP95)} | ${x.throughput.toFixed(1)} runs/s |`,
      );
    }
    console.log("");
    for (const [name, ratio] of Object.entries(ratios)) {
      console.log(
        `${name}: start latency p50 ${ratio.start.toFixed(2)}× raw (target ≤ 1.5×) ${ratio.start <= 1.5 ? "PASS" : "MISS"}; throughput ${ratio.throughput.toFixed(2)}× raw (target ≥ 0.7×) ${ratio.throughput >= 0.7 ? "PASS" : "MISS"}`,
      );
    }
  }

  rawWorker.shutdown();
  await Promise.all(stintWorkers.map((w) => w.shutdown()));
  await rawRunning;
  await rawConnection.close();
  await connection.close();
  await server.stop();
}

await main();

/**
 * What running each attempt in a runner process of its own costs (the way `stint dev` runs attempts):
 *
 * - cold start: a new runner process, from launch until it has loaded a one-task bundle (what the pool does in the
 *   background while the previous attempt runs), and the memory of a loaded, idle runner;
 * - per run: trigger → completed of a no-op task, sequential, on one Temporal dev server with the engine and the
 *   attempts co-located (as `stint dev`), with runner processes and with the in-process executor, measured in turn.
 *
 *   npm run bench:runner -- [--starts 20] [--runs 50] [--warmup 5]
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { Client, Connection } from "@temporalio/client";
import { task } from "@stint/sdk";
import { buildProjectBundle } from "@stint/cli/testing";
import {
  InProcessExecutor,
  RunnerExecutor,
  StintEngineClient,
  childProcessLauncher,
  createStintWorkers,
  installRuntimeLogger,
  startDevServer,
  stintDataConverter,
  type AttemptExecutor,
  type RunnerBundle,
} from "@stint/temporal-workers";
import { parseArgs } from "./args.js";
import { ms, percentile } from "./stats.js";

const options = parseArgs(
  z.object({
    starts: z.coerce.number().int().positive().default(20),
    runs: z.coerce.number().int().positive().default(50),
    warmup: z.coerce.number().int().nonnegative().default(5),
  }),
  process.argv.slice(2),
);

const TASK_ID = "bench-runner-noop";

/** A one-task project (a config and a task file), built the way `stint dev` builds it: the runner loads both. */
async function buildBundle(): Promise<RunnerBundle> {
  const dir = mkdtempSync(join(tmpdir(), "stint-bench-runner-"));
  writeFileSync(
    join(dir, "trigger.config.ts"),
    `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_bench", maxDuration: 60 });\n`,
  );
  mkdirSync(join(dir, "src", "trigger"), { recursive: true });
  writeFileSync(
    join(dir, "src", "trigger", "noop.ts"),
    `import { task } from "@trigger.dev/sdk";\nexport const noop = task({ id: "${TASK_ID}", run: async () => "ok" });\n`,
  );
  return buildProjectBundle(dir);
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

/** Launch → loaded, one runner at a time; the RSS of each loaded runner before it is stopped. */
async function coldStarts(bundle: RunnerBundle, count: number) {
  const launcher = childProcessLauncher({ stdout: "ignore" });
  const startMs: number[] = [];
  const memory: number[] = [];
  for (let i = 0; i < count; i++) {
    const began = performance.now();
    const handle = launcher.launch({ bundle });
    await new Promise<void>((resolve, reject) => {
      handle.onMessage((message) => {
        const type = (message as { type?: string }).type;
        if (type === "loaded") resolve();
        if (type === "load-failed") reject(new Error(JSON.stringify(message)));
      });
      handle.send({ type: "load", bundle });
    });
    startMs.push(performance.now() - began);
    // Let the runner settle (it is idle now, waiting for an attempt) before reading its memory.
    await new Promise((resolve) => setTimeout(resolve, 200));
    memory.push(rssMb(Number(handle.id.replace(/^pid /, ""))));
    handle.stop("measured");
    await handle.exited;
  }
  return { startMs, memory };
}

async function runLatency(
  address: string,
  client: Client,
  executor: AttemptExecutor,
  runs: number,
  warmup: number,
): Promise<number[]> {
  const queue = `bench-runner-${randomUUID().slice(0, 8)}`;
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: queue,
    attemptQueue: queue,
    environment: { id: "env_bench", slug: "bench", type: "DEVELOPMENT", projectRef: "proj_bench" },
  });
  const workers = await createStintWorkers({
    client,
    address,
    workflowTaskQueue: queue,
    attempts: { taskQueue: queue, executor },
  });
  const running = workers.run();
  const latencies: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const began = performance.now();
    const { id } = await engine.trigger({ task: TASK_ID, payload: null });
    await client.workflow.getHandle(id).result();
    if (i >= warmup) latencies.push(performance.now() - began);
  }
  await workers.shutdown();
  await running.catch(() => undefined);
  return latencies;
}

async function main() {
  installRuntimeLogger("ERROR");
  const bundle = await buildBundle();

  process.stderr.write(`cold starts: ${options.starts} runners…\n`);
  const cold = await coldStarts(bundle, options.starts);

  const server = await startDevServer({ headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: stintDataConverter });

  process.stderr.write(`per run: ${options.runs} runs in runner processes…\n`);
  const runners = new RunnerExecutor({ launcher: childProcessLauncher({ stdout: "ignore" }) });
  await runners.activate(bundle);
  const inRunners = await runLatency(server.address, client, runners, options.runs, options.warmup);
  await runners.close();

  process.stderr.write(`per run: ${options.runs} runs in process…\n`);
  task({ id: TASK_ID, run: async () => "ok" });
  const inProcess = await runLatency(server.address, client, new InProcessExecutor(), options.runs, options.warmup);

  await connection.close();
  await server.stop();

  console.log(`\nRunner cold start (${options.starts} runners, one at a time): launch → bundle loaded`);
  console.log("| p50 | p95 | RSS of an idle loaded runner (median) |");
  console.log("| --- | --- | --- |");
  console.log(
    `| ${ms(percentile(cold.startMs, 50))} | ${ms(percentile(cold.startMs, 95))} | ${percentile(cold.memory, 50).toFixed(1)} MB |`,
  );
  console.log(
    `\nNo-op task, trigger → completed (${options.runs} sequential runs after ${options.warmup} warm-up; engine and attempts co-located)`,
  );
  console.log("| executor | p50 | p95 |");
  console.log("| --- | --- | --- |");
  console.log(
    `| runner process per attempt (stint dev) | ${ms(percentile(inRunners, 50))} | ${ms(percentile(inRunners, 95))} |`,
  );
  console.log(`| in process | ${ms(percentile(inProcess, 50))} | ${ms(percentile(inProcess, 95))} |`);
}

await main();

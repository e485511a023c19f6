/**
 * What payload size costs: a task that echoes its payload's length and returns an output of the same size, run
 * sequentially through the engine with the embedded object store (values from 128 KB on are stored and travel by
 * reference). Prints trigger → completed latency (p50/p95) per size and the run's Temporal history size.
 *
 *   cd bench && npx tsx large-payloads.ts [--runs 10] [--sizes 1,100,1024,5120,10000] [--json]   (sizes in KB)
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Client, Connection } from "@temporalio/client";
import { task } from "@stint/sdk";
import { FileObjectStore } from "@stint/object-store";
import {
  InProcessExecutor,
  StintEngineClient,
  createStintWorkers,
  installRuntimeLogger,
  objectPacketStore,
  startDevServer,
  stintDataConverter,
} from "@stint/temporal-workers";
import { parseArgs } from "./args.js";
import { ms, percentile } from "./stats.js";

const argsSchema = z.object({
  runs: z.coerce.number().int().positive().default(10),
  sizes: z
    .string()
    .default("1,100,1024,5120,10000")
    .transform((value) => value.split(",").map(Number))
    .pipe(z.array(z.number().int().positive().max(10_239, "sizes are at most 10239 KB (the 10 MB limit)"))),
  json: z.boolean().default(false),
});

const echo = task({
  id: "bench-echo-size",
  run: async (payload: { blob: string }) => ({ blob: "y".repeat(payload.blob.length) }),
});

async function main() {
  const options = parseArgs(argsSchema, process.argv.slice(2), ["json"]);
  installRuntimeLogger("ERROR");
  const server = await startDevServer({ headless: true });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: stintDataConverter });
  const root = mkdtempSync(join(tmpdir(), "stint-bench-objects-"));
  const packets = objectPacketStore(
    new FileObjectStore({ root, publicUrl: "http://127.0.0.1", maxUploadBytes: 0 }),
    "packets",
  );
  const queue = `bench-large-${randomUUID().slice(0, 8)}`;
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: queue,
    attemptQueue: queue,
    environment: { id: "env_bench", slug: "bench", type: "DEVELOPMENT", projectRef: "proj_bench" },
    packets,
  });
  const workers = await createStintWorkers({
    client,
    address: server.address,
    workflowTaskQueue: queue,
    attempts: { taskQueue: queue, executor: new InProcessExecutor(), packets },
  });
  const running = workers.run();

  const rows: { sizeKb: number; completeP50: number; completeP95: number; historyKb: number }[] = [];
  for (const sizeKb of options.sizes) {
    const blob = "x".repeat(sizeKb * 1024);
    const durations: number[] = [];
    let historyBytes = 0;
    for (let i = 0; i < options.runs + 1; i++) {
      const began = performance.now();
      const { id } = await engine.trigger({ task: echo.id, payload: { blob } });
      const run = await engine.retrieveRun((await waitForFinish(engine, id)).id);
      if ((run.output as { blob: string }).blob.length !== blob.length)
        throw new Error(`run ${id}: output has the wrong size`);
      if (i === 0) continue; // warm-up
      durations.push(performance.now() - began);
      const description = await client.workflow.getHandle(id).describe();
      historyBytes = Number(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0);
    }
    rows.push({
      sizeKb,
      completeP50: percentile(durations, 50),
      completeP95: percentile(durations, 95),
      historyKb: historyBytes / 1024,
    });
  }

  if (options.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log("| payload and output | trigger→completed p50 | p95 | run's history |");
    console.log("| --- | --- | --- | --- |");
    for (const row of rows)
      console.log(
        `| ${row.sizeKb >= 1024 ? `${(row.sizeKb / 1024).toFixed(1)} MB` : `${row.sizeKb} KB`} | ${ms(row.completeP50)} | ${ms(row.completeP95)} | ${row.historyKb.toFixed(1)} KB |`,
      );
  }
  await workers.shutdown();
  await running;
  await connection.close();
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}

async function waitForFinish(engine: StintEngineClient, runId: string): Promise<{ id: string }> {
  for (;;) {
    const state = await engine.runState(runId);
    if (state.status === "COMPLETED") return { id: runId };
    if (["FAILED", "CRASHED", "SYSTEM_FAILURE", "CANCELED", "EXPIRED", "TIMED_OUT"].includes(state.status))
      throw new Error(`run ${runId} ended ${state.status}: ${state.error?.message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

await main();

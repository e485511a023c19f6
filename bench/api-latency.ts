/**
 * Trigger API latency under a steady load: POST /api/v1/tasks/{id}/trigger at a fixed arrival rate (open loop:
 * requests go out on schedule whether or not earlier ones answered), with the engine running and a worker executing
 * the no-op task. The webapp runs in a child process so the load generator does not share its event loop, and the
 * engine's workers in another, as on a webapp server beside worker servers.
 *
 *   npm run bench:api -- [--rate 200] [--seconds 60] [--warmup 5] [--database embedded|postgres] [--engine on|off]
 *                        [--background-nice 10] [--topology split|single] [--repeat 3]
 *
 * --repeat measures that many windows of --seconds back to back on the same stack (the backlog of accepted runs the
 * engine has not finished grows from one to the next) and prints each with the backlog at its end, then the medians.
 *
 * --topology split (default) runs the API process without background duties, and the run dispatcher and run-index
 * sync (a second webapp process on the same database, `dispatchRuns`) beside the engine's workers; single runs them
 * all in the API's process.
 * --background-nice lowers the CPU priority of the engine's processes (the Temporal server and the engine workers)
 * so that on a shared machine the API answers first and background work takes the CPU that is left; 0 = same
 * priority as the API. (On separate servers, as the compose files deploy, there is nothing to share.)
 */
import { execFileSync, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setPriority, tmpdir } from "node:os";
import { mkdtempSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { task } from "@stint/sdk";
import { Client, Connection } from "@temporalio/client";
import {
  InProcessExecutor,
  createStintWorkers,
  installRuntimeLogger,
  startDevServer,
  stintDataConverter,
} from "@stint/temporal-workers";
import { attemptQueueFor, createEmptyDatabase, createOrganization, createProject, startWebapp } from "@stint/dashboard";
import { median, ms, percentile } from "./stats.js";
import { parseArgs } from "./args.js";

const argsSchema = z.object({
  rate: z.coerce.number().positive().default(200),
  seconds: z.coerce.number().positive().default(60),
  warmup: z.coerce.number().nonnegative().default(5),
  database: z.enum(["embedded", "postgres"]).default("postgres"),
  /** off: the API alone (runs accepted, never started) — the floor the engine's load adds to. */
  engine: z.enum(["on", "off"]).default("on"),
  backgroundNice: z.coerce.number().int().min(0).max(19).default(10),
  topology: z.enum(["split", "single"]).default("split"),
  repeat: z.coerce.number().int().positive().default(3),
  serve: z.boolean().default(false),
  /** Internal: the engine-worker process (workflows and the no-op task's attempts). */
  workers: z.string().optional(),
});

const noop = task({ id: "bench-noop", run: async () => ({ ok: true }) });

/**
 * Linux applies a priority to one thread, not to a process: the Temporal server's Go threads and Node's worker
 * threads already running would keep the API's priority. Every current thread gets it; threads started later inherit
 * it from the thread that starts them.
 */
function lowerPriority(pid: number, nice: number): void {
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(thread), nice);
    } catch {
      // The thread ended in between.
    }
  }
}

async function postgresDatabase(): Promise<string> {
  const adminUrl = execFileSync("bash", [fileURLToPath(new URL("../scripts/ensure-postgres.sh", import.meta.url))], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop()!;
  return createEmptyDatabase(adminUrl, "stint_bench");
}

/** Child process: Temporal, the webapp, and a worker that executes the no-op task. */
async function serve(args: z.infer<typeof argsSchema>): Promise<void> {
  installRuntimeLogger("ERROR");
  const temporal = await startDevServer({ headless: true });
  if (args.topology === "split" && args.database !== "postgres")
    throw new Error("--topology split needs --database postgres (two processes share it)");
  const databaseUrl = args.database === "postgres" ? await postgresDatabase() : undefined;
  const split = args.topology === "split" && args.engine === "on";
  const webapp = await startWebapp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "stint-bench-")),
    databaseUrl,
    temporal: { address: temporal.address },
    bootstrap: false,
    ui: false,
    // As on a webapp server: the engine's workflows run in their own process (worker servers, in production).
    runEngineWorker: false,
    dispatchRuns: args.engine === "on" && !split,
  });
  const org = await createOrganization(webapp.db, "Bench");
  // A deployed environment: its attempts have one fixed queue (development runs are routed to `stint dev` sessions).
  const project = await createProject(webapp.db, org.id, "Bench", ["PRODUCTION"]);
  const env = project.environments[0]!;
  const workers =
    args.engine === "on"
      ? fork(
          fileURLToPath(import.meta.url),
          [
            "--workers",
            JSON.stringify({
              address: temporal.address,
              queue: attemptQueueFor(env),
              dispatchFrom: split ? databaseUrl : undefined,
            }),
          ],
          { execArgv: process.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] },
        )
      : undefined;
  if (workers) await new Promise((resolve) => workers.once("message", resolve));
  for (const pid of [temporal.process.pid, workers?.pid]) if (pid) lowerPriority(pid, args.backgroundNice);
  process.send!({ url: webapp.url, key: env.secretKey });
  // The backlog: runs accepted and not finished, and those of them not yet started on Temporal (the outbox).
  process.on("message", (message) => {
    if (message !== "backlog") return;
    void Promise.all([
      webapp.db.taskRun.count({ where: { environmentId: env.id, finishedAt: null } }),
      webapp.db.runOutbox.count({ where: { environmentId: env.id } }),
    ]).then(([unfinished, outbox]) => process.send!({ unfinished, outbox }));
  });
  process.once("disconnect", () => {
    workers?.disconnect();
    void webapp
      .stop()
      .then(() => temporal.stop())
      .then(() => process.exit(0));
  });
}

/** Engine-worker process: the engine's workflows (default queue) and the no-op task's attempts. */
async function runWorkers(spec: string): Promise<void> {
  installRuntimeLogger("ERROR");
  const { address, queue, dispatchFrom } = JSON.parse(spec) as {
    address: string;
    queue: string;
    dispatchFrom?: string;
  };
  // Split topology: this process also dispatches accepted runs and keeps the run index (a webapp with no traffic).
  if (dispatchFrom) {
    await startWebapp({
      port: 0,
      dataDir: mkdtempSync(join(tmpdir(), "stint-bench-bg-")),
      databaseUrl: dispatchFrom,
      temporal: { address },
      bootstrap: false,
      ui: false,
      runEngineWorker: false,
    });
  }
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: stintDataConverter });
  const engine = await createStintWorkers({ client, address, workflowTaskQueue: "stint-engine" });
  const attempts = await createStintWorkers({
    client,
    address,
    workflowTaskQueue: "unused",
    runEngine: false,
    attempts: { taskQueue: queue, executor: new InProcessExecutor() },
  });
  void engine.run();
  void attempts.run();
  process.send!("ready");
  process.once("disconnect", () => process.exit(0));
}

async function load(
  url: string,
  key: string,
  rate: number,
  seconds: number,
): Promise<{ latencies: number[]; errors: number; sent: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const interval = 1000 / rate;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent++;
    const t0 = performance.now();
    inflight.push(
      fetch(`${url}/api/v1/tasks/bench-noop/trigger`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ payload: { i } }),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.ok) latencies.push(performance.now() - t0);
          else errors++;
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors, sent };
}

async function main(): Promise<void> {
  const args = parseArgs(argsSchema, process.argv.slice(2), ["serve"]);
  if (args.workers) return runWorkers(args.workers);
  if (args.serve) return serve(args);
  const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), "--serve"], {
    execArgv: process.execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.once("message", (message) => resolve(message as { url: string; key: string }));
    child.once("exit", (code) => reject(new Error(`webapp process exited with ${code}`)));
  });
  console.log(
    `webapp at ${url} (${args.database} database, engine ${args.engine}, engine processes at nice ${args.backgroundNice}, ${args.topology} topology); warm-up ${args.warmup} s…`,
  );
  if (args.warmup > 0) await load(url, key, args.rate, args.warmup);
  const backlog = () =>
    new Promise<{ unfinished: number; outbox: number }>((resolve) => {
      child.once("message", (message) => resolve(message as { unfinished: number; outbox: number }));
      child.send("backlog");
    });
  const rows: string[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  for (let window = 1; window <= args.repeat; window++) {
    console.log(`load: ${args.rate} requests/s for ${args.seconds} s (window ${window} of ${args.repeat})…`);
    const { latencies, errors, sent } = await load(url, key, args.rate, args.seconds);
    const after = await backlog();
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];
    p50s.push(p50);
    p99s.push(p99);
    rows.push(
      `| ${window} | ${args.rate}/s | ${sent} | ${errors} | ${ms(p50)} | ${ms(percentile(latencies, 95))} | ${ms(p99)} | ${ms(Math.max(...latencies))} | ${after.unfinished} (${after.outbox} in the outbox) |`,
    );
  }
  console.log("");
  console.log(`| window | rate | requests | errors | p50 | p95 | p99 | max | backlog at its end: unfinished runs |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- |`);
  for (const row of rows) console.log(row);
  const p50 = median(p50s);
  const p99 = median(p99s);
  console.log(`\nmedian of ${args.repeat} window(s):`);
  console.log(
    `\np50 ${ms(p50)} (target ≤ 10 ms) ${p50 <= 10 ? "PASS" : "MISS"}; p99 ${ms(p99)} (target ≤ 50 ms) ${p99 <= 50 ? "PASS" : "MISS"}`,
  );
  child.disconnect();
  await new Promise((r) => child.once("exit", r));
}

await main();

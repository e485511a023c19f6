/**
 * What running deployed attempts on a worker server costs: the supervisor's memory while idle (Docker and process
 * executors) and, for a deployed no-op task triggered through the REST API with a production key, trigger → run()
 * started and trigger → completed, with each attempt in a container or a child process started for it (cold,
 * `--warm-pool 0`) or taken from the warm pool (started ahead with the version loaded, `--warm-pool 1`); against raw
 * Temporal on the same server (a workflow running one no-op activity, started and awaited the same way). One Temporal
 * dev server, the webapp on PostgreSQL, a real Docker engine (scripts/ensure-docker.sh), the supervisor started as an
 * operator starts it (its bin, with the Node flags the bin's shebang gives; `--node-defaults` runs it as `node bin`
 * instead, for comparison); runs one at a time, `--gap-ms` apart (time for the pool to refill).
 *
 *   npm run bench:supervisor -- [--runs 20] [--warmup 3] [--idle-seconds 10] [--gap-ms 2000] [--node-defaults]
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Context } from "@temporalio/activity";
import { Client, Connection } from "@temporalio/client";
import { NativeConnection, Worker, bundleWorkflowCode } from "@temporalio/worker";
import { WORKER_TOKEN_FILE, createEmptyDatabase, createProject, startWebapp } from "@stint/dashboard";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { parseArgs } from "./args.js";
import { ms, percentile } from "./stats.js";

/** History event types (temporal.api.enums.v1.EventType) the breakdown reads. */
const EventType = { workflowStarted: 1, workflowTaskCompleted: 7, activityTaskStarted: 11 } as const;

const options = parseArgs(
  z.object({
    runs: z.coerce.number().int().positive().default(20),
    warmup: z.coerce.number().int().nonnegative().default(3),
    idleSeconds: z.coerce.number().positive().default(10),
    gapMs: z.coerce.number().int().nonnegative().default(2000),
    nodeDefaults: z.boolean().default(false),
  }),
  process.argv.slice(2),
  ["nodeDefaults"],
);

const root = fileURLToPath(new URL("..", import.meta.url));
const script = (name: string) =>
  execFileSync("bash", [join(root, "scripts", name)], { encoding: "utf8" })
    .trim()
    .split("\n")
    .pop()!;
installRuntimeLogger("ERROR");

const dockerSocket = script("ensure-docker.sh");
const postgres = script("ensure-postgres.sh");
const temporal = await startDevServer({ headless: true });
const dataDir = mkdtempSync(join(tmpdir(), "stint-bench-supervisor-"));
const webapp = await startWebapp({
  port: 0,
  databaseUrl: await createEmptyDatabase(postgres, "stint_bench_supervisor"),
  dataDir,
  temporal: { address: temporal.address },
  ui: false,
  github: null,
  log: () => undefined,
});
const token = readFileSync(join(dataDir, WORKER_TOKEN_FILE), "utf8").trim();
const org = await webapp.db.organization.findFirstOrThrow();
const benchProject = await createProject(webapp.db, org.id, "Bench");
const prod = benchProject.environments.find((env) => env.type === "PRODUCTION")!;

// A one-task project, deployed with the CLI as a user deploys it.
const project = mkdtempSync(join(tmpdir(), "stint-bench-project-"));
mkdirSync(join(project, "src/trigger"), { recursive: true });
writeFileSync(
  join(project, "trigger.config.ts"),
  `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "${benchProject.ref}", machine: "small-1x", maxDuration: 60 });\n`,
);
writeFileSync(
  join(project, "src/trigger/noop.ts"),
  `import { task } from "@trigger.dev/sdk";\nexport const noop = task({ id: "bench-noop", run: async () => ({ startedAt: Date.now() }) });\n`,
);
// Not execFileSync: the webapp answering the deploy runs in this process.
await promisify(execFile)(process.execPath, [join(root, "cli/bin/stint.mjs"), "deploy"], {
  cwd: project,
  env: { ...process.env, TRIGGER_API_URL: webapp.url, TRIGGER_SECRET_KEY: prod.secretKey },
});

const api = async (path: string, body?: unknown) => {
  const response = await fetch(`${webapp.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${prod.secretKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, any>;
};

const historyClient = new Client({ connection: await Connection.connect({ address: temporal.address }) });

/** Where a run's time to run() went, from its workflow's history: milestones after the trigger, in ms. */
interface Milestones {
  accepted: number;
  workflowStarted: number;
  firstTaskDone: number;
  activityStarted: number;
}

async function milestones(runId: string, t0: number, accepted: number): Promise<Milestones> {
  const { events } = await historyClient.workflow.getHandle(runId).fetchHistory();
  const at = (type: number) => {
    const event = events?.find((e) => Number(e.eventType) === type);
    return event?.eventTime ? Number(event.eventTime.seconds) * 1000 + (event.eventTime.nanos ?? 0) / 1e6 - t0 : NaN;
  };
  return {
    accepted,
    workflowStarted: at(EventType.workflowStarted),
    firstTaskDone: at(EventType.workflowTaskCompleted),
    activityStarted: at(EventType.activityTaskStarted),
  };
}

/** Trigger → run() started (the task's own clock) and trigger → seen completed (polled every 10 ms). */
async function oneRun(): Promise<{ started: number; completed: number; milestones: () => Promise<Milestones> }> {
  const t0 = Date.now();
  const { id } = await api("/api/v1/tasks/bench-noop/trigger", { payload: null });
  const accepted = Date.now() - t0;
  for (;;) {
    const run = await api(`/api/v3/runs/${id}`);
    if (run.status === "COMPLETED")
      return {
        started: run.output.startedAt - t0,
        completed: Date.now() - t0,
        milestones: () => milestones(id, t0, accepted),
      };
    if (["FAILED", "CRASHED", "SYSTEM_FAILURE"].includes(run.status))
      throw new Error(`${id} ${run.status}: ${JSON.stringify(run.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const rssMb = (pid: number, field = "VmRSS") =>
  Number(
    /(\d+) kB/.exec(
      readFileSync(`/proc/${pid}/status`, "utf8")
        .split("\n")
        .find((line) => line.startsWith(field))!,
    )![1],
  ) / 1024;

const CONFIGURATIONS = [
  { executor: "process", warmPool: 0, label: "process, cold (a child process started per attempt)" },
  { executor: "process", warmPool: 1, label: "process, warm (a child process started ahead)" },
  { executor: "docker", warmPool: 0, label: "Docker, cold (a container started per attempt)" },
  { executor: "docker", warmPool: 1, label: "Docker, warm (a container started ahead)" },
] as const;
const pause = () => new Promise((resolve) => setTimeout(resolve, options.gapMs));

const results: string[] = [];
const breakdown: string[] = [];

// Raw Temporal: the floor every executor is measured against (no REST API, no container, no runner).
{
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const taskQueue = `bench-raw-${randomUUID().slice(0, 8)}`;
  const startedAt = new Map<string, number>();
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: temporal.address }),
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL("./raw-workflow.ts", import.meta.url)),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
    }),
    activities: {
      async noop() {
        startedAt.set(Context.current().info.workflowExecution?.workflowId ?? "", Date.now());
      },
    },
  });
  const running = worker.run();
  const rawRun = async () => {
    const t0 = Date.now();
    const handle = await client.workflow.start("rawWorkflow", { taskQueue, workflowId: `raw_${randomUUID()}` });
    await handle.result();
    return { started: startedAt.get(handle.workflowId)! - t0, completed: Date.now() - t0 };
  };
  for (let i = 0; i < options.warmup; i++) await rawRun();
  const started: number[] = [];
  const completed: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await pause();
    const run = await rawRun();
    started.push(run.started);
    completed.push(run.completed);
  }
  worker.shutdown();
  await running;
  await connection.close();
  results.push(
    `| raw Temporal (workflow + no-op activity, same server) | — | — | ${ms(percentile(started, 50))} / ${ms(percentile(started, 95))} | ${ms(percentile(completed, 50))} / ${ms(percentile(completed, 95))} |`,
  );
}

for (const { executor, warmPool, label } of CONFIGURATIONS) {
  const bin = join(root, "supervisor/bin/stint-supervisor.mjs");
  const child = spawn(
    options.nodeDefaults ? process.execPath : bin,
    [
      ...(options.nodeDefaults ? [bin] : []),
      "--api-url",
      webapp.url,
      "--token",
      token,
      "--name",
      `bench-${executor}-${warmPool}`,
      "--executor",
      executor,
      "--capacity",
      "4",
      "--data-dir",
      mkdtempSync(join(tmpdir(), "stint-bench-sv-")),
      "--docker-socket",
      dockerSocket,
      "--warm-pool",
      String(warmPool),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) =>
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("serves worker group") && resolve()),
  );
  await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
  const idle = rssMb(child.pid!);
  for (let i = 0; i < options.warmup; i++) {
    await oneRun();
    await pause();
  }
  const started: number[] = [];
  const completed: number[] = [];
  const steps: Milestones[] = [];
  for (let i = 0; i < options.runs; i++) {
    await pause();
    const run = await oneRun();
    started.push(run.started);
    completed.push(run.completed);
    steps.push(await run.milestones());
  }
  const busy = rssMb(child.pid!, "VmHWM");
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  const p50 = (pick: (m: Milestones) => number) => ms(percentile(steps.map(pick), 50));
  breakdown.push(
    `| ${label} | ${p50((m) => m.accepted)} | ${p50((m) => m.workflowStarted - m.accepted)} | ${p50((m) => m.firstTaskDone - m.workflowStarted)} | ${p50((m) => m.activityStarted - m.firstTaskDone)} | ${ms(
      percentile(
        started.map((value, i) => value - steps[i]!.activityStarted),
        50,
      ),
    )} |`,
  );
  results.push(
    `| ${label} | ${idle.toFixed(0)} MB | ${busy.toFixed(0)} MB | ${ms(percentile(started, 50))} / ${ms(percentile(started, 95))} | ${ms(percentile(completed, 50))} / ${ms(percentile(completed, 95))} |`,
  );
}

console.log(
  `\n${options.runs} runs each (after ${options.warmup} warm-up), ${options.gapMs} ms apart, Node ${process.version}, supervisor idle ${options.idleSeconds} s before its RSS is read, started as ${options.nodeDefaults ? "`node bin` (Node's defaults)" : "its bin (`--max-semi-space-size=2`)"}\n`,
);
console.log(
  "| executor | supervisor idle RSS | supervisor peak RSS | trigger → run() p50 / p95 | trigger → completed p50 / p95 |",
);
console.log("| --- | --- | --- | --- | --- |");
for (const line of results) console.log(line);
console.log(
  "\nWhere trigger → run() goes (p50 of each step, from the run workflow's history): the REST API accepting the trigger, the run's workflow starting, its first workflow task (admission, scheduling the attempt), the attempt activity reaching the supervisor, and the supervisor handing it to a runner until run() starts\n",
);
console.log(
  "| executor | trigger accepted | → workflow started | → first workflow task done | → activity started | → run() started |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const line of breakdown) console.log(line);
await webapp.stop();
await temporal.stop();
process.exit(0);

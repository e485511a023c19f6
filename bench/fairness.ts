/**
 * Two tenants sharing a fixed worker capacity, on the real stack, three ways, in one run on one Temporal dev server
 * (started with Temporal's fairness enabled, `matching.enableFairness`):
 *
 * 1. FIFO: plain Temporal, one activity task queue, no fairness key.
 * 2. Temporal fairness keys: the same, each activity scheduled with `priority: { fairnessKey: tenant }`.
 * 3. Stint's dispatcher: the engine (createStintWorkers + StintEngineClient), two environments in two organisations
 *    sharing one worker pool whose capacity the dispatcher enforces.
 *
 * Per mode: the capacity is closed (plain Temporal: no activity worker yet; Stint: pool capacity 0), tenant A enqueues
 * `--runs` runs and they all wait; the capacity opens (`--capacity` attempts at once, each `--work-ms` long) and
 * tenant B enqueues 10 at once. Measured from B's triggers: B's first start and B's last start; Jain's index of the
 * two tenants' starts from B's triggers until one of them has nothing left to start; total time from the opening
 * until every run started.
 *
 *   npm run bench:fairness -- [--runs 1000] [--capacity 10] [--work-ms 50] [--json]
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { z } from "zod";
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
import { ms } from "./stats.js";
import { parseArgs } from "./args.js";

const args = parseArgs(
  z.object({
    runs: z.coerce.number().int().positive().default(1_000),
    capacity: z.coerce.number().int().positive().default(10),
    workMs: z.coerce.number().int().nonnegative().default(50),
    json: z.boolean().default(false),
  }),
  process.argv.slice(2),
  ["json"],
);
const B_RUNS = 10;
/** Triggers in flight at once while a tenant enqueues. */
const TRIGGER_CONCURRENCY = 50;

type Tenant = "A" | "B";
const now = () => performance.timeOrigin + performance.now();
const sleep = (msToWait: number) => new Promise((r) => setTimeout(r, msToWait));

/** Starts of one mode's runs, in order. */
class Starts {
  readonly list: { tenant: Tenant; at: number }[] = [];
  ended = 0;
  async work(tenant: Tenant): Promise<void> {
    this.list.push({ tenant, at: now() });
    await sleep(args.workMs);
    this.ended++;
  }
}

async function inBatches(count: number, start: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += TRIGGER_CONCURRENCY)
    await Promise.all(Array.from({ length: Math.min(TRIGGER_CONCURRENCY, count - i) }, (_, j) => start(i + j)));
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const jain = (xs: number[]) => xs.reduce((a, b) => a + b, 0) ** 2 / (xs.length * xs.reduce((a, b) => a + b * b, 0));

interface Result {
  mode: string;
  bFirst: number;
  bLast: number;
  jain: number;
  startsInWindow: { A: number; B: number };
  total: number;
}

function summarise(mode: string, starts: Starts, bTriggeredAt: number, openedAt: number): Result {
  const b = starts.list.filter((s) => s.tenant === "B").map((s) => s.at);
  const a = starts.list.filter((s) => s.tenant === "A").map((s) => s.at);
  // Both tenants have work waiting from B's triggers until one of them started its last run.
  const windowEnd = Math.min(Math.max(...a), Math.max(...b));
  const inWindow = (tenant: Tenant) =>
    starts.list.filter((s) => s.tenant === tenant && s.at >= bTriggeredAt && s.at <= windowEnd).length;
  const startsInWindow = { A: inWindow("A"), B: inWindow("B") };
  return {
    mode,
    bFirst: Math.min(...b) - bTriggeredAt,
    bLast: Math.max(...b) - bTriggeredAt,
    jain: jain([startsInWindow.A, startsInWindow.B]),
    startsInWindow,
    total: Math.max(...starts.list.map((s) => s.at)) - openedAt,
  };
}

async function plainTemporal(
  mode: string,
  fairnessKey: boolean,
  client: Client,
  address: string,
  workflowBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>,
): Promise<Result> {
  const suffix = randomUUID().slice(0, 8);
  const workflowQueue = `fairness-wf-${suffix}`;
  const activityQueue = `fairness-act-${suffix}`;
  const starts = new Starts();
  const connection = await NativeConnection.connect({ address });
  const workflowWorker = await Worker.create({ connection, taskQueue: workflowQueue, workflowBundle });
  const workflowsRunning = workflowWorker.run();
  const start = (tenant: Tenant) =>
    client.workflow.start("fairnessWorkflow", {
      taskQueue: workflowQueue,
      workflowId: `fair-${tenant}-${randomUUID()}`,
      args: [tenant, activityQueue, fairnessKey],
    });
  const backlog = async () =>
    Number(
      (
        await client.workflowService.describeTaskQueue({
          namespace: "default",
          taskQueue: { name: activityQueue },
          taskQueueType: 2, // TASK_QUEUE_TYPE_ACTIVITY
          reportStats: true,
        })
      ).stats?.approximateBacklogCount ?? 0,
    );
  process.stderr.write(`${mode}: tenant A enqueues ${args.runs}…\n`);
  await inBatches(args.runs, () => start("A"));
  await until(async () => (await backlog()) >= args.runs, `${mode}: A's activities scheduled`);

  // The capacity opens, and B arrives.
  const openedAt = now();
  const activityWorker = await Worker.create({
    connection,
    taskQueue: activityQueue,
    maxConcurrentActivityTaskExecutions: args.capacity,
    activities: { work: (tenant: Tenant) => starts.work(tenant) },
  });
  const activitiesRunning = activityWorker.run();
  const bTriggeredAt = now();
  await inBatches(B_RUNS, () => start("B"));
  await until(() => starts.ended >= args.runs + B_RUNS, `${mode}: every run ended`);

  activityWorker.shutdown();
  workflowWorker.shutdown();
  await Promise.all([activitiesRunning, workflowsRunning]);
  await connection.close();
  return summarise(mode, starts, bTriggeredAt, openedAt);
}

async function stintDispatcher(client: Client, address: string): Promise<Result> {
  const mode = "Stint dispatcher";
  const suffix = randomUUID().slice(0, 8);
  const pool = `fairness-pool-${suffix}`;
  const starts = new Starts();
  task({ id: "fairness-work", run: async (payload: { tenant: Tenant }) => starts.work(payload.tenant) });
  const engines = Object.fromEntries(
    (["A", "B"] as const).map((tenant) => [
      tenant,
      new StintEngineClient({
        client,
        workflowTaskQueue: `fairness-engine-${suffix}`,
        attemptQueue: `fairness-attempts-${suffix}`,
        environment: { id: `env_${tenant}_${suffix}`, slug: tenant, type: "PRODUCTION", projectRef: `proj_${tenant}` },
      }),
    ]),
  ) as Record<Tenant, StintEngineClient>;
  const workers = await createStintWorkers({
    client,
    address,
    workflowTaskQueue: engines.A.options.workflowTaskQueue,
    attempts: { taskQueue: engines.A.options.attemptQueue, executor: new InProcessExecutor() },
  });
  const workersRunning = workers.run();
  const dispatcher = await workers.dispatcher!.leading;
  // Two organisations, one worker pool: the dispatcher admits at most the pool's capacity across both.
  for (const tenant of ["A", "B"] as const)
    dispatcher.setEnvironment(engines[tenant].options.environment.id, { organizationId: `org_${tenant}`, pool });
  dispatcher.setCapacity(pool, 0);

  const trigger = (tenant: Tenant) => engines[tenant].trigger({ task: "fairness-work", payload: { tenant } });
  process.stderr.write(`${mode}: tenant A enqueues ${args.runs}…\n`);
  await inBatches(args.runs, () => trigger("A"));
  await until(() => dispatcher.waitingCount >= args.runs, `${mode}: A's runs waiting`);

  const openedAt = now();
  dispatcher.setCapacity(pool, args.capacity);
  const bTriggeredAt = now();
  await inBatches(B_RUNS, () => trigger("B"));
  await until(() => starts.ended >= args.runs + B_RUNS, `${mode}: every run ended`);
  await until(() => dispatcher.runningCount === 0, `${mode}: every slot released`);

  await workers.shutdown();
  await workersRunning;
  return summarise(mode, starts, bTriggeredAt, openedAt);
}

async function main() {
  installRuntimeLogger("ERROR");
  const load = loadavg().map((l) => l.toFixed(2));
  const server = await startDevServer({ headless: true, dynamicConfig: { "matching.enableFairness": true } });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: stintDataConverter });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL("./fairness-workflow.ts", import.meta.url)),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } as never,
  });

  const results = [
    await plainTemporal("FIFO (plain Temporal)", false, client, server.address, workflowBundle),
    await plainTemporal("Temporal fairness keys", true, client, server.address, workflowBundle),
    await stintDispatcher(client, server.address),
  ];

  await connection.close();
  await server.stop();

  if (args.json) {
    console.log(JSON.stringify({ args, load, results }, null, 2));
    return;
  }
  console.log(
    `\n\`npm run bench:fairness -- ${process.argv.slice(2).join(" ")}\`: tenant A ${args.runs} runs, then tenant B ${B_RUNS}; capacity ${args.capacity} at once, ${args.workMs} ms each; load average at start ${load.join(", ")}\n`,
  );
  console.log("| mode | B first start | B all 10 started | Jain's index (A/B starts while both wait) | total time |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of results)
    console.log(
      `| ${r.mode} | ${ms(r.bFirst)} | ${ms(r.bLast)} | ${r.jain.toFixed(2)} (${r.startsInWindow.A}/${r.startsInWindow.B}) | ${ms(r.total)} |`,
    );
}

await main();

/**
 * `stint dev` sessions of generated projects (5 and 200 tasks, one queue with a concurrency limit each) against a
 * webapp: the task queues and Temporal pollers each session uses, "poller limit" / ResourceExhausted lines in its
 * output, and trigger → task start latency of its runs (sequential REST triggers, p50/p95, runs spread over its tasks).
 *
 *   npm run bench:dev -- [--sizes 5,200] [--runs 60] [--warmup 5] [--idle 20]
 *
 * --idle: seconds each session runs idle before the measurement (poller errors showed up continuously when a session
 * ran one worker per queue).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Connection } from "@temporalio/client";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { createEmptyDatabase, createOrganization, createProject, startWebapp } from "@stint/dashboard";
import { generatedTaskId, writeGeneratedProject } from "@stint/cli/testing";
import { ms, percentile } from "./stats.js";
import { parseArgs } from "./args.js";

const argsSchema = z.object({
  sizes: z
    .string()
    .default("5,200")
    .transform((text) => text.split(",").map(Number))
    .pipe(z.array(z.number().int().min(1).max(1000)).min(1)),
  runs: z.coerce.number().int().positive().default(60),
  warmup: z.coerce.number().int().nonnegative().default(5),
  idle: z.coerce.number().nonnegative().default(20),
});

const CLI = fileURLToPath(new URL("../cli/bin/stint.mjs", import.meta.url));
const POLLER_TROUBLE = /poller limit|ResourceExhausted|RESOURCE_EXHAUSTED/gi;

async function postgresDatabase(): Promise<string> {
  const adminUrl = execFileSync("bash", [fileURLToPath(new URL("../scripts/ensure-postgres.sh", import.meta.url))], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop()!;
  return createEmptyDatabase(adminUrl, "stint_bench");
}

async function main(): Promise<void> {
  const args = parseArgs(argsSchema, process.argv.slice(2));
  installRuntimeLogger("ERROR");
  const temporal = await startDevServer({ headless: true });
  const webapp = await startWebapp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "stint-bench-dev-")),
    databaseUrl: await postgresDatabase(),
    temporal: { address: temporal.address },
    bootstrap: false,
    ui: false,
  });
  const org = await createOrganization(webapp.db, "Bench");
  const project = await createProject(webapp.db, org.id, "Bench", ["DEVELOPMENT"]);
  const env = project.environments[0]!;
  const connection = await Connection.connect({ address: temporal.address });
  const api = async (path: string, body?: unknown) => {
    const response = await fetch(`${webapp.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${env.secretKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, any>;
  };

  const rows: string[] = [];
  for (const size of args.sizes) {
    const dir = mkdtempSync(join(tmpdir(), `stint-bench-project-${size}-`));
    writeGeneratedProject(dir, { tasks: size, projectRef: project.ref });
    let output = "";
    const { TEMPORAL_ADDRESS: _unused, ...processEnv } = process.env;
    const child = spawn(process.execPath, [CLI, "dev", "--no-watch"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...processEnv, TRIGGER_API_URL: webapp.url, TRIGGER_SECRET_KEY: env.secretKey },
    });
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const registeredAt = Date.now();
    while (!output.includes("Registered tasks:")) {
      if (child.exitCode !== null) throw new Error(`stint dev exited:\n${output}`);
      if (Date.now() - registeredAt > 300_000) throw new Error(`stint dev did not register in 5 minutes:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, args.idle * 1000));

    const session = await webapp.db.devSession.findFirstOrThrow({
      where: { environmentId: env.id, endedAt: null },
      orderBy: { createdAt: "desc" },
    });
    const described = await connection.workflowService.describeTaskQueue({
      namespace: "default",
      taskQueue: { name: session.taskQueue },
      taskQueueType: 2,
    });
    const queues = await webapp.db.taskQueue.count({
      where: {
        environmentId: env.id,
        name: { in: Array.from({ length: size }, (_, i) => `${generatedTaskId(i)}-queue`) },
      },
    });

    const started: number[] = [];
    for (let i = 0; i < args.warmup + args.runs; i++) {
      const task = generatedTaskId((i * 37) % size);
      const t0 = Date.now();
      const { id } = await api(`/api/v1/tasks/${task}/trigger`, { payload: { n: i } });
      let run: Record<string, any>;
      do {
        await new Promise((r) => setTimeout(r, 20));
        run = await api(`/api/v3/runs/${id}`);
      } while (!run.isCompleted);
      if (run.status !== "COMPLETED") throw new Error(`run ${id} of ${task}: ${run.status}`);
      if (i >= args.warmup) started.push((run.output as { startedAt: number }).startedAt - t0);
    }
    const troubles = output.match(POLLER_TROUBLE)?.length ?? 0;
    rows.push(
      `| ${size} | ${queues} | 1 (\`${session.taskQueue.replace(/session_[a-z0-9]+$/, "<session>")}\`) | ${described.pollers?.length ?? 0} | ${troubles} | ${ms(percentile(started, 50))} | ${ms(percentile(started, 95))} |`,
    );
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }

  console.log(
    `\nstint dev sessions: ${args.runs} sequential runs each (after ${args.warmup} warm-up), ${args.idle} s idle first\n`,
  );
  console.log(
    "| tasks | queues declared | task queues polled | pollers (describeTaskQueue) | poller-limit errors | trigger→start p50 | p95 |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
  await connection.close();
  await webapp.stop();
  await temporal.stop();
  process.exit(0);
}

void main();

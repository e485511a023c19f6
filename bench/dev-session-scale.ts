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
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Connection } from "@temporalio/client";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { createOrganization, createProject, startWebapp } from "@stint/dashboard";
import { generatedTaskId, writeGeneratedProject } from "@stint/cli/testing";
import { ms, percentile } from "./stats.js";
import { parseArgs } from "./args.js";
import { benchDatabase, startDevSession } from "./dev-session.js";

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

const POLLER_TROUBLE = /poller limit|ResourceExhausted|RESOURCE_EXHAUSTED/gi;

async function main(): Promise<void> {
  const args = parseArgs(argsSchema, process.argv.slice(2));
  installRuntimeLogger("ERROR");
  const temporal = await startDevServer({ headless: true });
  const webapp = await startWebapp({
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), "stint-bench-dev-")),
    databaseUrl: await benchDatabase("stint_bench"),
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
    const dev = await startDevSession(dir, webapp.url, env.secretKey);
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
    const troubles = dev.output().match(POLLER_TROUBLE)?.length ?? 0;
    rows.push(
      `| ${size} | ${queues} | 1 (\`${session.taskQueue.replace(/session_[a-z0-9]+$/, "<session>")}\`) | ${described.pollers?.length ?? 0} | ${troubles} | ${ms(percentile(started, 50))} | ${ms(percentile(started, 95))} |`,
    );
    await dev.stop();
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

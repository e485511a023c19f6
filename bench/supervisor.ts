/**
 * What running deployed attempts on a worker server costs: the supervisor's memory while idle (Docker and process
 * executors) and, for a deployed no-op task triggered through the REST API with a production key, trigger → run()
 * started and trigger → completed, with each attempt in a new (cold) container vs a child process. One Temporal dev
 * server, the webapp on PostgreSQL, a real Docker engine (scripts/ensure-docker.sh), the supervisor started as an
 * operator starts it; runs one at a time.
 *
 *   npm run bench:supervisor -- [--runs 20] [--warmup 3] [--idle-seconds 10]
 */
import { execFile, execFileSync, spawn } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { WORKER_TOKEN_FILE, createEmptyDatabase, createProject, startWebapp } from "@stint/dashboard";
import { installRuntimeLogger, startDevServer } from "@stint/temporal-workers";
import { parseArgs } from "./args.js";
import { ms, percentile } from "./stats.js";

const options = parseArgs(
  z.object({
    runs: z.coerce.number().int().positive().default(20),
    warmup: z.coerce.number().int().nonnegative().default(3),
    idleSeconds: z.coerce.number().positive().default(10),
  }),
  process.argv.slice(2),
);

const root = fileURLToPath(new URL("..", import.meta.url));
const script = (name: string) => execFileSync("bash", [join(root, "scripts", name)], { encoding: "utf8" }).trim().split("\n").pop()!;
installRuntimeLogger("ERROR");

const dockerSocket = script("ensure-docker.sh");
const postgres = script("ensure-postgres.sh");
const temporal = await startDevServer({ headless: true });
const dataDir = mkdtempSync(join(tmpdir(), "stint-bench-supervisor-"));
const webapp = await startWebapp({ port: 0, databaseUrl: await createEmptyDatabase(postgres, "stint_bench_supervisor"), dataDir, temporal: { address: temporal.address }, ui: false, github: null, log: () => undefined });
const token = readFileSync(join(dataDir, WORKER_TOKEN_FILE), "utf8").trim();
const org = await webapp.db.organization.findFirstOrThrow();
const prod = (await createProject(webapp.db, org.id, "Bench")).environments.find((env) => env.type === "PRODUCTION")!;

// A one-task project, deployed with the CLI as a user deploys it.
const project = mkdtempSync(join(tmpdir(), "stint-bench-project-"));
mkdirSync(join(project, "src/trigger"), { recursive: true });
writeFileSync(join(project, "trigger.config.ts"), `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_bench", machine: "small-1x", maxDuration: 60 });\n`);
writeFileSync(join(project, "src/trigger/noop.ts"), `import { task } from "@trigger.dev/sdk";\nexport const noop = task({ id: "bench-noop", run: async () => ({ startedAt: Date.now() }) });\n`);
// Not execFileSync: the webapp answering the deploy runs in this process.
await promisify(execFile)(process.execPath, [join(root, "sdk/cli/bin/stint.mjs"), "deploy"], { cwd: project, env: { ...process.env, TRIGGER_API_URL: webapp.url, TRIGGER_SECRET_KEY: prod.secretKey } });

const api = async (path: string, body?: unknown) => {
  const response = await fetch(`${webapp.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${prod.secretKey}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, any>;
};

/** Trigger → run() started (the task's own clock) and trigger → seen completed (polled every 10 ms). */
async function oneRun(): Promise<{ started: number; completed: number }> {
  const t0 = Date.now();
  const { id } = await api("/api/v1/tasks/bench-noop/trigger", { payload: null });
  for (;;) {
    const run = await api(`/api/v3/runs/${id}`);
    if (run.status === "COMPLETED") return { started: run.output.startedAt - t0, completed: Date.now() - t0 };
    if (["FAILED", "CRASHED", "SYSTEM_FAILURE"].includes(run.status)) throw new Error(`${id} ${run.status}: ${JSON.stringify(run.error)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const rssMb = (pid: number, field = "VmRSS") => Number(/(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((line) => line.startsWith(field))!)![1]) / 1024;

const results: string[] = [];
for (const executor of ["process", "docker"] as const) {
  const child = spawn(
    process.execPath,
    [join(root, "supervisor/bin/stint-supervisor.mjs"), "--api-url", webapp.url, "--token", token, "--name", `bench-${executor}`, "--executor", executor, "--capacity", "4", "--data-dir", mkdtempSync(join(tmpdir(), "stint-bench-sv-")), "--docker-socket", dockerSocket],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) => child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("serves worker group") && resolve()));
  await new Promise((resolve) => setTimeout(resolve, options.idleSeconds * 1000));
  const idle = rssMb(child.pid!);
  for (let i = 0; i < options.warmup; i++) await oneRun();
  const started: number[] = [];
  const completed: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const run = await oneRun();
    started.push(run.started);
    completed.push(run.completed);
  }
  const busy = rssMb(child.pid!, "VmHWM");
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  results.push(
    `| ${executor === "docker" ? "Docker (a cold container per attempt)" : "process (a child process per attempt)"} | ${idle.toFixed(0)} MB | ${busy.toFixed(0)} MB | ${ms(percentile(started, 50))} / ${ms(percentile(started, 95))} | ${ms(percentile(completed, 50))} / ${ms(percentile(completed, 95))} |`,
  );
}

console.log(`\n${options.runs} runs each (after ${options.warmup} warm-up), Node ${process.version}, supervisor idle ${options.idleSeconds} s before its RSS is read\n`);
console.log("| executor | supervisor idle RSS | supervisor peak RSS | trigger → run() p50 / p95 | trigger → completed p50 / p95 |");
console.log("| --- | --- | --- | --- | --- |");
for (const line of results) console.log(line);
await webapp.stop();
await temporal.stop();
process.exit(0);

/**
 * `stint dev`: bundles the project in the current folder, registers its tasks, and executes their runs in this
 * process against Temporal (a dev server it starts, persisting under .stint/, or --temporal-address). Reloads on
 * file changes.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import chokidar from "chokidar";
import { z } from "zod";
import { Client, Connection } from "@temporalio/client";
import { setClientRuntime } from "@stint/sdk/runtime";
import { StintEngineClient, createStintWorkers, installRuntimeLogger, startDevServer, type DevServer, type RunState } from "@stint/temporal-workers";
import { loadConfig, findConfigFile } from "../project/load-config.js";
import { buildAndLoadProject } from "../project/build-project.js";
import { taskDirs } from "../project/find-task-files.js";
import { writeSession } from "../session-file.js";
import { LoggingExecutor } from "./logging-executor.js";

export const devOptionsSchema = z.object({
  cwd: z.string().default("."),
  stateDir: z.string().optional(),
  temporalAddress: z.string().regex(/^[\w.-]+:\d+$/, "expected host:port, e.g. 127.0.0.1:7233").optional(),
  namespace: z.string().min(1).default("default"),
  workflowQueue: z.string().min(1).default("stint-dev"),
  /** Defaults to the workflow queue: one worker then serves both, and attempts start by eager dispatch. */
  attemptQueue: z.string().min(1).optional(),
  uiPort: z.coerce.number().int().min(1).max(65_535).optional(),
  watch: z.boolean().default(true),
  trigger: z.string().optional(),
  payload: z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `--payload must be JSON, got ${text}` });
        return z.NEVER;
      }
    }),
});
export type DevOptions = z.input<typeof devOptionsSchema>;

const time = () => new Date().toISOString().slice(11, 19);

export async function runDev(rawOptions: DevOptions): Promise<{ stop(): Promise<void> }> {
  const parsed = devOptionsSchema.parse(rawOptions);
  const options = { ...parsed, attemptQueue: parsed.attemptQueue ?? parsed.workflowQueue };
  const projectDir = resolve(options.cwd);
  const stateDir = resolve(options.stateDir ?? join(projectDir, ".stint"));
  const buildRoot = join(projectDir, ".stint", "build");
  findConfigFile(projectDir);
  rmSync(buildRoot, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  installRuntimeLogger("ERROR");

  let { config, file: configFile } = await loadConfig(projectDir, buildRoot);
  let project = await buildAndLoadProject(projectDir, config, buildRoot);

  let server: DevServer | undefined;
  const address = options.temporalAddress ?? process.env.TEMPORAL_ADDRESS;
  if (!address) {
    server = await startDevServer({ dbFile: join(stateDir, "temporal.db"), uiPort: options.uiPort, namespace: options.namespace });
  }
  const temporalAddress = address ?? server!.address;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: options.namespace });
  const engine = new StintEngineClient({
    client,
    workflowTaskQueue: options.workflowQueue,
    attemptQueue: options.attemptQueue,
    environment: { id: "env_dev", slug: "dev", type: "DEVELOPMENT", projectRef: config.project },
    // Trigger.dev semantics: retries are off in dev unless the config enables them.
    settings: { retriesEnabled: config.retries?.enabledInDev ?? false },
  });
  const workers = await createStintWorkers({
    client,
    address: temporalAddress,
    namespace: options.namespace,
    workflowTaskQueue: options.workflowQueue,
    attempts: { taskQueue: options.attemptQueue, executor: new LoggingExecutor() },
  });
  const running = workers.run();
  setClientRuntime(engine);

  const writeState = () =>
    writeSession(stateDir, {
      pid: process.pid,
      projectDir,
      temporalAddress,
      temporalUiUrl: server?.uiUrl,
      namespace: options.namespace,
      workflowTaskQueue: options.workflowQueue,
      attemptQueue: options.attemptQueue,
      taskIds: project.taskIds,
      startedAt: new Date().toISOString(),
    });
  writeState();

  console.log(`stint dev — project ${config.project} (${relative(process.cwd(), projectDir) || "."})`);
  console.log(`  Temporal:    ${temporalAddress}${server ? ` (dev server, state in ${relative(process.cwd(), stateDir) || "."})` : ""}`);
  if (server?.uiUrl) console.log(`  Temporal UI: ${server.uiUrl}/namespaces/${options.namespace}/workflows`);
  console.log(`  Registered tasks: ${project.taskIds.join(", ")}`);

  let watcher: ReturnType<typeof chokidar.watch> | undefined;
  if (options.watch) {
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      try {
        ({ config, file: configFile } = await loadConfig(projectDir, buildRoot));
        project = await buildAndLoadProject(projectDir, config, buildRoot);
        writeState();
        console.log(`[${time()}] Reloaded. Registered tasks: ${project.taskIds.join(", ")}`);
      } catch (error) {
        console.error(`[${time()}] Build failed, still running the previous version:\n${(error as Error).message}`);
      }
    };
    watcher = chokidar.watch([...taskDirs(projectDir, config.dirs), configFile], { ignoreInitial: true });
    watcher.on("all", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 150);
    });
    await new Promise<void>((r) => watcher!.once("ready", () => r()));
  }

  if (options.trigger) {
    const handle = await engine.trigger({ task: options.trigger, payload: options.payload });
    console.log(`[${time()}] Triggered ${options.trigger}: ${handle.id}`);
    void waitForResult(engine, handle.id).then((state) =>
      console.log(`[${time()}] ${handle.id} ${state.status}: ${JSON.stringify(state.status === "COMPLETED" ? state.output : state.error)}`),
    );
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await watcher?.close();
    setClientRuntime(undefined);
    await workers.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    await server?.stop();
  };
  return { stop };
}

async function waitForResult(engine: StintEngineClient, runId: string): Promise<RunState> {
  for (;;) {
    const state = await engine.runState(runId);
    if (["COMPLETED", "FAILED", "CANCELED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"].includes(state.status)) return state;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * `stint dev`: bundles the project in the current folder, registers its tasks, and executes each attempt in a child
 * process (a runner) of the bundle version the run is locked to. Standalone, against Temporal (a dev server it starts, persisting under .stint/, or --temporal-address);
 * with a webapp URL and development secret key, as a session of that webapp. Reloads on file changes.
 */
import { mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import chokidar from "chokidar";
import { z } from "zod";
import { BundleStore, installRuntimeLogger } from "@stint/temporal-workers";
import { loadConfig, findConfigFile } from "../project/load-config.js";
import { buildProject, declarationsOf } from "../project/build-project.js";
import { taskDirs } from "../project/find-task-files.js";
import { writeSession } from "../session-file.js";
import { startStandaloneBackend, startWebappBackend } from "./dev-backends.js";
import { AttemptPrinter } from "./attempt-printer.js";
import { DevExecutor } from "./dev-executor.js";
import { loadProblems } from "./load-problems.js";

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
  /** With a secret key: run as a session of this Stint webapp instead of on a private Temporal server. */
  apiUrl: z.string().url("--api-url must be a URL like http://127.0.0.1:3030").optional(),
  secretKey: z.string().regex(/^tr_dev_/, "--secret-key must be a development secret key (tr_dev_…)").optional(),
  /** Print every failed attempt's full stack (by default: once per task and error), and the engine's warnings. */
  verbose: z.boolean().default(false),
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
  // Earlier builds stay: runs that started on them resume on the same code (see BundleStore).
  const store = new BundleStore(buildRoot);
  store.prune();
  mkdirSync(stateDir, { recursive: true });

  installRuntimeLogger(options.verbose ? "WARN" : "ERROR", { stacks: options.verbose });
  const printer = new AttemptPrinter({ verbose: options.verbose });

  const executor = new DevExecutor({ projectDir, store, printer });
  /** Builds the project and loads it in a runner process: the tasks, queues and schedules it declares. */
  // The first build leaves out task files that do not build (the others' tasks register); a reload keeps the
  // previous version instead.
  let firstBuild = true;
  const buildAndLoad = async () => {
    const loaded = await loadConfig(projectDir, join(buildRoot, "config"));
    const { bundle, skipped } = await buildProject(projectDir, loaded.config, loaded.built, store, { isolateFailures: firstBuild });
    firstBuild = false;
    const manifest = await executor.activate(bundle);
    for (const line of loadProblems(skipped, manifest)) console.error(line);
    return { ...loaded, version: bundle.version, project: declarationsOf(manifest, loaded.config) };
  };
  let { config, file: configFile, project, version } = await buildAndLoad();

  const target = options.apiUrl && options.secretKey ? { apiUrl: options.apiUrl, secretKey: options.secretKey } : undefined;
  // Task code reaches the same webapp for management calls (queues.*), as the Trigger.dev SDK would.
  if (target) {
    process.env.TRIGGER_API_URL ??= target.apiUrl;
    process.env.TRIGGER_SECRET_KEY ??= target.secretKey;
  }
  const backend = target
    ? await startWebappBackend(target, project, executor)
    : await startStandaloneBackend({ ...options, stateDir, retriesEnabled: config.retries?.enabledInDev ?? false, projectRef: config.project, executor });
  if (!target) await backend.register(project);

  const writeState = () =>
    writeSession(stateDir, {
      pid: process.pid,
      projectDir,
      temporalAddress: backend.temporalAddress,
      mode: backend.webapp ? "webapp" : "standalone",
      webapp: backend.webapp,
      temporalUiUrl: backend.temporalUiUrl,
      namespace: backend.namespace,
      queues: backend.queues(),
      taskIds: project.taskIds,
      startedAt: new Date().toISOString(),
    });
  writeState();
  // `stint status` reads where the session is: keep it true when the session follows Temporal elsewhere.
  backend.onTemporalMoved?.(writeState);

  console.log(`stint dev — project ${config.project} (${relative(process.cwd(), projectDir) || "."})`);
  for (const line of backend.describe()) console.log(`  ${line}`);
  console.log(`  Version:     ${version} (each attempt runs in a child process of this session)`);
  console.log(`  Registered tasks: ${project.taskIds.join(", ")}`);

  let watcher: ReturnType<typeof chokidar.watch> | undefined;
  if (options.watch) {
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      try {
        ({ config, file: configFile, project, version } = await buildAndLoad());
        await backend.register(project);
        writeState();
        console.log(`[${time()}] Reloaded. Registered tasks: ${project.taskIds.join(", ")} (version ${version})`);
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
    const runId = await backend.trigger(options.trigger, options.payload);
    console.log(`[${time()}] Triggered ${options.trigger}: ${runId}`);
    void backend.waitForResult(runId).then((result) => printer.runFinished(runId, result.status, result.detail));
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await watcher?.close();
    await backend.stop();
    executor.close();
  };
  return { stop };
}

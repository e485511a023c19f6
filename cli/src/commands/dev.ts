/**
/**
 * `stint dev`: bundles the project in the current folder, registers its tasks, and executes each attempt in a child
 * process (a runner) of the bundle version the run is locked to. Standalone, against Temporal (a dev server it
 * starts, persisting under .stint/, or --temporal-address); with a webapp URL and an access token or development
 * secret key (flags, the shell, or the project's .env), or else with the `stint login` profile, as a session of that
 * webapp, in the development environment of the project trigger.config.ts names. Its first line says which. Reloads on file changes.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative, resolve } from "node:path";
import chokidar from "chokidar";
import { z } from "zod";
import { BundleStore, installRuntimeLogger } from "@stint/temporal-workers";
import { loadConfig, findConfigFile } from "../project/load-config.js";
import { buildProject, declarationsOf } from "../project/build-project.js";
import { releaseBundler } from "../project/release-bundler.js";
import { taskDirs } from "../project/find-task-files.js";
import { writeSession } from "../session-file.js";
import { DEFAULT_WORKFLOW_QUEUE, startStandaloneBackend, startWebappBackend, type DevBackend } from "./dev-backends.js";
import { loadProjectEnv } from "../project/env-files.js";
import { resolveDevMode, type DevMode } from "../dev-target.js";
import { AttemptPrinter } from "./attempt-printer.js";
import { DevExecutor } from "./dev-executor.js";
import { loadProblems } from "./load-problems.js";

export const devOptionsSchema = z.object({
  cwd: z.string().default("."),
  stateDir: z.string().optional(),
  temporalAddress: z
    .string()
    .regex(/^[\w.-]+:\d+$/, "expected host:port, e.g. 127.0.0.1:7233")
    .optional(),
  namespace: z.string().min(1).default("default"),
  workflowQueue: z.string().min(1).default(DEFAULT_WORKFLOW_QUEUE),
  /** Defaults to the workflow queue: one worker then serves both, and attempts start by eager dispatch. */
  attemptQueue: z.string().min(1).optional(),
  uiPort: z.coerce.number().int().min(1).max(65_535).optional(),
  watch: z.boolean().default(true),
  /** With an access token or a secret key: run as a session of this Stint webapp instead of on a private Temporal server. */
  apiUrl: z.string().url("--api-url / TRIGGER_API_URL must be a URL like http://127.0.0.1:3030").optional(),
  /** A personal access token: the webapp finds or creates the config's project. */
  accessToken: z
    .string()
    .regex(/^tr_pat_/, "--access-token / TRIGGER_ACCESS_TOKEN must be a personal access token (tr_pat_…)")
    .optional(),
  /** Checked when used (a key for the user's app in the shell must not stop a session that uses an access token). */
  secretKey: z.string().optional(),
  /** Ignore webapp settings: run on a Temporal server of its own. */
  standalone: z.boolean().default(false),
  /** The `stint login` profile to run with (default: the current one, when no webapp settings are set). */
  profile: z.string().min(1).optional(),
  /** Read this file instead of the project's .env files. */
  envFile: z.string().optional(),
  /** Print every failed attempt's full stack (by default: once per task and error), and the engine's warnings. */
  verbose: z.boolean().default(false),
  /** Runner processes kept started with the current version, so an attempt does not wait for Node (0: one per attempt). */
  warmRunners: z.coerce
    .number({ invalid_type_error: "a whole number from 0 to 8" })
    .int("a whole number from 0 to 8")
    .min(0, "a whole number from 0 to 8")
    .max(8, "a whole number from 0 to 8")
    .default(1),
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

/** Says which mode stint dev runs in and where, first thing. */
function firstLine(mode: DevMode, backend: DevBackend, configProject: string): string {
  if (mode.kind === "standalone") {
    return `standalone (${mode.reason}): Temporal at ${backend.temporalAddress}, project ${configProject}; runs do not reach a Stint webapp or its dashboard`;
  }
  const { project } = mode;
  const named = project.name ? ` (${project.name})` : "";
  return `session of the Stint webapp at ${mode.target.apiUrl}: project ${project.ref}${named}, environment ${backend.environmentLabel ?? "dev"} (found with your ${project.via})`;
}

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

  // The project's .env first: it may hold the webapp settings, and task code (in runners forked from this process)
  // reads its variables.
  const loadedEnv = loadProjectEnv(projectDir, options.envFile);
  let firstConfig: Awaited<ReturnType<typeof loadConfig>> | undefined = await loadConfig(
    projectDir,
    join(buildRoot, "config"),
  );
  const credentials = devOptionsSchema.pick({ apiUrl: true, accessToken: true, secretKey: true }).parse({
    apiUrl: options.apiUrl ?? process.env.TRIGGER_API_URL,
    accessToken: options.accessToken ?? process.env.TRIGGER_ACCESS_TOKEN,
    secretKey: options.secretKey ?? process.env.TRIGGER_SECRET_KEY,
  });
  const mode = await resolveDevMode(
    { ...credentials, standalone: options.standalone, profile: options.profile },
    firstConfig.config.project,
    projectDir,
    loadedEnv.keys,
  );
  if (mode.kind === "webapp") {
    // Task code calls the same webapp with the session environment's key (as under Trigger.dev's CLI); the user's
    // access token stays with the CLI.
    process.env.TRIGGER_API_URL = mode.target.apiUrl;
    process.env.TRIGGER_SECRET_KEY = mode.target.secretKey;
    delete process.env.TRIGGER_ACCESS_TOKEN;
  }

  const executor = new DevExecutor({ projectDir, store, printer, warmRunners: options.warmRunners });
  /** Builds the project and loads it in a runner process: the tasks, queues and schedules it declares. */
  // The first build leaves out task files that do not build (the others' tasks register); a reload keeps the
  // previous version instead.
  let firstBuild = true;
  let building = 0;
  const buildAndLoad = async () => {
    building += 1;
    try {
      const loaded = firstConfig ?? (await loadConfig(projectDir, join(buildRoot, "config")));
      firstConfig = undefined;
      const { bundle, skipped } = await buildProject(projectDir, loaded.config, loaded.file, store, {
        isolateFailures: firstBuild,
      });
      firstBuild = false;
      const manifest = await executor.activate(bundle);
      for (const line of loadProblems(skipped, manifest)) console.error(line);
      return { ...loaded, version: bundle.version, project: declarationsOf(manifest, loaded.config, bundle) };
    } finally {
      // Idle between builds: no bundler process held (a reload that overlaps this one still needs it).
      building -= 1;
      if (building === 0) await releaseBundler();
    }
  };
  let { config, file: configFile, project, version } = await buildAndLoad();

  const backend =
    mode.kind === "webapp"
      ? await startWebappBackend(
          mode.target,
          project,
          { label: `${hostname()}:${projectDir}`, projectRef: config.project },
          executor,
        )
      : await startStandaloneBackend({
          ...options,
          stateDir,
          retriesEnabled: config.retries?.enabledInDev ?? false,
          projectRef: config.project,
          executor,
        });
  if (mode.kind === "standalone") await backend.register(project);

  console.log(`stint dev — ${firstLine(mode, backend, config.project)}`);
  if (mode.kind === "webapp" && mode.project.created) {
    console.log(
      `  Created project ${mode.project.ref} in organisation ${mode.project.organization} (your access token). Your app's TRIGGER_SECRET_KEY for it: ${mode.target.secretKey}`,
    );
  }
  console.log(`  Project folder: ${relative(process.cwd(), projectDir) || "."}`);
  if (loadedEnv.files.length > 0)
    console.log(
      `  Read ${loadedEnv.files.join(", ")}: ${loadedEnv.keys.length} variable(s) set (${loadedEnv.keys.join(", ") || "the shell already had them all"})`,
    );

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

/**
 * Bundles a project's task files (one esbuild build, shared chunks) into a bundle version: a folder named by the
 * build's content, which runner processes import. Nothing of the project runs in this process. A version stays on
 * disk after the code changes, so runs that started on it resume and retry on the same code.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { build, type BuildOptions, type BuildResult, type Message, type Metafile } from "esbuild";
import type { DeclaredQueue } from "@stint/sdk/runtime";
import type { TriggerConfig } from "@stint/sdk";
import type { BundleManifest, BundleStore, RunnerBundle } from "@stint/temporal-workers";
import { findTaskFiles, taskDirs } from "./find-task-files.js";
import { sdkAliasPlugin } from "./sdk-alias-plugin.js";

export interface DeclaredSchedule {
  task: string;
  cron: string;
  timezone?: string;
}

/** What a worker tells the engine (or webapp) about the project it runs. */
export interface ProjectDeclarations {
  taskIds: string[];
  /** Cron schedules declared in code with schedules.task({ cron }). */
  schedules: DeclaredSchedule[];
  /** Queues and their concurrency limits, as declared in code. */
  queues: DeclaredQueue[];
  /** The config's `retries.enabledInDev`: retries are off in dev unless it is true. */
  retriesEnabledInDev: boolean;
  /** Task id → hash of the bundled file that defines it: sessions serving one task with different code are warned. */
  taskVersions: Record<string, string>;
}

/** A task file left out of a build because it does not build, with esbuild's errors (file:line:column: text). */
export interface SkippedFile {
  file: string;
  message: string;
}

export interface BuiltProject {
  bundle: RunnerBundle;
  /** Task files in the build, relative to the project. */
  files: string[];
  /** Task files left out because they do not build (the others' tasks still register). */
  skipped: SkippedFile[];
}

let buildNumber = 0;

/**
 * `configFile`: the project's trigger.config file. It is an entry of the same build, so its hooks travel with the code
 * and the code it shares with the tasks (the SDK) is one chunk: a runner compiles it once, not once per copy.
 * `isolateFailures`: leave out task files that do not build instead of failing (a first build: the other files' tasks
 * register; a reload keeps the previous version instead, so a typo never drops the task being edited).
 */
export async function buildProject(
  projectDir: string,
  config: TriggerConfig,
  configFile: string,
  store: BundleStore,
  options: { isolateFailures?: boolean } = {},
): Promise<BuiltProject> {
  const files = findTaskFiles(taskDirs(projectDir, config.dirs));
  if (files.length === 0) {
    throw new Error(
      `No task files found in ${taskDirs(projectDir, config.dirs)
        .map((d) => relative(projectDir, d) || ".")
        .join(", ")}. Put tasks in src/trigger/*.ts or set \`dirs\` in trigger.config.ts.`,
    );
  }
  // Built next to the versions (same depth, so relative source-map paths match) and renamed once its id is known.
  const staging = join(store.root, `staging-${process.pid}-${++buildNumber}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  let entries = files;
  let skipped: SkippedFile[] = [];
  let result: BuildResult;
  // A config inside the task folders is not a task file.
  const withConfig = (taskFiles: string[]) => [configFile, ...taskFiles.filter((file) => file !== configFile)];
  try {
    result = await build(bundleOptions(projectDir, withConfig(entries), staging));
  } catch (error) {
    if (!options.isolateFailures) throw error;
    // One file that does not build must not keep the others' tasks from registering: leave out the files that fail.
    skipped = await filesThatFail(projectDir, files, error);
    if (skipped.length === 0 || skipped.length === files.length) throw error;
    const failing = new Set(skipped.map((entry) => entry.file));
    entries = files.filter((file) => !failing.has(file));
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    result = await build(bundleOptions(projectDir, withConfig(entries), staging));
  }

  const outputs = Object.entries((result.metafile as Metafile).outputs).sort(([a], [b]) => a.localeCompare(b));
  const hash = createHash("sha256");
  for (const [output] of outputs)
    hash
      .update(`${relative(staging, join(projectDir, output))}\0`)
      .update(readFileSync(join(projectDir, output)))
      .update("\0");
  const version = hash.digest("hex").slice(0, 12);

  const dir = store.dir(version);
  if (store.has(version)) rmSync(staging, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  // Metafile paths are relative to absWorkingDir (the project). A module the code imports dynamically has an output
  // with an entry point too: it is not a task file, and loads only when called.
  const configSource = relative(projectDir, configFile);
  const taskSources = new Set(entries.map((file) => relative(projectDir, file)));
  const built = outputs.flatMap(([output, meta]) =>
    meta.entryPoint ? [{ file: join(dir, relative(staging, join(projectDir, output))), source: meta.entryPoint }] : [],
  );
  const bundle: RunnerBundle = {
    version,
    entries: built.filter((entry) => taskSources.has(entry.source) && entry.source !== configSource),
    configFile: built.find((entry) => entry.source === configSource)?.file,
  };
  store.saveBundle(bundle);
  return {
    bundle,
    files: entries.map((f) => relative(projectDir, f)),
    skipped: skipped.map((entry) => ({ file: relative(projectDir, entry.file), message: entry.message })),
  };
}

function bundleOptions(
  projectDir: string,
  entryPoints: string[],
  outdir: string,
): BuildOptions & { metafile: true; write: true } {
  return {
    entryPoints,
    outdir,
    outbase: projectDir,
    bundle: true,
    splitting: true,
    // .mjs: the project folder may not say "type": "module", and these files are ES modules.
    outExtension: { ".js": ".mjs" },
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    // Stack traces need the mappings only: without the sources' text a runner parses a third of the map at start.
    sourcesContent: false,
    metafile: true,
    write: true,
    plugins: [sdkAliasPlugin()],
    logLevel: "silent",
    absWorkingDir: projectDir,
    banner: {
      js: "import { createRequire as __stintRequire } from 'node:module'; const require = __stintRequire(import.meta.url);",
    },
  };
}

/** esbuild's errors as `file:line:column: message` lines. */
function describeErrors(error: unknown): string {
  const errors = (error as { errors?: Message[] }).errors;
  if (!errors?.length) return (error as Error).message;
  return errors
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text))
    .join("\n");
}

/** The task files that do not build on their own (each checked alone, in memory), with esbuild's errors. */
async function filesThatFail(projectDir: string, files: string[], error: unknown): Promise<SkippedFile[]> {
  if (!(error as { errors?: unknown }).errors) return [];
  const failing: SkippedFile[] = [];
  for (const file of files) {
    try {
      await build({
        ...bundleOptions(projectDir, [file], join(projectDir, ".stint-check")),
        write: false,
        splitting: false,
        sourcemap: false,
      });
    } catch (fileError) {
      failing.push({ file, message: describeErrors(fileError) });
    }
  }
  return failing;
}

/** What the session declares: the loaded version's tasks, schedules and queues, the config's dev retries, and each task's code hash. */
export function declarationsOf(
  manifest: BundleManifest,
  config: TriggerConfig,
  bundle: RunnerBundle,
): ProjectDeclarations {
  // Shared chunks are imported by content-hashed names, so an entry's text covers the code its tasks run.
  const hashOfSource = new Map(
    bundle.entries.map((entry) => [
      entry.source,
      createHash("sha256").update(readFileSync(entry.file)).digest("hex").slice(0, 16),
    ]),
  );
  return {
    taskIds: manifest.tasks.map((task) => task.id).sort(),
    schedules: manifest.tasks.flatMap((task) => (task.schedule ? [{ task: task.id, ...task.schedule }] : [])),
    queues: manifest.queues,
    retriesEnabledInDev: config.retries?.enabledInDev ?? false,
    taskVersions: Object.fromEntries(
      manifest.tasks.map((task) => [task.id, hashOfSource.get(task.filePath) ?? "unknown"]),
    ),
  };
}

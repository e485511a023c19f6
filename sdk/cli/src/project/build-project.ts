/**
 * Bundles a project's task files (one esbuild build, shared chunks) and imports them, so their task() calls
 * register in the SDK catalog. Each build goes to its own folder: a reload imports fresh modules.
 */
import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";
import { declaredQueues, resetCatalog, sdkGlobals, type DeclaredQueue } from "@stint/sdk/runtime";
import type { TriggerConfig } from "@stint/sdk";
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
}

export interface BuiltProject extends ProjectDeclarations {
  files: string[];
  outDir: string;
}

let buildNumber = 0;

export async function buildAndLoadProject(projectDir: string, config: TriggerConfig, buildRoot: string): Promise<BuiltProject> {
  const files = findTaskFiles(taskDirs(projectDir, config.dirs));
  if (files.length === 0) {
    throw new Error(`No task files found in ${taskDirs(projectDir, config.dirs).map((d) => relative(projectDir, d) || ".").join(", ")}. Put tasks in src/trigger/*.ts or set \`dirs\` in trigger.config.ts.`);
  }
  const outDir = join(buildRoot, `build-${process.pid}-${++buildNumber}`);
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: files,
    outdir: outDir,
    outbase: projectDir,
    bundle: true,
    splitting: true,
    // .mjs: the project folder may not say "type": "module", and these files are ES modules.
    outExtension: { ".js": ".mjs" },
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    metafile: true,
    plugins: [sdkAliasPlugin()],
    logLevel: "silent",
    absWorkingDir: projectDir,
    banner: { js: "import { createRequire as __stintRequire } from 'node:module'; const require = __stintRequire(import.meta.url);" },
  });
  // Only now, with a good build in hand, swap the catalog: a broken edit keeps the previous tasks running.
  resetCatalog();
  const globals = sdkGlobals();
  globals.config = config;
  for (const [output, meta] of Object.entries((result.metafile as Metafile).outputs)) {
    if (!meta.entryPoint) continue;
    globals.currentFile = meta.entryPoint;
    // Metafile paths are relative to absWorkingDir (the project).
    await import(pathToFileURL(join(projectDir, output)).href);
  }
  globals.currentFile = undefined;
  const schedules = [...globals.catalog.values()].flatMap((definition) => (definition.schedule ? [{ task: definition.id, ...definition.schedule }] : []));
  return { taskIds: [...globals.catalog.keys()].sort(), schedules, queues: declaredQueues(), retriesEnabledInDev: config.retries?.enabledInDev ?? false, files: files.map((f) => relative(projectDir, f)), outDir };
}

/**
 * `stint init`: makes a folder a Stint / Trigger.dev project — a trigger.config.ts, stint-env.d.ts (Stint's
 * checkpointThreshold option for TypeScript that resolves the real @trigger.dev/sdk types) and, in a project without
 * tasks, an example task. It never overwrites a file, and says what it found instead of adding an example to a
 * project that already has tasks (`--example` adds one anyway).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { findTaskFiles, taskDirs } from "../project/find-task-files.js";
import { findConfigFile, loadConfig } from "../project/load-config.js";

/** Ships with @stint/sdk: Stint's checkpointThreshold added to the real SDK's types. */
const STINT_ENV = createRequire(import.meta.url).resolve("@stint/sdk/trigger-dev-types.d.ts");
const STINT_ENV_FILE = "stint-env.d.ts";

const CONFIG = (project: string) => `import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "${project}",
  dirs: ["./src/trigger"],
  maxDuration: 3600,
  retries: { enabledInDev: true, default: { maxAttempts: 3, minTimeoutInMs: 1000, maxTimeoutInMs: 10000, factor: 2 } },
});
`;

const EXAMPLE = `import { logger, task, wait } from "@trigger.dev/sdk";

export const helloWorld = task({
  id: "hello-world",
  run: async (payload: { name?: string }) => {
    logger.info("Hello", { name: payload.name ?? "world" });
    await wait.for({ seconds: 2 });
    return { message: \`Hello, \${payload.name ?? "world"}!\` };
  },
});
`;

export interface InitOptions {
  /** Project ref for a new trigger.config.ts (default: proj_<folder name>). */
  project?: string;
  /** Add the example task even when the project has tasks already. */
  example?: boolean;
}

export interface InitResult {
  /** Files written, relative to the project folder. */
  created: string[];
  /** What was already there and why it was left alone, one sentence each. */
  notes: string[];
}

export async function runInit(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const root = resolve(dir);
  const result: InitResult = { created: [], notes: [] };

  let dirs: string[] | undefined;
  let configFile: string | undefined;
  try {
    configFile = findConfigFile(root);
  } catch {
    // No config yet: written below.
  }
  if (configFile) {
    const scratch = mkdtempSync(join(tmpdir(), "stint-init-"));
    try {
      const { config } = await loadConfig(root, scratch);
      dirs = config.dirs;
      result.notes.push(`${relative(root, configFile)} exists (project ${config.project}): left as it is.`);
    } catch (error) {
      result.notes.push(
        `${relative(root, configFile)} exists but does not load (${(error as Error).message}): left as it is; looking for tasks in ./src/trigger.`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    const ref =
      options.project ??
      `proj_${
        basename(root)
          .replace(/[^a-z0-9]/gi, "")
          .toLowerCase() || "stint"
      }`;
    write(root, "trigger.config.ts", CONFIG(ref), result);
    dirs = ["./src/trigger"];
  }

  const taskFiles = findTaskFiles(taskDirs(root, dirs)).map((file) => relative(root, file));
  const exampleFile = join(relative(root, taskDirs(root, dirs)[0]!), "example.ts");
  if (taskFiles.length > 0 && !options.example) {
    const shown = taskFiles.slice(0, 5).join(", ") + (taskFiles.length > 5 ? `, … (${taskFiles.length} in all)` : "");
    result.notes.push(`Found task files (${shown}): no example added (\`stint init --example\` adds one).`);
  } else if (existsSync(join(root, exampleFile))) {
    result.notes.push(`${exampleFile} exists: left as it is.`);
  } else {
    write(root, exampleFile, EXAMPLE, result);
  }
  // A new project gets Stint's declarations for the real SDK's types; an existing one is left as it is.
  if (!configFile && !existsSync(join(root, STINT_ENV_FILE)))
    write(root, STINT_ENV_FILE, readFileSync(STINT_ENV, "utf8"), result);
  return result;
}

function write(root: string, file: string, text: string, result: InitResult): void {
  const path = join(root, file);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text, { flag: "wx" });
  result.created.push(file);
}

/** A RunnerExecutor over child processes that runs test/fixtures/runner-tasks.ts (as `stint dev` runs a project). */
import { fileURLToPath } from "node:url";
import { RunnerExecutor, type RunnerExecutorOptions } from "../../src/executor/runner-executor.js";
import { childProcessLauncher, type ChildProcessLauncherOptions } from "../../src/executor/child-process-launcher.js";

export const RUNNER_TASKS = fileURLToPath(new URL("../fixtures/runner-tasks.ts", import.meta.url));

export async function startRunnerExecutor(
  options: Partial<RunnerExecutorOptions> & { launch?: ChildProcessLauncherOptions; entries?: Array<{ file: string; source: string }>; version?: string } = {},
): Promise<RunnerExecutor> {
  const executor = new RunnerExecutor({ launcher: childProcessLauncher(options.launch), ...options });
  await executor.activate({ version: options.version ?? "test-1", entries: options.entries ?? [{ file: RUNNER_TASKS, source: "test/fixtures/runner-tasks.ts" }] });
  return executor;
}

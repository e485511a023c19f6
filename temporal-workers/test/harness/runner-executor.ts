/**
 * A RunnerExecutor over child processes running test fixtures, built as `stint dev` builds a project: one esbuild
 * bundle per version with Stint's SDK inside.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { RunnerExecutor, type RunnerExecutorOptions } from "../../src/executor/runner-executor.js";
import { childProcessLauncher, type ChildProcessLauncherOptions } from "../../src/executor/child-process-launcher.js";
import type { RunnerBundle } from "../../src/executor/runner-protocol.js";

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Bundles one fixture file as a bundle version (`@trigger.dev/sdk` is Stint's, as `stint dev` aliases it). */
export function buildFixture(file: string, version: string): RunnerBundle {
  const outfile = join(mkdtempSync(join(tmpdir(), "stint-bundle-")), `${basename(file, ".ts")}.mjs`);
  buildSync({
    entryPoints: [file],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    alias: { "@trigger.dev/sdk": "@stint/sdk" },
    logLevel: "silent",
  });
  return { version, entries: [{ file: outfile, source: `test/fixtures/${basename(file)}` }] };
}

export async function startRunnerExecutor(
  options: Partial<RunnerExecutorOptions> & { launch?: ChildProcessLauncherOptions; bundle?: RunnerBundle } = {},
): Promise<RunnerExecutor> {
  const executor = new RunnerExecutor({ launcher: childProcessLauncher(options.launch), ...options });
  await executor.activate(options.bundle ?? buildFixture(fixture("runner-tasks.ts"), "test-1"));
  return executor;
}

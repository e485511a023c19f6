/**
 * The Docker executor without the rest of the supervisor: a RunnerExecutor whose runners are hardened containers of
 * the runtime image, over versions built from test fixtures (esbuild bundles with Stint's SDK inside, as a deployment
 * holds them), against the real engine (startTestEngine) and the real Docker engine.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import { buildSync } from "esbuild";
import { inject } from "vitest";
import { BundleStore, RunnerExecutor, type RunnerBundle } from "@stint/temporal-workers";
import { containerLauncher } from "../../src/docker/container-launcher.js";
import { machineFor } from "../../src/machine-presets.js";
import type { RunLogLine } from "../../src/worker-api.js";

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export function docker(): Docker {
  return new Docker({ socketPath: inject("dockerSocket") });
}

/** Builds fixture files into `store` as one version (a deployment's bundle). */
export function buildVersion(store: BundleStore, version: string, files: string[]): RunnerBundle {
  const dir = store.dir(version);
  mkdirSync(dir, { recursive: true });
  const entries = files.map((file) => {
    const outfile = join(dir, `${basename(file, ".ts")}.mjs`);
    buildSync({
      entryPoints: [file],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "inline",
      logLevel: "silent",
    });
    return { file: outfile, source: `test/fixtures/${basename(file)}` };
  });
  const bundle = { version, entries };
  store.saveBundle(bundle);
  return bundle;
}

export interface ContainerExecutor {
  executor: RunnerExecutor;
  store: BundleStore;
  /** Lines the runners printed, as they go to the runs' logs. */
  lines: RunLogLine[];
}

export function containerExecutor(options: {
  supervisorName: string;
  environmentId: string;
  variables?: Record<string, string>;
  /** Containers kept warm per machine preset (keepWarm); default none. */
  poolSize?: number;
  /** The network the versions ask for (trigger.config.ts `network`); default none. */
  network?: "none" | "host";
}): ContainerExecutor {
  const root = mkdtempSync(join(tmpdir(), "stint-container-executor-"));
  const store = new BundleStore(join(root, "versions"));
  const ipcRoot = join(root, "ipc");
  mkdirSync(ipcRoot, { recursive: true });
  const lines: RunLogLine[] = [];
  const launcher = containerLauncher({
    docker: docker(),
    image: inject("runtimeImage"),
    supervisorName: options.supervisorName,
    ipcRoot,
    environment: {
      environmentId: options.environmentId,
      variables: () => options.variables ?? {},
      versionDir: (version) => store.dir(version),
      network: () => options.network ?? "none",
    },
    logSink: (line) => lines.push(line),
  });
  const executor = new RunnerExecutor({
    launcher,
    poolSize: options.poolSize ?? 0,
    machineOf: (execution) => machineFor(execution).name,
    store,
  });
  return { executor, store, lines };
}

/** This supervisor's containers that exist now (running or not). */
export async function containersOf(supervisorName: string): Promise<Docker.ContainerInfo[]> {
  return docker().listContainers({ all: true, filters: { label: [`dev.stint.supervisor=${supervisorName}`] } });
}

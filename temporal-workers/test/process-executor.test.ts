/**
 * The runner executor outside `stint dev`, assembled only from @stint/temporal-workers' public face, as the
 * supervisor's process executor on a worker server does: its own launcher settings (environment, heap limit), its
 * own client runtime for task code's management calls, and a BundleStore that keeps versions across a restart of the
 * executor, so a run suspended before the restart resumes on the version it started on.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setClientRuntime, type ClientRuntime } from "@stint/sdk/runtime";
import {
  BundleStore,
  RunnerExecutor,
  childProcessLauncher,
  runnerEntry,
  type AttemptExecutor,
  type AttemptJob,
  type RunnerBundle,
} from "../src/index.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { fixture } from "./harness/runner-executor.js";

const store = new BundleStore(join(mkdtempSync(join(tmpdir(), "stint-worker-server-")), "versions"));

/** Builds fixture files into the store as one version, as a worker server unpacks a deployment. */
function storeVersion(version: string, files: string[]): RunnerBundle {
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
      logLevel: "silent",
    });
    return { file: outfile, source: `test/fixtures/${basename(file)}` };
  });
  const bundle = { version, entries };
  store.saveBundle(bundle);
  return bundle;
}

const v1 = storeVersion("deploy-1", [fixture("version-lock-v1.ts"), fixture("worker-server-tasks.ts")]);
const v2 = storeVersion("deploy-2", [fixture("version-lock-v2.ts"), fixture("worker-server-tasks.ts")]);

/** Management calls answered by the engine, counted: the executor must use this client, not a process-wide one. */
const managementCalls: string[] = [];
let t: TestEngine;
const newExecutor = () =>
  new RunnerExecutor({
    launcher: childProcessLauncher({
      env: { ...process.env, STINT_WORKER_NAME: "worker-server-1" },
      execArgv: ["--max-old-space-size=96"],
    }),
    store,
    clientRuntime: new Proxy({} as ClientRuntime, {
      get:
        (_, method: keyof ClientRuntime) =>
        (...args: unknown[]) => {
          managementCalls.push(method);
          return (t.engine[method] as (...a: unknown[]) => Promise<unknown>).apply(t.engine, args);
        },
    }),
  });

/** Runner processes this process started that are still alive (children running the runner's entry file). */
function liveRunners(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return (
          parent === process.pid &&
          stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] !== "Z" &&
          readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(runnerEntry())
        );
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** The worker's executor slot: the test swaps the executor behind it, as a restarted worker process would start anew. */
let executor: RunnerExecutor;
const slot: AttemptExecutor = {
  hasTask: (taskId, version) => executor.hasTask(taskId, version),
  versionFor: (info) => executor.versionFor(info),
  declaredQueues: (version) => executor.declaredQueues(version),
  execute: (job: AttemptJob) => executor.execute(job),
};

beforeAll(async () => {
  executor = newExecutor();
  await executor.activate(v1);
  t = await startTestEngine({}, { executor: slot });
  // Only the executor's own client runtime can answer task code's management calls.
  setClientRuntime(undefined);
});
afterAll(async () => {
  await t?.stop();
  await executor?.close();
});

describe("the runner executor on a worker server", () => {
  it("starts runners with the launcher's environment and heap limit, and answers management calls with its client runtime", async () => {
    const { id } = await t.engine.trigger({ task: "worker-server-describe", payload: null });
    const state = await t.waitForRun(id);
    expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
    const output = state.output as { worker: string; heapLimitMb: number; pid: number; retrievedStatus: string };
    expect(output.worker).toBe("worker-server-1");
    expect(output.pid).not.toBe(process.pid);
    // --max-old-space-size=96 plus the young generation: far below Node's default of 2 GB and more.
    expect(output.heapLimitMb).toBeGreaterThanOrEqual(96);
    expect(output.heapLimitMb).toBeLessThan(200);
    expect(output.retrievedStatus).toBe("EXECUTING");
    expect(managementCalls).toContain("retrieveRun");
  });

  it("keeps versions in its store: after a restart on a new version, a run suspended on the old one resumes on it", async () => {
    const { id: suspended } = await t.engine.trigger({ task: "version-lock-waits", payload: null });
    await t.waitForRun(suspended, (s) => s.status === "WAITING" && s.version === "deploy-1");

    await executor.close();
    executor = newExecutor();
    expect(executor.currentVersion).toBeUndefined();
    expect(executor.hasTask("version-lock-waits", "deploy-1")).toBe(true);
    await executor.activate(v2);

    const { id: fresh } = await t.engine.trigger({ task: "version-lock-waits", payload: null });
    const [resumed, started] = await Promise.all([t.waitForRun(suspended), t.waitForRun(fresh)]);
    expect(resumed.status, JSON.stringify(resumed.error)).toBe("COMPLETED");
    expect(resumed.output).toEqual({ code: "v1", version: "deploy-1" });
    expect(started.output).toMatchObject({ code: "v2", version: "deploy-2" });
    expect(
      store
        .list()
        .map((v) => v.bundle.version)
        .sort(),
    ).toEqual(["deploy-1", "deploy-2"]);
  });

  it("keeps one warm runner however often the current version is activated again (a rebuild of unchanged code)", async () => {
    for (let i = 0; i < 3; i++) await executor.activate(v2);
    await new Promise((r) => setTimeout(r, 500));
    expect(liveRunners()).toHaveLength(1);
  });
});

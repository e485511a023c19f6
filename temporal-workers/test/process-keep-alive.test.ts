/**
 * processKeepAlive (trigger.config, as in Trigger.dev v4): a runner process that ended its execution cleanly serves
 * the next executions of its version, up to maxExecutionsPerProcess, so back-to-back runs do not each wait for Node
 * to start. Without it every execution gets a process of its own. A process whose code may still be running (an
 * uncaught exception, a cancel) is never handed another run.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEngine, type TestEngine } from "./harness/index.js";
import { buildFixture, fixture, startRunnerExecutor } from "./harness/runner-executor.js";
import type { RunnerExecutor } from "../src/executor/runner-executor.js";
import { childProcessLauncher } from "../src/executor/child-process-launcher.js";
import type { RunnerBundle } from "../src/executor/runner-protocol.js";

interface Where {
  pid: number;
  served: number;
  at: number;
}

const docsExample = (name: string) => fileURLToPath(new URL(`../../docs/examples/${name}`, import.meta.url));
const tasks = buildFixture(fixture("keep-alive-tasks.ts"), "keep-alive-1");
const keepAliveBundle: RunnerBundle = {
  ...tasks,
  // The docs' example config: a process serves up to three executions.
  configFile: buildFixture(docsExample("process-keep-alive.config.ts"), "config").entries[0]!.file,
};

let executor: RunnerExecutor;
let t: TestEngine;
beforeAll(async () => {
  executor = await startRunnerExecutor({ bundle: keepAliveBundle, keepAlive: true });
  t = await startTestEngine({}, { executor });
});
afterAll(async () => {
  await t?.stop();
  await executor?.close();
});

async function run(task: string): Promise<{ status: string; output: unknown; error: unknown }> {
  const { id } = await t.engine.trigger({ task, payload: null });
  return t.waitForRun(id) as Promise<{ status: string; output: unknown; error: unknown }>;
}

describe("processKeepAlive", () => {
  it("back-to-back runs share a process, which serves at most maxExecutionsPerProcess of them", async () => {
    const outputs: Where[] = [];
    for (let i = 0; i < 7; i++) {
      const state = await run("keep-alive-where");
      expect(state.status, JSON.stringify(state.error)).toBe("COMPLETED");
      outputs.push(state.output as Where);
    }
    const perProcess = new Map<number, number>();
    for (const { pid } of outputs) perProcess.set(pid, (perProcess.get(pid) ?? 0) + 1);
    // Reused: some process served more than one run, and it remembers the earlier ones.
    expect(Math.max(...perProcess.values())).toBeGreaterThan(1);
    expect(Math.max(...outputs.map((o) => o.served))).toBeGreaterThan(1);
    // …never more than three (the config's maxExecutionsPerProcess).
    expect(Math.max(...perProcess.values())).toBeLessThanOrEqual(3);
    expect(Math.max(...outputs.map((o) => o.served))).toBeLessThanOrEqual(3);
    for (const { pid } of outputs) expect(pid).not.toBe(process.pid);
  });

  it("a run that failed in run() leaves its process for the next run", async () => {
    const failed = await run("keep-alive-fails");
    expect(failed.status).toBe("FAILED");
    const pid = Number(/process (\d+)/.exec(JSON.stringify(failed.error))![1]);
    const next = (await run("keep-alive-where")).output as Where;
    expect(next.pid).toBe(pid);
  });

  it("a process whose code threw outside run() serves no other run", async () => {
    const state = await run("keep-alive-uncaught");
    expect(state.status).toBe("FAILED");
    expect(JSON.stringify(state.error)).toContain("uncaught in process");
    const pid = Number(/uncaught in process (\d+)/.exec(JSON.stringify(state.error))![1]);
    for (let i = 0; i < 3; i++) expect(((await run("keep-alive-where")).output as Where).pid).not.toBe(pid);
  });
});

describe("without processKeepAlive", () => {
  it("every execution runs in a process of its own", async () => {
    const plain = await startRunnerExecutor({ bundle: { ...tasks, version: "plain-1" }, keepAlive: true });
    const engine = await startTestEngine({}, { executor: plain });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 4; i++) {
        const { id } = await engine.engine.trigger({ task: "keep-alive-where", payload: null });
        const state = await engine.waitForRun(id);
        expect(state.status).toBe("COMPLETED");
        expect((state.output as Where).served).toBe(1);
        pids.add((state.output as Where).pid);
      }
      expect(pids.size).toBe(4);
    } finally {
      await engine.stop();
      await plain.close();
    }
  });

  it("a wrong processKeepAlive in the config fails the load, naming the field", async () => {
    const configFile = join(mkdtempSync(join(tmpdir(), "stint-keep-alive-")), "trigger.config.mjs");
    writeFileSync(
      configFile,
      `export default { project: "p", maxDuration: 60, processKeepAlive: { enabled: true, maxExecutionsPerProcess: 0 } };\n`,
    );
    await expect(
      startRunnerExecutor({ bundle: { ...tasks, version: "bad-config", configFile }, keepAlive: true }),
    ).rejects.toThrow(/processKeepAlive\.maxExecutionsPerProcess: at least 1/);
  });
});

describe("processKeepAlive when a process reaches maxExecutionsPerProcess", () => {
  let successorExecutor: RunnerExecutor | undefined;
  let successorEngine: TestEngine | undefined;
  afterAll(async () => {
    await successorEngine?.stop();
    await successorExecutor?.close();
  });

  it("its successor starts loading while it runs its last execution, not after it retires", async () => {
    const launchedAt: number[] = [];
    const launcher = childProcessLauncher();
    // The docs' example config: a process serves up to three executions.
    successorExecutor = await startRunnerExecutor({
      bundle: { ...keepAliveBundle, version: "keep-alive-successor" },
      keepAlive: true,
      // No warm runner kept beside the one at work, which would stand in for a successor.
      poolSize: 0,
      launcher: {
        launch(options) {
          launchedAt.push(Date.now());
          return launcher.launch(options);
        },
      },
    });
    successorEngine = await startTestEngine({}, { executor: successorExecutor });
    const outputs: Where[] = [];
    for (let i = 0; i < 4; i++) {
      const { id } = await successorEngine.engine.trigger({ task: "keep-alive-where", payload: null });
      const state = (await successorEngine.waitForRun(id)) as { status: string; output: unknown };
      expect(state.status).toBe("COMPLETED");
      outputs.push(state.output as Where);
    }
    // Back to back, one process serves the first three runs: the third is its last.
    const [, second, third, fourth] = outputs as [Where, Where, Where, Where];
    expect(third.pid).toBe(second.pid);
    expect(third.served).toBe(3);
    // A process started after the second run and before the third one ran: the third's successor, taken with it.
    expect(launchedAt.some((at) => at > second.at && at <= third.at)).toBe(true);
    expect(fourth.pid).not.toBe(third.pid);
  }, 60_000);
});

describe("processKeepAlive under a burst of short runs", () => {
  let burstExecutor: RunnerExecutor | undefined;
  let burst: TestEngine | undefined;
  let launches = 0;
  afterAll(async () => {
    await burst?.stop();
    await burstExecutor?.close();
  });

  it("a burst of short runs waits for the processes at work instead of starting one per run in flight", async () => {
    // `processKeepAlive: true`: up to 50 executions per process, 25 kept idle.
    const configDir = mkdtempSync(join(tmpdir(), "stint-keep-alive-"));
    const configFile = join(configDir, "trigger.config.ts");
    writeFileSync(
      configFile,
      `import { defineConfig } from "@trigger.dev/sdk";\nexport default defineConfig({ project: "proj_burst", processKeepAlive: true });\n`,
    );
    const launcher = childProcessLauncher();
    burstExecutor = await startRunnerExecutor({
      bundle: {
        ...tasks,
        version: "keep-alive-burst",
        configFile: buildFixture(configFile, "config").entries[0]!.file,
      },
      keepAlive: true,
      launcher: {
        launch(options) {
          launches++;
          return launcher.launch(options);
        },
      },
    });
    burst = await startTestEngine({}, { executor: burstExecutor });
    const runOne = async () => {
      const { id } = await burst!.engine.trigger({ task: "keep-alive-where", payload: null });
      return burst!.waitForRun(id);
    };
    // A few runs one after another: the executor learns what a process takes to load and a run to execute.
    for (let i = 0; i < 3; i++) expect((await runOne()).status).toBe("COMPLETED");

    const before = launches;
    const states = await Promise.all(Array.from({ length: 24 }, () => runOne()));
    expect(states.map((s) => s.status)).toEqual(states.map(() => "COMPLETED"));
    const pids = new Set(states.map((s) => (s.output as Where).pid));
    // Served by a few processes, each many times; not one started per run in flight.
    expect(launches - before).toBeLessThan(8);
    expect(pids.size).toBeLessThan(8);
  }, 60_000);
});

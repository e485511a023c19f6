/**
 * A queue's limit holds whenever a run was triggered: before any worker declared the queue (the run is admitted
 * against what the engine knew then, and the worker that has the task's code sends it back to the right gate), while
 * a worker declares its queues again (with the same limit, or a lower one), and across a restart of the worker and
 * the engine. Attempts run in a separate worker process (a `stint dev` session); the engine runs in the test process
 * (the webapp's part). Each execution writes its start and end to a marker file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { declaredQueues } from "@stint/sdk/runtime";
import { createStintWorkers, type StintWorkers } from "../src/worker/create-workers.js";
import { eventually, startTestEngine, type TestEngine } from "./harness/index.js";
import "./fixtures/queue-limit-tasks.js";

const markerFile = join(mkdtempSync(join(tmpdir(), "stint-queue-limit-")), "markers.log");
const workers: ChildProcess[] = [];
const killedAt = new Map<number, number>();
let t: TestEngine | undefined;
let restartedEngine: StintWorkers | undefined;

function startWorker(engine: TestEngine): Promise<ChildProcess> {
  const { workflowTaskQueue, attemptQueue } = engine.engine.options;
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "test/fixtures/task-worker.ts",
      inject("temporalAddress"),
      workflowTaskQueue,
      attemptQueue,
      "120000",
      "./queue-limit-tasks.ts",
    ],
    {
      cwd: join(import.meta.dirname, ".."),
      env: { ...process.env, STINT_MARKER_FILE: markerFile, STINT_ATTEMPTS_ONLY: "1" },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  workers.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited early with code ${code}`)));
  });
}

function kill(worker: ChildProcess): void {
  worker.kill("SIGKILL");
  killedAt.set(worker.pid!, Date.now());
}

interface Interval {
  queue: string;
  runId: string;
  start: number;
  end: number;
}

/** Each execution's [start, end]: an execution whose process was killed ended then. */
function intervals(runIds: string[]): Interval[] {
  const lines = existsSync(markerFile) ? readFileSync(markerFile, "utf8").trim().split("\n").filter(Boolean) : [];
  const marks = lines.map((line) => {
    const [step, queue, runId, pid, at] = line.split(" ");
    return { step: step!, queue: queue!, runId: runId!, pid: Number(pid), at: Number(at) };
  });
  return marks
    .filter((m) => m.step === "start" && runIds.includes(m.runId))
    .map((start) => {
      const end = marks.find(
        (m) => m.step === "end" && m.runId === start.runId && m.pid === start.pid && m.at >= start.at,
      );
      return {
        queue: start.queue,
        runId: start.runId,
        start: start.at,
        end: end?.at ?? killedAt.get(start.pid) ?? Number.POSITIVE_INFINITY,
      };
    });
}

/** Pairs of executions of one queue that ran at the same time (a limit of 1 allows none); `after`: only those that started then or later. */
function overlaps(runIds: string[], after = 0): string[] {
  const found: string[] = [];
  const all = intervals(runIds);
  for (const a of all) {
    for (const b of all) {
      if (a !== b && b.start >= after && a.queue === b.queue && a.start <= b.start && b.start < a.end)
        found.push(`${a.queue}: ${b.runId} started while ${a.runId} ran`);
    }
  }
  return found;
}

/** The most executions of one queue that ran at once. */
function peakConcurrency(runIds: string[]): number {
  const all = intervals(runIds);
  return Math.max(
    0,
    ...all.map((a) => all.filter((b) => b.queue === a.queue && b.start <= a.start && a.start < b.end).length),
  );
}

/** Declares the fixture's queues to the engine as a worker's registration does, optionally with other limits. */
function declare(engine: TestEngine, limits: Record<string, number | null> = {}) {
  return Promise.all(
    declaredQueues()
      .filter((q) => q.name.includes("qlh"))
      .map((q) =>
        engine.engine.configureQueue(q.name, {
          declaredLimit: q.name in limits ? limits[q.name]! : q.concurrencyLimit,
          defaultLimit: 25,
          paused: false,
          overrideLimit: null,
        }),
      ),
  );
}

async function allCompleted(engine: TestEngine, runIds: string[]) {
  const states = await Promise.all(runIds.map((id) => engine.waitForRun(id, undefined, 240_000)));
  expect(states.map((s) => s.status)).toEqual(runIds.map(() => "COMPLETED"));
  return states;
}

afterEach(async () => {
  for (const worker of workers.splice(0)) worker.kill("SIGKILL");
  await restartedEngine?.shutdown();
  restartedEngine = undefined;
  await t?.stop();
  t = undefined;
});
afterAll(() => {
  for (const worker of workers) worker.kill("SIGKILL");
});

describe("a queue's limit holds whenever its runs were triggered", () => {
  it("runs triggered before any worker declared their queue run one at a time, on the queue their code names", {
    timeout: 300_000,
  }, async () => {
    t = await startTestEngine({}, { attempts: false });
    // As the REST API triggers before a session registered: no queue in the options, nothing declared anywhere.
    const triggered = await Promise.all(
      ["qlh-shared-a", "qlh-shared-b", "qlh-shared-a", "qlh-shared-b", "qlh-own", "qlh-own", "qlh-own"].map((task) =>
        t!.engine.trigger({ task, payload: {} }),
      ),
    );
    const runIds = triggered.map((h) => h.id);
    // A queue the trigger names stays the run's, even one the code does not declare.
    const named = await t.engine.trigger({
      task: "qlh-own",
      payload: { ms: 10 },
      options: { queue: "qlh-named-by-trigger" },
    });
    // The engine admits them (nothing said their queues had a limit); no worker polls their attempts yet.
    await eventually(
      async () => (await Promise.all(runIds.map((id) => t!.engine.runState(id)))).every((s) => s.status === "QUEUED"),
      60_000,
      "runs queued",
    );
    await new Promise((r) => setTimeout(r, 1_000));
    await startWorker(t);
    const states = await allCompleted(t, runIds);
    expect(await allCompleted(t, [named.id])).toMatchObject([{ queue: "qlh-named-by-trigger" }]);
    expect(overlaps(runIds)).toEqual([]);
    expect(intervals(runIds)).toHaveLength(runIds.length);
    expect(states.map((s) => s.queue)).toEqual([...Array(4).fill("qlh-single-file"), ...Array(3).fill("task/qlh-own")]);
    expect(states.every((s) => s.attemptCount === 1)).toBe(true);
    // The gates learned the limits from the worker's code.
    expect(await t.engine.describeQueue("qlh-single-file")).toMatchObject({ declaredLimit: 1, running: 0 });
    expect(await t.engine.describeQueue("task/qlh-own")).toMatchObject({ declaredLimit: 1, running: 0 });
  });

  it("while a worker declares its queues again (a reload), the limit holds for runs queued and executing", {
    timeout: 300_000,
  }, async () => {
    t = await startTestEngine({}, { attempts: false });
    await declare(t);
    await startWorker(t);
    const runIds = (
      await Promise.all(Array.from({ length: 5 }, () => t!.engine.trigger({ task: "qlh-own", payload: { ms: 600 } })))
    ).map((h) => h.id);
    const redeclaring = (async () => {
      for (let i = 0; i < 6; i++) {
        await declare(t!);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    await allCompleted(t, runIds);
    await redeclaring;
    expect(overlaps(runIds)).toEqual([]);
  });

  it("a redeclaration that lowers the limit: runs already executing finish, none starts beside them after it", {
    timeout: 300_000,
  }, async () => {
    t = await startTestEngine({}, { attempts: false });
    // An earlier version of the code allowed 3 at once.
    await declare(t, { "task/qlh-own": 3 });
    await startWorker(t);
    const runIds = (
      await Promise.all(Array.from({ length: 7 }, () => t!.engine.trigger({ task: "qlh-own", payload: { ms: 2_000 } })))
    ).map((h) => h.id);
    await eventually(() => intervals(runIds).length >= 3, 120_000, "three runs executing");
    // The reloaded code allows 1.
    await declare(t);
    const redeclaredAt = Date.now();
    await allCompleted(t, runIds);
    expect(peakConcurrency(runIds)).toBeLessThanOrEqual(3);
    expect(intervals(runIds).filter((i) => i.start >= redeclaredAt).length).toBeGreaterThanOrEqual(3);
    expect(overlaps(runIds, redeclaredAt)).toEqual([]);
    expect(await t.engine.describeQueue("task/qlh-own")).toMatchObject({ declaredLimit: 1, limit: 1, running: 0 });
  });

  it("the worker killed mid-run and the engine restarted: the killed execution keeps its slot until Temporal retries it, nothing else starts meanwhile", {
    timeout: 300_000,
  }, async () => {
    t = await startTestEngine({ heartbeatTimeoutMs: 3_000 }, { attempts: false });
    await declare(t);
    const first = await startWorker(t);
    const runIds = (
      await Promise.all(Array.from({ length: 3 }, () => t!.engine.trigger({ task: "qlh-own", payload: { ms: 2_500 } })))
    ).map((h) => h.id);
    await eventually(() => intervals(runIds).length > 0, 120_000, "a run started");
    kill(first);
    // The engine's workers (run workflows, queue gates) stop and start again, as a webapp restart does.
    await t.workers.shutdown();
    const { workflowTaskQueue } = t.engine.options;
    restartedEngine = await createStintWorkers({
      client: t.client,
      address: inject("temporalAddress"),
      workflowTaskQueue,
    });
    void restartedEngine.run();
    await startWorker(t);
    const states = await allCompleted(t, runIds);
    expect(overlaps(runIds)).toEqual([]);
    // The killed run was executed again (a replay of the same attempt), not failed: four starts for three runs.
    expect(intervals(runIds)).toHaveLength(runIds.length + 1);
    expect(states.every((s) => s.attemptCount === 1)).toBe(true);
  });
});

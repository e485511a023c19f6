/** The webapp's run index follows the engine: statuses, finish times, and runs started inside tasks. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, tasks, batch as triggerBatch } from "@trigger.dev/sdk";
import { task, wait } from "@stint/sdk";
import type { RunChange } from "@stint/temporal-workers";
import { RunIndexSync } from "../src/server/runs/run-index-sync.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const leaf = task({ id: "index-leaf", run: async (payload: { n: number }) => payload.n + 1 });
const parent = task({
  id: "index-parent",
  run: async () => {
    const result = await leaf.triggerAndWait({ n: 41 });
    return result.ok ? result.output : -1;
  },
});

const hanging = task({ id: "index-hanging", run: async () => wait.for({ seconds: 300 }) });

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([leaf.id, parent.id, hanging.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

async function indexedRun(id: string, status: string) {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
    const row = await t.webapp.db.taskRun.findUnique({ where: { id } });
    if (row?.status === status) return row;
  }
  throw new Error(`run ${id} never reached ${status} in the index`);
}

describe("run index", () => {
  it("a run's final status and finish time reach the index; its child, started inside the task, is indexed too", async () => {
    const handle = await tasks.trigger("index-parent", {});
    const row = await indexedRun(handle.id, "COMPLETED");
    expect(row.finishedAt).toBeInstanceOf(Date);
    const child = await t.webapp.db.taskRun.findFirst({ where: { parentRunId: handle.id } });
    expect(child).toMatchObject({ taskIdentifier: "index-leaf", environmentId: t.dev.id, rootRunId: handle.id });
    await indexedRun(child!.id, "COMPLETED");
  });

  it("a run whose workflow was terminated (an operator's `temporal workflow terminate`) is indexed CRASHED", async () => {
    const handle = await tasks.trigger("index-hanging", {});
    await indexedRun(handle.id, "WAITING");
    await t.webapp.engines.client.workflow.getHandle(handle.id).terminate("operator");
    const row = await indexedRun(handle.id, "CRASHED");
    expect(row.finishedAt).toBeInstanceOf(Date);
  });

  it("a batch reads COMPLETED once every run in it finished", async () => {
    const handle = await tasks.batchTrigger("index-leaf", [{ payload: { n: 1 } }, { payload: { n: 2 } }]);
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const retrieved = await triggerBatch.retrieve(handle.batchId);
      if (retrieved.status === "COMPLETED") break;
      if (Date.now() > deadline) throw new Error(`batch stayed ${retrieved.status}`);
    }
  });

  it("a run listed twice in one pass (it changed while visibility was paged through) is indexed once, as its newest snapshot", async () => {
    const runId = `run_listed_twice_${Date.now()}`;
    const createdAt = new Date();
    const snapshot = (status: RunChange["status"], updatedMs: number): RunChange => ({
      runId,
      environmentId: t.dev.id,
      taskIdentifier: "index-leaf",
      status,
      tags: [],
      createdAt,
      updatedAt: new Date(createdAt.getTime() + updatedMs),
      ...(status === "COMPLETED" ? { finishedAt: new Date(createdAt.getTime() + updatedMs) } : {}),
    });
    // Visibility orders by update time: the run is seen executing on one page, finished on the next, and a stale
    // replica may still list the executing snapshot after that.
    const listed = [snapshot("EXECUTING", 10), snapshot("COMPLETED", 20), snapshot("EXECUTING", 10)];
    const sync = new RunIndexSync(
      t.webapp.db,
      async function* () {
        yield* listed;
      },
      t.webapp.events,
    );
    await expect(sync.syncOnce()).resolves.toBeGreaterThan(0);
    const row = await t.webapp.db.taskRun.findUniqueOrThrow({ where: { id: runId } });
    expect(row.status).toBe("COMPLETED");
    expect(row.finishedAt?.getTime()).toBe(createdAt.getTime() + 20);
  });
});

/**
 * No poison pill: every pipeline that handles many runs at once (run-index sync, outbox dispatcher, log ingestion and
 * the event store, stream chunk ingestion) isolates a row PostgreSQL refuses — a note on that run, the row repaired
 * or skipped — and every other run keeps flowing. Each test puts a bad row in past the API's validation (which
 * refuses such input at the door), as a run started elsewhere, a corrupted outbox entry or a buggy worker would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { RUN_WORKFLOW_TYPE, SA, newRunId } from "@stint/temporal-workers";
import { appendStreamChunks, readStreamChunks } from "../src/server/streams/run-stream-sql.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const flowing = task({ id: "poison-flowing", run: async (payload: { n: number }) => payload.n * 2 });

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([flowing.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const value = await probe();
    if (value) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const indexedStatus = (id: string) => t.webapp.db.taskRun.findUnique({ where: { id } }).then((row) => row?.status);
const notesOn = async (runId: string) =>
  (await t.webapp.events.listForRun(t.dev.id, runId))
    .filter((event) => event.kind === "system")
    .map((event) => event.message);

/** Good runs triggered through the real SDK complete and reach the index as COMPLETED. */
async function runsKeepFlowing(count = 3): Promise<void> {
  const handles = await Promise.all(Array.from({ length: count }, (_, n) => tasks.trigger("poison-flowing", { n })));
  for (const handle of handles) {
    expect((await runs.poll(handle.id, { pollIntervalMs: 200 })).output).toBe(2 * handles.indexOf(handle));
    await waitFor(
      `${handle.id} COMPLETED in the run index`,
      async () => (await indexedStatus(handle.id)) === "COMPLETED",
    );
  }
}

describe("poison rows", () => {
  it("run-index sync: a run whose search attributes and memo hold what PostgreSQL refuses is indexed repaired, with a note; others keep being indexed", async () => {
    // A run started on Temporal directly (as the campaign's NUL tag did before the API refused it): nobody polls its
    // task queue, so it sits QUEUED with its attributes as they are.
    const poisonId = newRunId();
    await t.webapp.engines.client.workflow.start(RUN_WORKFLOW_TYPE, {
      workflowId: poisonId,
      taskQueue: "poison-nobody-polls",
      args: [{}],
      memo: { task: "poison-task", environment: t.dev.id, createdAt: "not a date" },
      typedSearchAttributes: [
        { key: SA.environment, value: t.dev.id },
        { key: SA.taskId, value: "poison-task" },
        { key: SA.status, value: "QUEUED" },
        { key: SA.tags, value: ["fine", "nul\u0000inside"] },
        { key: SA.updatedAt, value: new Date() },
      ],
    });
    try {
      await runsKeepFlowing();
      const row = await waitFor("the poison run in the index", () =>
        t.webapp.db.taskRun.findUnique({ where: { id: poisonId } }),
      );
      expect(row.tags).toEqual(["fine", "nul\uFFFDinside"]);
      expect(row.createdAt.getTime()).toBeGreaterThan(Date.now() - 600_000);
      const notes = await waitFor(
        "a note on the poison run",
        async () => (await notesOn(poisonId)).length > 0 && notesOn(poisonId),
      );
      expect(notes[0]).toMatch(/run index could not store this run.*U\+FFFD/);
    } finally {
      await t.webapp.engines.client.workflow.getHandle(poisonId).terminate("test over");
    }
  });

  it("outbox dispatcher: entries it cannot decode or the engine refuses fail their own runs with a note; others start", async () => {
    const undecodable = newRunId();
    const refused = newRunId();
    for (const runId of [undecodable, refused]) {
      await t.webapp.db.taskRun.create({
        data: {
          id: runId,
          environmentId: t.dev.id,
          taskIdentifier: "poison-flowing",
          status: "QUEUED",
          tags: [],
          createdAt: new Date(),
          updatedAt: new Date(),
        },
      });
    }
    await t.webapp.db.runOutbox.createMany({
      data: [
        // Type notes that do not fit the payload (a Map of a number): decoding throws.
        {
          runId: undecodable,
          environmentId: t.dev.id,
          item: { task: "poison-flowing", payload: 5, options: {}, $payloadTypes: { values: ["map"] } },
        },
        // An item the engine's validation refuses.
        { runId: refused, environmentId: t.dev.id, item: { task: "", payload: {}, options: { maxAttempts: "many" } } },
      ],
    });
    await runsKeepFlowing();
    await waitFor(
      "both poison runs failed",
      async () =>
        (await indexedStatus(undecodable)) === "SYSTEM_FAILURE" && (await indexedStatus(refused)) === "SYSTEM_FAILURE",
    );
    expect(await t.webapp.db.runOutbox.count({ where: { runId: { in: [undecodable, refused] } } })).toBe(0);
    expect((await notesOn(undecodable))[0]).toMatch(/failed before it started: its stored trigger could not be read/);
    expect((await notesOn(refused))[0]).toMatch(/failed before it started: the engine refused to start it: .*task/);
    // The run is visible as failed through the API too.
    expect((await runs.retrieve(undecodable)).status).toBe("SYSTEM_FAILURE");
  });

  it("log ingestion: a line PostgreSQL refuses is kept repaired with a note, the batch's other lines and runs are stored", async () => {
    const [a, b] = await Promise.all([
      tasks.trigger("poison-flowing", { n: 1 }),
      tasks.trigger("poison-flowing", { n: 2 }),
    ]);
    const time = new Date();
    // The event store directly (the API replaces such characters before they get here).
    await t.webapp.events.append([
      { environmentId: t.dev.id, runId: a.id, kind: "log", level: "info", message: "before", time },
      {
        environmentId: t.dev.id,
        runId: a.id,
        kind: "log",
        level: "info",
        message: "nul\u0000here",
        attributes: { half: "\ud800" },
        time,
      },
      { environmentId: t.dev.id, runId: b.id, kind: "log", level: "info", message: "other run", time },
    ]);
    const logsOfA = await t.webapp.events.listForRun(t.dev.id, a.id);
    expect(logsOfA.filter((e) => e.kind === "log").map((e) => e.message)).toEqual(["before", "nul\uFFFDhere"]);
    expect(logsOfA.find((e) => e.message === "nul\uFFFDhere")?.attributes).toEqual({ half: "\uFFFD" });
    expect((await notesOn(a.id))[0]).toMatch(/a log line could not be stored as sent.*kept with U\+FFFD/);
    expect((await t.webapp.events.listForRun(t.dev.id, b.id)).map((e) => e.message)).toEqual(["other run"]);

    // Through the API: lines for a run this key cannot see are skipped, not the whole batch.
    const response = await fetch(`${t.webapp.url}/engine/v1/runs/logs`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        logs: [
          { runId: b.id, level: "log", message: "kept", time },
          { runId: "run_unknown000000000000000", level: "log", message: "lost", time },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ accepted: 1, skipped: [{ runId: "run_unknown000000000000000" }] });
    expect((await t.webapp.events.listForRun(t.dev.id, b.id)).map((e) => e.message)).toContain("kept");
    await runsKeepFlowing(1);
  });

  it("stream ingestion: a chunk PostgreSQL refuses is stored repaired with a note; the other chunks and streams are stored", async () => {
    const [a, b] = await Promise.all([
      tasks.trigger("poison-flowing", { n: 3 }),
      tasks.trigger("poison-flowing", { n: 4 }),
    ]);
    const result = await appendStreamChunks(
      t.webapp.db,
      { runId: a.id, key: "out", environmentId: t.dev.id },
      0,
      ["one", { text: "half \ud800" }, "three"],
      false,
    );
    expect(result.repaired.map((r) => r.seq)).toEqual([1]);
    expect((await readStreamChunks(t.webapp.db, a.id, "out", 0)).map((c) => c.data)).toEqual([
      "one",
      { text: "half \uFFFD" },
      "three",
    ]);

    // Through the API (which repairs such text before storing it), other runs' streams keep flowing.
    const response = await fetch(`${t.webapp.url}/engine/v1/streams/${b.id}/out`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({ from: 0, chunks: ["b0", "b\u0000"], done: true }),
    });
    expect(response.status).toBe(200);
    expect((await readStreamChunks(t.webapp.db, b.id, "out", 0)).map((c) => c.data)).toEqual(["b0", "b\uFFFD"]);
  });
});

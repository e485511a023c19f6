/**
 * The trigger API answers once a run is in PostgreSQL; a dispatcher starts it on Temporal. Accepted runs are
 * readable and cancelable before they start, and survive a webapp that stops before starting them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { task } from "@stint/sdk";
import { startWebapp, type Webapp } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const echo = task({ id: "outbox-echo", run: async (payload: { n: number }) => payload.n });

let t: TestWebapp;
let successor: Webapp | undefined;

beforeAll(async () => {
  t = await startTestWebapp({ dispatchRuns: false });
  await t.serveTasks([echo.id]);
});

afterAll(async () => {
  await successor?.stop();
  await t?.stop();
});

async function api(base: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
  });
  return {
    status: response.status,
    body: (await response.json()) as { id: string; status: string; payload?: unknown; output?: unknown },
  };
}

describe("run outbox", () => {
  const runIds: string[] = [];

  it("accepted runs are QUEUED with their payload before anything starts them", async () => {
    for (const n of [1, 2, 3])
      runIds.push(
        (
          await api(t.webapp.url, "/api/v1/tasks/outbox-echo/trigger", {
            method: "POST",
            body: JSON.stringify({ payload: { n } }),
          })
        ).body.id,
      );
    expect(await t.webapp.db.runOutbox.count()).toBe(3);
    const run = await api(t.webapp.url, `/api/v3/runs/${runIds[0]}`);
    expect(run.body).toMatchObject({ status: "QUEUED", payload: { n: 1 } });
  });

  it("cancelling an accepted run takes it out before it ever starts", async () => {
    expect((await api(t.webapp.url, `/api/v2/runs/${runIds[2]}/cancel`, { method: "POST" })).status).toBe(200);
    expect((await api(t.webapp.url, `/api/v3/runs/${runIds[2]}`)).body.status).toBe("CANCELED");
    expect(await t.webapp.db.runOutbox.count()).toBe(2);
  });

  it("a delayed run can be rescheduled before it starts; a queued one cannot (409)", async () => {
    const delayed = (
      await api(t.webapp.url, "/api/v1/tasks/outbox-echo/trigger", {
        method: "POST",
        body: JSON.stringify({ payload: { n: 9 }, options: { delay: "1h" } }),
      })
    ).body.id;
    const moved = await api(t.webapp.url, `/api/v1/runs/${delayed}/reschedule`, {
      method: "POST",
      body: JSON.stringify({ delay: "2s" }),
    });
    expect(moved.status).toBe(200);
    const row = await t.webapp.db.runOutbox.findUniqueOrThrow({ where: { runId: delayed } });
    expect((row.item as { options: { delay: string } }).options.delay).toBe("2s");
    const queued = await api(t.webapp.url, `/api/v1/runs/${runIds[0]}/reschedule`, {
      method: "POST",
      body: JSON.stringify({ delay: "1m" }),
    });
    expect(queued.status).toBe(409);
  });

  it("a webapp started later on the same database starts what the first one accepted; nothing is lost", async () => {
    await t.webapp.stop();
    successor = await startWebapp({
      port: 0,
      databaseUrl: t.webapp.databaseUrl,
      temporal: { address: inject("temporalAddress") },
      engineTaskQueue: `stint-engine-outbox-successor`,
      bootstrap: false,
      ui: false,
    });
    const outputs = [];
    for (const id of runIds.slice(0, 2)) {
      for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const run = await api(successor.url, `/api/v3/runs/${id}`);
        if (run.body.status === "COMPLETED") {
          outputs.push(run.body.output);
          break;
        }
        if (Date.now() > deadline) throw new Error(`run ${id} stayed ${run.body.status}`);
      }
    }
    expect(outputs).toEqual([1, 2]);
    expect(await successor.db.runOutbox.count()).toBe(0);
    expect((await api(successor.url, `/api/v3/runs/${runIds[2]}`)).body.status).toBe("CANCELED");
  });
});

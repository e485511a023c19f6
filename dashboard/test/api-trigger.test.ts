/**
 * The real `@trigger.dev/sdk` client, configured with the webapp's URL and a development secret key, triggers tasks
 * that a `stint dev`-style worker executes, then reads them back through the runs API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import * as latest from "trigger-sdk-latest";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const greet = task({
  id: "api-greet",
  run: async (payload: { name: string; when: string }) => ({
    greeting: `Hello ${payload.name}`,
    year: new Date(payload.when).getUTCFullYear(),
  }),
});

const dated = task({
  id: "api-dated",
  run: async (payload: { at: Date; ids: Set<string> }) => ({
    isDate: payload.at instanceof Date,
    isSet: payload.ids instanceof Set,
    iso: payload.at.toISOString(),
  }),
});

const showsKey = task({ id: "api-shows-key", run: async (_payload: unknown, { ctx }) => ctx.run.idempotencyKey });

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([greet.id, dated.id, showsKey.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

describe("trigger API with the real @trigger.dev/sdk", () => {
  it("tasks.trigger starts a run that completes; runs.retrieve returns payload, output and status flags", async () => {
    const handle = await tasks.trigger(
      "api-greet",
      { name: "Ada", when: "2026-01-02T00:00:00Z" },
      { tags: ["api", "greet"] },
    );
    expect(handle.id).toMatch(/^run_/);
    expect(handle.publicAccessToken).toMatch(/^ey/);

    const run = await runs.poll(handle, { pollIntervalMs: 200 });
    expect(run.status).toBe("COMPLETED");
    expect(run.isCompleted && run.isSuccess).toBe(true);
    expect(run.output).toEqual({ greeting: "Hello Ada", year: 2026 });
    expect(run.taskIdentifier).toBe("api-greet");
    expect(run.tags).toEqual(["api", "greet"]);
    expect(run.attemptCount).toBe(1);
  });

  it("a Date and a Set in a payload reach the task as themselves, through the outbox (superjson packets)", async () => {
    const at = new Date("2026-03-04T05:06:07.089Z");
    const handle = await tasks.trigger("api-dated", { at, ids: new Set(["a", "b"]) });
    const run = await runs.poll(handle, { pollIntervalMs: 200 });
    expect(run.output).toEqual({ isDate: true, isSet: true, iso: at.toISOString() });
  });

  it("an idempotency key returns the same run, marked cached", async () => {
    const first = await tasks.trigger(
      "api-greet",
      { name: "Bo", when: new Date().toISOString() },
      { idempotencyKey: "greet-bo-once" },
    );
    const second = await tasks.trigger(
      "api-greet",
      { name: "Bo", when: new Date().toISOString() },
      { idempotencyKey: "greet-bo-once" },
    );
    expect(second.id).toBe(first.id);
  });

  it("ctx.run.idempotencyKey is the user's key the newest SDK (4.8.3) sends next to its hash", async () => {
    latest.configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
    const userKey = `signup-${Date.now()}`;
    const handle = await latest.tasks.trigger(
      "api-shows-key",
      {},
      { idempotencyKey: await latest.idempotencyKeys.create(userKey) },
    );
    expect((await latest.runs.poll(handle, { pollIntervalMs: 200 })).output).toBe(userKey);
  });

  it("a delayed run is DELAYED until rescheduled to now, then completes", async () => {
    const handle = await tasks.trigger("api-greet", { name: "Cy", when: new Date().toISOString() }, { delay: "1h" });
    expect((await runs.retrieve(handle.id)).status).toBe("DELAYED");
    const rescheduled = await runs.reschedule(handle.id, { delay: new Date(Date.now() + 500) });
    expect(rescheduled.id).toBe(handle.id);
    expect((await runs.poll(handle.id, { pollIntervalMs: 200 })).status).toBe("COMPLETED");
  });

  it("runs.list filters by task, status and tag, newest first", async () => {
    const tagged = await tasks.trigger(
      "api-greet",
      { name: "Di", when: new Date().toISOString() },
      { tags: ["list-me"] },
    );
    await runs.poll(tagged.id, { pollIntervalMs: 200 });
    const page = await runs.list({ taskIdentifier: "api-greet", tag: "list-me", status: ["COMPLETED"] });
    expect(page.data.map((r) => r.id)).toEqual([tagged.id]);
    const all = await runs.list({ taskIdentifier: "api-greet", limit: 2 });
    expect(all.data).toHaveLength(2);
    expect(all.data[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(all.data[1]!.createdAt.getTime());
    // A look-back period: the run made a moment ago is inside the last hour, and outside the last second.
    expect((await runs.list({ tag: "list-me", period: "1h" })).data.map((r) => r.id)).toEqual([tagged.id]);
    const createdAt = (await runs.retrieve(tagged.id)).createdAt.getTime();
    await new Promise((r) => setTimeout(r, Math.max(0, createdAt + 2_000 - Date.now())));
    expect((await runs.list({ tag: "list-me", period: "1s" })).data).toEqual([]);
    const badPeriod = await fetch(`${t.webapp.url}/api/v1/runs?filter[createdAt][period]=soon`, {
      headers: { authorization: `Bearer ${t.dev.secretKey}` },
    });
    expect(badPeriod.status).toBe(400);
    expect((await badPeriod.json()).error).toMatch(/period like/);
  });

  it("replay starts a new run with the same payload; cancel ends a queued run CANCELED", async () => {
    const original = await tasks.trigger("api-greet", { name: "Ed", when: "2030-05-05T00:00:00Z" });
    await runs.poll(original.id, { pollIntervalMs: 200 });
    const replay = await runs.replay(original.id);
    expect(replay.id).not.toBe(original.id);
    expect((await runs.poll(replay.id, { pollIntervalMs: 200 })).output).toEqual({ greeting: "Hello Ed", year: 2030 });

    const waiting = await tasks.trigger("no-worker-serves-this", {});
    await runs.cancel(waiting.id);
    expect((await runs.retrieve(waiting.id)).status).toBe("CANCELED");
  });
});

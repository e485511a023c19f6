/** Bad input gets a 4xx whose message names the field and the fix; never a 500, and nothing is started. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, schedules, tasks } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";
import { CAMPAIGN_INPUTS, type CampaignContext } from "./harness/campaign-inputs.js";
import { failureStatus } from "../src/server/api/failure-status.js";

const campaignTask = task({ id: "campaign-task", run: async () => "done" });

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([campaignTask.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

async function post(path: string, body: string) {
  const response = await fetch(`${t.webapp.url}${path}`, {
    method: "POST",
    body,
    headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
  });
  const raw = await response.text();
  return { status: response.status, error: (JSON.parse(raw) as { error: string }).error, raw };
}

describe("bad input", () => {
  it.each([
    ["a body that is not JSON", "/api/v1/tasks/t/trigger", "{oops", /body: not valid JSON/],
    [
      "maxAttempts as text",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: {}, options: { maxAttempts: "3" } }),
      /body\.options\.maxAttempts/,
    ],
    [
      "maxDuration under 5 seconds",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: {}, options: { maxDuration: 1 } }),
      /maxDuration.*at least 5/,
    ],
    [
      "eleven tags",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: {}, options: { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } }),
      /tags/,
    ],
    [
      "an unknown machine",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: {}, options: { machine: "huge" } }),
      /machine/,
    ],
    [
      "a delay that is not a duration",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: {}, options: { delay: "soon" } }),
      /delay/,
    ],
    ["a task id with spaces", "/api/v1/tasks/not%20a%20task/trigger", JSON.stringify({ payload: {} }), /taskId/],
    [
      "a superjson payload that is not superjson",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: "{nope", options: { payloadType: "application/super+json" } }),
      /payload.*superjson/,
    ],
    ["a legacy batch without items", "/api/v2/tasks/batch", JSON.stringify({ items: [] }), /items.*at least one/],
    ["a reschedule of a malformed run id", "/api/v1/runs/xyz/reschedule", JSON.stringify({ delay: "1m" }), /runId/],
    [
      "a NUL character in a payload",
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: { notes: ["ok", "a\u0000b"] } }),
      /body\.payload\.notes\.1: contains a NUL character/,
    ],
    ["a NUL character in an id", "/api/v1/schedules/sched_%00/activate", "{}", /path: contains a control character/],
  ])("%s → 400 naming the field", async (_name, path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.error).toMatch(message);
  });

  it("a payload over 10 MB is a 413 naming the limit", async () => {
    const response = await post(
      "/api/v1/tasks/t/trigger",
      JSON.stringify({ payload: { text: "x".repeat(11 * 1024 * 1024) } }),
    );
    expect(response.status).toBe(413);
    expect(response.error).toMatch(/body\.payload: 11\.0 MB is over the 10 MB limit on payloads and outputs/);
  });

  it("nothing was started by the refused requests", async () => {
    expect(await t.webapp.db.taskRun.count()).toBe(0);
  });

  it("rescheduling a run that is not delayed is a 409; an unknown route is a 404 with a JSON error", async () => {
    const created = await post("/api/v1/tasks/bad-input-task/trigger", JSON.stringify({ payload: {} }));
    void created;
    const runs = await t.webapp.db.taskRun.findMany();
    const response = await post(`/api/v1/runs/${runs[0]!.id}/reschedule`, JSON.stringify({ delay: "1m" }));
    expect(response.status).toBe(409);
    const missing = await post("/api/v1/does-not-exist", "{}");
    expect(missing.status).toBe(404);
    expect(missing.error).toMatch(/not found/);
  });

  it("a sweep of every route with malformed ids, bodies and queries never gets a 5xx", async () => {
    const ref = t.project.ref;
    const slug = t.dev.slug;
    const routes: [string, string][] = [
      ["GET", "/api/v1/runs"],
      ["GET", `/api/v1/projects/${ref}/runs`],
      ["GET", "/api/v3/runs/{id}"],
      ["GET", "/api/v1/runs/{id}/result"],
      ["GET", "/api/v1/runs/{id}/metadata"],
      ["PUT", "/api/v1/runs/{id}/metadata"],
      ["POST", "/api/v1/runs/{id}/tags"],
      ["POST", "/api/v1/runs/{id}/replay"],
      ["POST", "/api/v1/runs/{id}/reschedule"],
      ["POST", "/api/v2/runs/{id}/cancel"],
      ["GET", "/api/v2/batches/{id}"],
      ["POST", "/api/v1/tasks/{id}/trigger"],
      ["POST", "/api/v1/tasks/{id}/batch"],
      ["POST", "/api/v1/tasks/batch"],
      ["POST", "/api/v2/tasks/batch"],
      ["POST", "/api/v3/batches"],
      ["POST", "/api/v3/batches/{id}/items"],
      ["POST", "/api/v1/waitpoints/tokens"],
      ["GET", "/api/v1/waitpoints/tokens"],
      ["GET", "/api/v1/waitpoints/tokens/{id}"],
      ["POST", "/api/v1/waitpoints/tokens/{id}/complete"],
      ["POST", "/api/v1/waitpoints/tokens/{id}/callback/{id}"],
      ["POST", "/api/v1/idempotencyKeys/{id}/reset"],
      ["GET", "/api/v1/schedules"],
      ["POST", "/api/v1/schedules"],
      ["GET", "/api/v1/schedules/{id}"],
      ["PUT", "/api/v1/schedules/{id}"],
      ["DELETE", "/api/v1/schedules/{id}"],
      ["POST", "/api/v1/schedules/{id}/activate"],
      ["POST", "/api/v1/schedules/{id}/deactivate"],
      ["GET", "/api/v1/queues"],
      ["GET", "/api/v1/queues/{id}"],
      ["POST", "/api/v1/queues/{id}/pause"],
      ["POST", "/api/v1/queues/{id}/concurrency/override"],
      ["POST", "/api/v1/queues/{id}/concurrency/reset"],
      ["GET", `/api/v1/projects/${ref}/envvars/${slug}`],
      ["POST", `/api/v1/projects/${ref}/envvars/${slug}`],
      ["POST", `/api/v1/projects/${ref}/envvars/${slug}/import`],
      ["GET", `/api/v1/projects/${ref}/envvars/${slug}/{id}`],
      ["PUT", `/api/v1/projects/${ref}/envvars/${slug}/{id}`],
      ["DELETE", `/api/v1/projects/${ref}/envvars/${slug}/{id}`],
      ["GET", "/api/v1/projects/{id}/envvars/{id}"],
      ["GET", "/realtime/v1/runs/{id}"],
      ["GET", "/realtime/v1/runs"],
      ["GET", "/realtime/v1/batches/{id}"],
      ["POST", "/engine/v1/dev/sessions"],
      ["POST", "/engine/v1/dev/sessions/{id}/heartbeat"],
      ["POST", "/engine/v1/runs/logs"],
      ["POST", "/api/v1/auth/jwt/claims"],
      ["POST", "/engine/v1/streams/{id}/{id}"],
      ["GET", "/realtime/v1/streams/{id}/{id}"],
      ["PUT", "/api/v2/packets/{id}"],
      ["PUT", "/api/v1/packets/{id}"],
      ["GET", "/api/v1/packets/{id}"],
      ["GET", "/api/v1/runs/{id}/packets/{id}"],
    ];
    const ids = ["run_doesnotexist000000000000", "x", "%00", "%E2%80%AE", "a".repeat(600), "..%2F..%2Fetc"];
    const bodies = [
      JSON.stringify({
        payload: { note: "a\u0000b" },
        items: [{ task: "t", payload: "\u0000" }],
        name: "A\u0000",
        value: "\u0000",
        data: { x: "\u0000" },
        tags: ["\u0000"],
        metadata: { k: "\u0000" },
      }),
      "{oops",
      "null",
      "[]",
      "42",
      '"text"',
      "",
      JSON.stringify({
        payload: { a: 1 },
        options: { tags: [{}], delay: 5, queue: 7, metadata: "m" },
        items: [{}],
        name: 5,
        value: {},
        cron: 1,
        task: [],
        data: null,
        delay: [],
        tags: "x",
      }),
    ];
    const queries = [
      "",
      "?page[size]=-1&filter[status]=NOPE&filter[createdAt][period]=forever",
      "?offset=abc&live=maybe&tags=",
      "?page[after]=%FF&filter[tags]=1",
    ];
    const failures: string[] = [];
    for (const [method, template] of routes) {
      for (const id of ids) {
        const variants =
          method === "GET" || method === "DELETE"
            ? queries.map((query) => [undefined, query] as const)
            : bodies.map((body, i) => [body, queries[i % queries.length]!] as const);
        for (const [body, query] of variants) {
          const path = template.replaceAll("{id}", id) + query;
          const response = await fetch(`${t.webapp.url}${path}`, {
            method,
            body,
            headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
          });
          const text = await response.text();
          if (response.status >= 500)
            failures.push(`${method} ${path.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe("the fault campaign's inputs (issue 9): each a 4xx at once, never a 5xx", () => {
  const ctx = {} as CampaignContext;

  beforeAll(async () => {
    const finished = await tasks.trigger("campaign-task", {});
    await runs.poll(finished.id, { pollIntervalMs: 200 });
    ctx.finishedRunId = finished.id;
    ctx.delayedRunId = (await tasks.trigger("campaign-task", {}, { delay: "1h" })).id;
    const token = await fetch(`${t.webapp.url}/api/v1/waitpoints/tokens`, {
      method: "POST",
      body: "{}",
      headers: { authorization: `Bearer ${t.dev.secretKey}` },
    });
    const { id, url } = (await token.json()) as { id: string; url: string };
    ctx.tokenId = id;
    ctx.callbackPath = new URL(url).pathname;
    const batch = await post("/api/v3/batches", JSON.stringify({ runCount: 2 }));
    ctx.batchId = (JSON.parse(batch.raw) as { id: string }).id;
  });

  it.each(CAMPAIGN_INPUTS.map((input) => [input.name, input] as const))("%s", async (_name, input) => {
    const started = Date.now();
    const response = await fetch(`${t.webapp.url}${input.path(ctx)}`, {
      method: input.method,
      body: input.body?.(ctx),
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
    });
    const body = (await response.json()) as { error?: string };
    expect({ status: response.status, error: body.error }).toMatchObject({
      status: input.status,
      error: expect.stringMatching(input.error),
    });
    // The garbage cursor and the 1 MB key each took 18–40 s to fail.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("the refused batch lines started nothing: the batch has no runs", async () => {
    const batch = await fetch(`${t.webapp.url}/api/v2/batches/${ctx.batchId}`, {
      headers: { authorization: `Bearer ${t.dev.secretKey}` },
    });
    expect(((await batch.json()) as { runs: string[] }).runs).toEqual([]);
  });

  it("tags on a finished run are added, as Trigger.dev does: 200, and the run shows them", async () => {
    const first = await post(`/api/v1/runs/${ctx.finishedRunId}/tags`, JSON.stringify({ tags: ["late-1", "late-2"] }));
    expect(first).toMatchObject({ status: 200 });
    expect(JSON.parse(first.raw)).toEqual({ message: "Successfully set 2 new tags." });
    const again = await post(`/api/v1/runs/${ctx.finishedRunId}/tags`, JSON.stringify({ tags: "late-1" }));
    expect(JSON.parse(again.raw)).toEqual({ message: "No new tags to add" });
    const run = await runs.retrieve(ctx.finishedRunId);
    expect(run.status).toBe("COMPLETED");
    expect(run.tags).toEqual(expect.arrayContaining(["late-1", "late-2"]));
    const tooMany = await post(
      `/api/v1/runs/${ctx.finishedRunId}/tags`,
      JSON.stringify({ tags: Array.from({ length: 9 }, (_, i) => `more-${i}`) }),
    );
    expect(tooMany.status).toBe(422);
    expect(tooMany.error).toMatch(/at most 10 tags.*has 2/);
  });

  it("tags on a run not started yet (delayed) reach it", async () => {
    const response = await post(`/api/v1/runs/${ctx.delayedRunId}/tags`, JSON.stringify({ tags: ["on-delayed"] }));
    expect(response.status).toBe(200);
    expect((await runs.retrieve(ctx.delayedRunId)).tags).toContain("on-delayed");
  });

  it("two concurrent schedule creates with one deduplicationKey make one schedule", async () => {
    const create = () =>
      schedules.create({ task: "campaign-task", cron: "0 9 * * 1", deduplicationKey: "same-key-at-once" });
    const [a, b] = await Promise.all([create(), create()]);
    expect(a.id).toBe(b.id);
    const listed = await schedules.list();
    expect(listed.data.filter((s) => s.deduplicationKey === "same-key-at-once")).toHaveLength(1);
  });

  it("pagination still works with the cursors the API hands out (real SDK, several pages)", async () => {
    // Finished first: visibility orders running runs by start and closed ones by close, so a run that finishes
    // mid-listing can move between pages.
    const handles = await Promise.all([1, 2, 3].map(() => tasks.trigger("campaign-task", {})));
    await Promise.all(handles.map((handle) => runs.poll(handle.id, { pollIntervalMs: 200 })));
    const seen: string[] = [];
    for await (const run of runs.list({ limit: 2 })) seen.push(run.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(3);
  });
});

describe("engine errors a route did not map", () => {
  const caught = async (call: () => Promise<unknown>) =>
    call().then(
      (value) => ({ unexpectedly: "no error", value }),
      (error: unknown) => failureStatus(error),
    );

  it("a value Temporal refuses is a 400 saying so", async () => {
    expect(
      await caught(() =>
        t.webapp.engines.client.workflow.start("anything", { workflowId: "w".repeat(2_000), taskQueue: "nobody" }),
      ),
    ).toMatchObject({ status: 400, message: expect.stringMatching(/engine \(Temporal\) refused a value/) });
  });

  it("a workflow Temporal does not have is a 404", async () => {
    expect(
      await caught(() => t.webapp.engines.client.workflow.getHandle("run_nosuchrun000000000000").describe()),
    ).toMatchObject({ status: 404 });
  });

  it("a query Temporal cannot answer in time ('Failed to query Workflow' under load) is a 503 to retry", async () => {
    const client = t.webapp.engines.client;
    // Nobody polls the workflow's queue, so the query runs into its deadline.
    const idle = await client.workflow.start("anything", {
      workflowId: `idle-${Date.now()}`,
      taskQueue: "nobody-polls-this",
    });
    try {
      expect(
        await caught(() => client.connection.withDeadline(Date.now() + 500, () => idle.query("state"))),
      ).toMatchObject({ status: 503, retryAfter: 1, message: expect.stringMatching(/did not answer in time/) });
    } finally {
      await idle.terminate();
    }
  });

  it("anything else is a 500 that names what failed", () => {
    expect(failureStatus(new TypeError("x is not a function"))).toEqual({
      status: 500,
      message: expect.stringMatching(/^Internal server error \(TypeError\); this is not your request's fault/),
    });
  });
});

/** Bad input gets a 4xx whose message names the field and the fix; never a 500, and nothing is started. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
});

afterAll(async () => {
  await t?.stop();
});

async function post(path: string, body: string) {
  const response = await fetch(`${t.webapp.url}${path}`, { method: "POST", body, headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" } });
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe("bad input", () => {
  it.each([
    ["a body that is not JSON", "/api/v1/tasks/t/trigger", "{oops", /body: not valid JSON/],
    ["maxAttempts as text", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: {}, options: { maxAttempts: "3" } }), /body\.options\.maxAttempts/],
    ["maxDuration under 5 seconds", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: {}, options: { maxDuration: 1 } }), /maxDuration.*at least 5/],
    ["eleven tags", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: {}, options: { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) } }), /tags/],
    ["an unknown machine", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: {}, options: { machine: "huge" } }), /machine/],
    ["a delay that is not a duration", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: {}, options: { delay: "soon" } }), /delay/],
    ["a task id with spaces", "/api/v1/tasks/not%20a%20task/trigger", JSON.stringify({ payload: {} }), /taskId/],
    ["a superjson payload that is not superjson", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: "{nope", options: { payloadType: "application/super+json" } }), /payload.*superjson/],
    ["a legacy batch without items", "/api/v2/tasks/batch", JSON.stringify({ items: [] }), /items.*at least one/],
    ["a reschedule of a malformed run id", "/api/v1/runs/xyz/reschedule", JSON.stringify({ delay: "1m" }), /runId/],
    ["a NUL character in a payload", "/api/v1/tasks/t/trigger", JSON.stringify({ payload: { notes: ["ok", "a\u0000b"] } }), /body\.payload\.notes\.1: contains a NUL character/],
    ["a NUL character in an id", "/api/v1/schedules/sched_%00/activate", "{}", /path: contains a control character/],
  ])("%s → 400 naming the field", async (_name, path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.error).toMatch(message);
  });

  it("a payload over 1 MB is a 413 naming the limit", async () => {
    const response = await post("/api/v1/tasks/t/trigger", JSON.stringify({ payload: { text: "x".repeat(1.2 * 1024 * 1024) } }));
    expect(response.status).toBe(413);
    expect(response.error).toMatch(/body\.payload: 1\.2 MB is over the 1\.0 MB limit on a run's payload and output/);
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
      ["GET", "/api/v1/runs"], ["GET", `/api/v1/projects/${ref}/runs`], ["GET", "/api/v3/runs/{id}"], ["GET", "/api/v1/runs/{id}/result"],
      ["GET", "/api/v1/runs/{id}/metadata"], ["PUT", "/api/v1/runs/{id}/metadata"], ["POST", "/api/v1/runs/{id}/tags"], ["POST", "/api/v1/runs/{id}/replay"],
      ["POST", "/api/v1/runs/{id}/reschedule"], ["POST", "/api/v2/runs/{id}/cancel"], ["GET", "/api/v2/batches/{id}"],
      ["POST", "/api/v1/tasks/{id}/trigger"], ["POST", "/api/v1/tasks/{id}/batch"], ["POST", "/api/v1/tasks/batch"], ["POST", "/api/v2/tasks/batch"],
      ["POST", "/api/v3/batches"], ["POST", "/api/v3/batches/{id}/items"], ["POST", "/api/v1/waitpoints/tokens"], ["GET", "/api/v1/waitpoints/tokens"],
      ["GET", "/api/v1/waitpoints/tokens/{id}"], ["POST", "/api/v1/waitpoints/tokens/{id}/complete"], ["POST", "/api/v1/waitpoints/tokens/{id}/callback/{id}"],
      ["POST", "/api/v1/idempotencyKeys/{id}/reset"], ["GET", "/api/v1/schedules"], ["POST", "/api/v1/schedules"], ["GET", "/api/v1/schedules/{id}"],
      ["PUT", "/api/v1/schedules/{id}"], ["DELETE", "/api/v1/schedules/{id}"], ["POST", "/api/v1/schedules/{id}/activate"], ["POST", "/api/v1/schedules/{id}/deactivate"],
      ["GET", "/api/v1/queues"], ["GET", "/api/v1/queues/{id}"], ["POST", "/api/v1/queues/{id}/pause"], ["POST", "/api/v1/queues/{id}/concurrency/override"],
      ["POST", "/api/v1/queues/{id}/concurrency/reset"], ["GET", `/api/v1/projects/${ref}/envvars/${slug}`], ["POST", `/api/v1/projects/${ref}/envvars/${slug}`],
      ["POST", `/api/v1/projects/${ref}/envvars/${slug}/import`], ["GET", `/api/v1/projects/${ref}/envvars/${slug}/{id}`], ["PUT", `/api/v1/projects/${ref}/envvars/${slug}/{id}`],
      ["DELETE", `/api/v1/projects/${ref}/envvars/${slug}/{id}`], ["GET", "/api/v1/projects/{id}/envvars/{id}"], ["GET", "/realtime/v1/runs/{id}"], ["GET", "/realtime/v1/runs"],
      ["GET", "/realtime/v1/batches/{id}"], ["POST", "/engine/v1/dev/sessions"], ["POST", "/engine/v1/dev/sessions/{id}/heartbeat"], ["POST", "/engine/v1/runs/logs"],
      ["POST", "/api/v1/auth/jwt/claims"], ["POST", "/engine/v1/streams/{id}/{id}"], ["GET", "/realtime/v1/streams/{id}/{id}"],
    ];
    const ids = ["run_doesnotexist000000000000", "x", "%00", "%E2%80%AE", "a".repeat(600), "..%2F..%2Fetc"];
    const bodies = [JSON.stringify({ payload: { note: "a\u0000b" }, items: [{ task: "t", payload: "\u0000" }], name: "A\u0000", value: "\u0000", data: { x: "\u0000" }, tags: ["\u0000"], metadata: { k: "\u0000" } }), "{oops", "null", "[]", "42", '"text"', "", JSON.stringify({ payload: { a: 1 }, options: { tags: [{}], delay: 5, queue: 7, metadata: "m" }, items: [{}], name: 5, value: {}, cron: 1, task: [], data: null, delay: [], tags: "x" })];
    const queries = ["", "?page[size]=-1&filter[status]=NOPE&filter[createdAt][period]=forever", "?offset=abc&live=maybe&tags=", "?page[after]=%FF&filter[tags]=1"];
    const failures: string[] = [];
    for (const [method, template] of routes) {
      for (const id of ids) {
        const variants = method === "GET" || method === "DELETE" ? queries.map((query) => [undefined, query] as const) : bodies.map((body, i) => [body, queries[i % queries.length]!] as const);
        for (const [body, query] of variants) {
          const path = template.replaceAll("{id}", id) + query;
          const response = await fetch(`${t.webapp.url}${path}`, { method, body, headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" } });
          const text = await response.text();
          if (response.status >= 500) failures.push(`${method} ${path.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

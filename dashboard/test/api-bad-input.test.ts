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
  ])("%s → 400 naming the field", async (_name, path, body, message) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.error).toMatch(message);
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
});

/** Waitpoint tokens over the REST API: created and completed by a backend (real SDK) or a webhook, awaited by a run. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks, wait as triggerWait } from "@trigger.dev/sdk";
import { metadata, task, wait } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const approval = task({
  id: "api-approval",
  run: async (payload: { tokenId: string }) => {
    const result = await wait.forToken<{ approved: boolean }>(payload.tokenId);
    return result.ok ? { approved: result.output.approved } : { timedOut: true };
  },
});

const maker = task({
  id: "api-token-maker",
  run: async () => {
    const token = await wait.createToken({ timeout: "10m", tags: ["made-in-task"] });
    metadata.set("tokenId", token.id);
    await metadata.flush();
    const result = await wait.forToken<{ by: string }>(token);
    return result.ok ? result.output : null;
  },
});

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([approval.id, maker.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

describe("waitpoint tokens over the REST API", () => {
  it("a backend creates a token, a run waits on it, completeToken resumes the run with the data", async () => {
    const token = await triggerWait.createToken({ timeout: "10m", tags: ["approval"] });
    expect(token.id).toMatch(/^waitpoint_/);
    expect(token.url).toContain(`/api/v1/waitpoints/tokens/${token.id}/callback/`);

    const run = await tasks.trigger("api-approval", { tokenId: token.id });
    await expect
      .poll(async () => (await runs.retrieve(run.id)).status, { timeout: 20_000, interval: 200 })
      .toBe("WAITING");
    expect((await triggerWait.retrieveToken(token.id)).status).toBe("WAITING");

    await triggerWait.completeToken(token.id, { approved: true });
    expect((await runs.poll(run.id, { pollIntervalMs: 200 })).output).toEqual({ approved: true });
    const completed = await triggerWait.retrieveToken<{ approved: boolean }>(token.id);
    expect(completed.status).toBe("COMPLETED");
    expect(completed.output).toEqual({ approved: true });
    expect(completed.tags).toEqual(["approval"]);
  });

  it("the callback URL completes a token without an API key; a wrong hash is refused", async () => {
    const token = await triggerWait.createToken({ timeout: "10m" });
    const run = await tasks.trigger("api-approval", { tokenId: token.id });

    const forged = token.url.replace(/callback\/[0-9a-f]+$/, "callback/00000000000000000000000000000000");
    expect((await fetch(forged, { method: "POST", body: JSON.stringify({ approved: true }) })).status).toBe(401);

    const response = await fetch(token.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ approved: false }),
    });
    expect(response.status).toBe(200);
    expect((await runs.poll(run.id, { pollIntervalMs: 200 })).output).toEqual({ approved: false });
  });

  it("a token with an idempotency key is created once", async () => {
    const first = await triggerWait.createToken({ idempotencyKey: "approval-42", timeout: "1h" });
    const second = await triggerWait.createToken({ idempotencyKey: "approval-42", timeout: "1h" });
    expect(second.id).toBe(first.id);
    expect(second.isCached).toBe(true);
  });

  it("another environment's key cannot read or complete a token: 404", async () => {
    const token = await triggerWait.createToken({ timeout: "10m" });
    const asProd = (path: string, init: RequestInit = {}) =>
      fetch(`${t.webapp.url}${path}`, { ...init, headers: { authorization: `Bearer ${t.prod.secretKey}` } });
    expect((await asProd(`/api/v1/waitpoints/tokens/${token.id}`)).status).toBe(404);
    expect(
      (
        await asProd(`/api/v1/waitpoints/tokens/${token.id}/complete`, {
          method: "POST",
          body: JSON.stringify({ data: 1 }),
        })
      ).status,
    ).toBe(404);
    expect((await triggerWait.retrieveToken(token.id)).status).toBe("WAITING");
  });

  it("a token created inside a task is completed by a backend through the API", async () => {
    const run = await tasks.trigger("api-token-maker", {});
    let tokenId: string | undefined;
    for (
      const deadline = Date.now() + 20_000;
      !tokenId && Date.now() < deadline;
      await new Promise((r) => setTimeout(r, 200))
    ) {
      tokenId = (await runs.retrieve(run.id)).metadata?.tokenId as string | undefined;
    }
    expect(tokenId).toMatch(/^waitpoint_/);
    await triggerWait.completeToken(tokenId!, { by: "backend" });
    expect((await runs.poll(run.id, { pollIntervalMs: 200 })).output).toEqual({ by: "backend" });
  });

  it("listTokens filters by status and tags, newest first", async () => {
    const waiting = await triggerWait.createToken({ timeout: "10m", tags: ["listed"] });
    const done = await triggerWait.createToken({ timeout: "10m", tags: ["listed"] });
    await triggerWait.completeToken(done.id, { ok: 1 });
    const listed = async (status: "WAITING" | "COMPLETED") => {
      const ids: string[] = [];
      for await (const token of triggerWait.listTokens({ status, tags: ["listed"] })) ids.push(token.id);
      return ids;
    };
    await expect.poll(() => listed("COMPLETED"), { timeout: 10_000 }).toEqual([done.id]);
    expect(await listed("WAITING")).toEqual([waiting.id]);
  });
});

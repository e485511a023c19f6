/**
 * Public access tokens the SDK signs itself with the real @trigger.dev/sdk: `auth.createPublicToken` (read scopes)
 * and `auth.createTriggerPublicToken` (trigger a task from a browser, once by default), and the token of a waitpoint
 * (completes it). The SDK's own tokens verify with the environment's secret key, which the webapp keeps sealed;
 * rotating the key revokes them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, configure, runs, tasks, wait } from "@trigger.dev/sdk";
import { task } from "@stint/sdk";
import { rotateSecretKey } from "../src/index.js";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const echo = task({ id: "pt-echo", run: async (payload: { n: number }) => ({ n: payload.n }) });
const other = task({ id: "pt-other", run: async () => "other" });

let t: TestWebapp;
/** The dev environment's secret key (a test below rotates it). */
let secretKey: string;
beforeAll(async () => {
  t = await startTestWebapp();
  secretKey = t.dev.secretKey;
  await t.serveTasks([echo.id, other.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => t?.stop());

const withToken = <T>(accessToken: string, fn: () => Promise<T>) =>
  auth.withAuth({ baseURL: t.webapp.url, accessToken }, fn);

/** The HTTP status of a request made with `accessToken` (the SDK turns refusals into errors with a status). */
async function statusOf(accessToken: string, path: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(`${t.webapp.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
  });
  return response.status;
}

describe("public access tokens signed by the SDK", () => {
  it("a read token for one run reads that run, and nothing else", async () => {
    const mine = await tasks.trigger("pt-echo", { n: 1 });
    const theirs = await tasks.trigger("pt-echo", { n: 2 });
    const token = await auth.createPublicToken({ scopes: { read: { runs: [mine.id] } }, expirationTime: "10m" });
    expect(token).toMatch(/^ey/);

    const run = await withToken(token, () => runs.retrieve(mine.id));
    expect(run.id).toBe(mine.id);
    expect(await statusOf(token, `/api/v3/runs/${theirs.id}`)).toBe(403);
    expect(await statusOf(token, `/api/v1/runs`)).toBe(403);
    expect(await statusOf(token, `/api/v1/tasks/pt-echo/trigger`, { method: "POST", body: "{}" })).toBe(403);
  });

  it("a tag-scoped token follows the runs with its tag", async () => {
    const tag = `pt-${Date.now()}`;
    const handle = await tasks.trigger("pt-echo", { n: 3 }, { tags: [tag] });
    const token = await auth.createPublicToken({ scopes: { read: { tags: [tag] } } });
    const seen = await withToken(token, async () => {
      for await (const update of runs.subscribeToRunsWithTag(tag))
        if (update.id === handle.id && update.isCompleted) return update;
    });
    expect(seen?.output).toEqual({ n: 3 });
    expect(await statusOf(token, `/realtime/v1/runs?tags=someone-else&offset=-1`)).toBe(403);
  });

  it("a trigger token triggers its task once; a second use and another task are refused", async () => {
    const token = await auth.createTriggerPublicToken("pt-echo");
    const handle = await withToken(token, () => tasks.trigger("pt-echo", { n: 4 }));
    const run = await runs.poll(handle.id, { pollIntervalMs: 200 });
    expect(run.output).toEqual({ n: 4 });

    expect(
      await statusOf(token, `/api/v1/tasks/pt-echo/trigger`, {
        method: "POST",
        body: JSON.stringify({ payload: { n: 5 } }),
      }),
    ).toBe(401);
    const multiple = await auth.createTriggerPublicToken("pt-echo", { multipleUse: true });
    expect(await statusOf(multiple, `/api/v1/tasks/pt-other/trigger`, { method: "POST", body: "{}" })).toBe(403);
    expect(
      await statusOf(multiple, `/api/v1/tasks/pt-echo/trigger`, {
        method: "POST",
        body: JSON.stringify({ payload: { n: 6 } }),
      }),
    ).toBe(200);
    expect(
      await statusOf(multiple, `/api/v1/tasks/pt-echo/trigger`, {
        method: "POST",
        body: JSON.stringify({ payload: { n: 7 } }),
      }),
    ).toBe(200);
  });

  it("a waitpoint's token completes that waitpoint from a browser, and no other", async () => {
    const mine = await wait.createToken({ timeout: "10m" });
    const theirs = await wait.createToken({ timeout: "10m" });
    expect(
      await statusOf(mine.publicAccessToken, `/api/v1/waitpoints/tokens/${theirs.id}/complete`, {
        method: "POST",
        body: JSON.stringify({ data: {} }),
      }),
    ).toBe(403);
    await withToken(mine.publicAccessToken, () => wait.completeToken(mine.id, { approved: true }));
    expect((await wait.retrieveToken(mine.id)).status).toBe("COMPLETED");
    expect((await wait.retrieveToken(theirs.id)).status).toBe("WAITING");
  });

  it("the key is kept sealed, not in the clear; rotating it revokes the tokens it signed", async () => {
    const handle = await tasks.trigger("pt-echo", { n: 8 });
    const token = await auth.createPublicToken({ scopes: { read: { runs: true } } });
    expect(await statusOf(token, `/api/v3/runs/${handle.id}`)).toBe(200);
    const row = await t.webapp.db.runtimeEnvironment.findUniqueOrThrow({ where: { id: t.dev.id } });
    expect(row.secretKeySealed).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(secretKey);

    const fresh = (secretKey = await rotateSecretKey(t.webapp.db, t.dev.id));
    // Keys are cached for a few seconds after a lookup; a signed token is checked against the key on every request.
    expect(await statusOf(token, `/api/v3/runs/${handle.id}`)).toBe(401);
    const renewed = await withToken(fresh, () => auth.createPublicToken({ scopes: { read: { runs: [handle.id] } } }));
    expect(await statusOf(renewed, `/api/v3/runs/${handle.id}`)).toBe(200);
    configure({ baseURL: t.webapp.url, accessToken: fresh });
  });

  it("a token signed with a key that is not the environment's, or without an expiry, is refused", async () => {
    const handle = await tasks.trigger("pt-echo", { n: 9 });
    const { SignJWT } = await import("jose");
    const forged = await new SignJWT({ pub: true, scopes: ["read:runs"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(t.dev.id)
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode("tr_dev_not-the-key"));
    expect(await statusOf(forged, `/api/v3/runs/${handle.id}`)).toBe(401);
    const forever = await new SignJWT({ pub: true, scopes: ["read:runs"] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(t.dev.id)
      .sign(new TextEncoder().encode(secretKey));
    expect(await statusOf(forever, `/api/v3/runs/${handle.id}`)).toBe(401);
  });
});

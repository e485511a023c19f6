/** Waitpoint tokens: created inside or outside runs, completed from outside, timing out, retrieved by id. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WaitpointTimeoutError, task, wait } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const approval = task({
  id: "tokens-approval",
  run: async (payload: { tokenId?: string; timeout?: string }) => {
    const token = payload.tokenId
      ? { id: payload.tokenId }
      : await wait.createToken({ timeout: payload.timeout ?? "1m", tags: ["approval"] });
    const result = await wait.forToken<{ approved: boolean }>(token);
    if (result.ok) return { tokenId: token.id, approved: result.output.approved };
    return {
      tokenId: token.id,
      error: { name: result.error.name, isTimeout: result.error instanceof WaitpointTimeoutError },
    };
  },
});

const unwrapper = task({
  id: "tokens-unwrap",
  retry: { maxAttempts: 1 },
  run: async () => {
    const token = await wait.createToken({ timeout: "1s" });
    return await wait.forToken(token).unwrap();
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("waitpoint tokens", () => {
  it("a token created inside a run is completed from outside; retrieveToken follows its status", async () => {
    const handle = await approval.trigger({});
    const waiting = await t.waitForRun(handle.id, (s) => s.status === "WAITING" && s.journal.length === 2);
    const tokenId = (waiting.journal[0]!.result as { id: string }).id;
    expect(tokenId).toMatch(/^waitpoint_/);
    expect(await wait.retrieveToken(tokenId)).toMatchObject({ id: tokenId, status: "WAITING", tags: ["approval"] });
    expect(await wait.completeToken(tokenId, { approved: true })).toEqual({ success: true });
    const state = await t.waitForRun(handle.id);
    expect(state.output).toEqual({ tokenId, approved: true });
    expect(await wait.retrieveToken(tokenId)).toMatchObject({ status: "COMPLETED", output: { approved: true } });
  });

  it("a token created outside a run and completed before anyone waits still delivers its result", async () => {
    const token = await wait.createToken({ timeout: "1m" });
    expect(token).toMatchObject({ id: expect.stringMatching(/^waitpoint_/), isCached: false });
    await wait.completeToken(token, { approved: false });
    const handle = await approval.trigger({ tokenId: token.id });
    expect((await t.waitForRun(handle.id)).output).toEqual({ tokenId: token.id, approved: false });
  });

  it("a token that times out resolves ok:false with WaitpointTimeoutError, and unwrap throws it", async () => {
    const handle = await approval.trigger({ timeout: "1s" });
    const state = await t.waitForRun(handle.id);
    const out = state.output as { tokenId: string; error: { name: string; isTimeout: boolean } };
    expect(out.error).toEqual({ name: "WaitpointTimeoutError", isTimeout: true });
    expect(await wait.retrieveToken(out.tokenId)).toMatchObject({ status: "TIMED_OUT" });
    const unwrapped = await t.waitForRun((await unwrapper.trigger()).id);
    expect(unwrapped.status).toBe("FAILED");
    expect(unwrapped.error?.name).toBe("WaitpointTimeoutError");
  });

  it("idempotent tokens: the same key returns the same token, marked isCached", async () => {
    const key = `approval-${Date.now()}`;
    const a = await wait.createToken({ idempotencyKey: key, timeout: "1m" });
    const b = await wait.createToken({ idempotencyKey: key, timeout: "1m" });
    expect(b.id).toBe(a.id);
    expect(b.isCached).toBe(true);
  });

  it("bad token ids are refused clearly", async () => {
    await expect(wait.completeToken("nope", {})).rejects.toThrow(/expected a waitpoint token or its id/);
    await expect(wait.retrieveToken("waitpoint_doesnotexist0000000000")).rejects.toThrow(/not found/);
  });
});

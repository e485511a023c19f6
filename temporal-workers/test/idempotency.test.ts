/** Idempotency keys: a repeated trigger with the same key returns the same run, within the key's TTL and scope. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idempotencyKeys, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const executions: Record<string, number> = {};

const work = task({
  id: "idem-work",
  run: async (payload: { value: number; fail?: boolean }, { ctx }) => {
    executions[ctx.run.id] = (executions[ctx.run.id] ?? 0) + 1;
    if (payload.fail) throw new Error("failing on purpose");
    return { value: payload.value };
  },
});

const parent = task({
  id: "idem-parent",
  run: async (payload: { key: string; scope: "run" | "global" | "raw" }) => {
    const key =
      payload.scope === "raw" ? payload.key : await idempotencyKeys.create(payload.key, { scope: payload.scope });
    const first = await work.trigger({ value: 1 }, { idempotencyKey: key });
    const second = await work.trigger({ value: 2 }, { idempotencyKey: key });
    const waited = await work.triggerAndWait({ value: 3 }, { idempotencyKey: key }).unwrap();
    return { first: first.id, second: second.id, secondCached: second.isCached, waited };
  },
});

const showsKey = task({ id: "idem-shows-key", run: async (_payload: unknown, { ctx }) => ctx.run.idempotencyKey });

/** ctx.run.idempotencyKey inside children triggered with a key the parent made each way. */
const keyParent = task({
  id: "idem-key-parent",
  run: async (_payload: unknown, { ctx }) => {
    const scoped = await showsKey
      .triggerAndWait({}, { idempotencyKey: await idempotencyKeys.create(["user", ctx.run.id], { scope: "run" }) })
      .unwrap();
    const raw = await showsKey.triggerAndWait({}, { idempotencyKey: `raw-${ctx.run.id}` }).unwrap();
    return { scoped, raw, runId: ctx.run.id };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ retriesEnabled: false });
});
afterAll(async () => t?.stop());

describe("idempotency keys", () => {
  it("the same key returns the same run, marked isCached", async () => {
    const key = await idempotencyKeys.create(`order-${Date.now()}`);
    const a = await work.trigger({ value: 1 }, { idempotencyKey: key });
    const b = await work.trigger({ value: 2 }, { idempotencyKey: key });
    expect(a.isCached).toBe(false);
    expect(b.id).toBe(a.id);
    expect(b.isCached).toBe(true);
    const state = await t.waitForRun(a.id);
    expect(state.output).toEqual({ value: 1 });
    expect(executions[a.id]).toBe(1);
  });

  it("concurrent triggers with one key start exactly one run", async () => {
    const key = await idempotencyKeys.create(`burst-${Date.now()}`);
    const handles = await Promise.all(
      Array.from({ length: 8 }, (_, i) => work.trigger({ value: i }, { idempotencyKey: key })),
    );
    expect(new Set(handles.map((h) => h.id)).size).toBe(1);
    expect(handles.filter((h) => !h.isCached)).toHaveLength(1);
  });

  it("a key expires after its idempotencyKeyTTL", async () => {
    const key = await idempotencyKeys.create(`ttl-${Date.now()}`);
    const a = await work.trigger({ value: 1 }, { idempotencyKey: key, idempotencyKeyTTL: "2s" });
    await t.waitForRun(a.id);
    await new Promise((r) => setTimeout(r, 2_500));
    const b = await work.trigger({ value: 2 }, { idempotencyKey: key, idempotencyKeyTTL: "2s" });
    expect(b.id).not.toBe(a.id);
    expect(b.isCached).toBe(false);
  });

  it("a failed run clears its key, so the next trigger starts a new run", async () => {
    const key = await idempotencyKeys.create(`fail-${Date.now()}`);
    const a = await work.trigger({ value: 1, fail: true }, { idempotencyKey: key });
    expect((await t.waitForRun(a.id)).status).toBe("FAILED");
    await new Promise((r) => setTimeout(r, 300));
    const b = await work.trigger({ value: 2 }, { idempotencyKey: key });
    expect(b.id).not.toBe(a.id);
    expect((await t.waitForRun(b.id)).output).toEqual({ value: 2 });
  });

  it("idempotencyKeys.reset releases a key", async () => {
    const key = await idempotencyKeys.create(`reset-${Date.now()}`);
    const a = await work.trigger({ value: 1 }, { idempotencyKey: key });
    await t.waitForRun(a.id);
    await idempotencyKeys.reset("idem-work", key);
    await new Promise((r) => setTimeout(r, 300));
    const b = await work.trigger({ value: 2 }, { idempotencyKey: key });
    expect(b.id).not.toBe(a.id);
    await expect(idempotencyKeys.reset("idem-work", "never-used")).rejects.toThrow(/No idempotency key/);
  });

  it("idempotencyKeys.reset takes the key as the user wrote it: a string with its scope, or the parts of a raw key", async () => {
    const raw = `reset-raw-${Date.now()}`;
    const key = await idempotencyKeys.create(raw, { scope: "global" });
    const a = await work.trigger({ value: 1 }, { idempotencyKey: key });
    await t.waitForRun(a.id);
    await idempotencyKeys.reset("idem-work", raw, { scope: "global" });
    await new Promise((r) => setTimeout(r, 300));
    expect((await work.trigger({ value: 2 }, { idempotencyKey: key })).id).not.toBe(a.id);
    // A raw key given to trigger is hashed as idempotencyKeys.create would; reset hashes it the same way.
    const parts = ["reset-parts", String(Date.now())];
    const c = await work.trigger({ value: 3 }, { idempotencyKey: parts });
    await t.waitForRun(c.id);
    await idempotencyKeys.reset("idem-work", parts);
    await new Promise((r) => setTimeout(r, 300));
    expect((await work.trigger({ value: 4 }, { idempotencyKey: parts })).id).not.toBe(c.id);
  });

  it("inside a run: trigger and triggerAndWait with one key share one run; run scope isolates parents", async () => {
    const raw = `raw-${Date.now()}`;
    const [p1, p2] = await Promise.all([
      parent.trigger({ key: raw, scope: "raw" }),
      parent.trigger({ key: raw, scope: "raw" }),
    ]);
    const [s1, s2] = await Promise.all([t.waitForRun(p1.id), t.waitForRun(p2.id)]);
    const o1 = s1.output as { first: string; second: string; secondCached: boolean; waited: { value: number } };
    const o2 = s2.output as typeof o1;
    expect(o1.second).toBe(o1.first);
    expect(o1.secondCached).toBe(true);
    // triggerAndWait with the same key waited for the run the key already pointed to (value 1), not a new one.
    expect(o1.waited).toEqual({ value: 1 });
    expect(executions[o1.first]).toBe(1);
    // A raw string key is scoped to its parent run (Trigger v4.3.1+): two parents get two children.
    expect(o2.first).not.toBe(o1.first);
  });

  it("ctx.run.idempotencyKey is the key as the user gave it, not its hash (as in Trigger.dev)", async () => {
    const userKey = `order-${Date.now()}`;
    const made = await idempotencyKeys.create(userKey, { scope: "global" });
    expect(made).toMatch(/^[0-9a-f]{64}$/);
    const handle = await showsKey.trigger({}, { idempotencyKey: made });
    expect((await t.waitForRun(handle.id)).output).toBe(userKey);
    const parent = await t.waitForRun((await keyParent.trigger({})).id);
    const { scoped, raw, runId } = parent.output as { scoped: string; raw: string; runId: string };
    expect(scoped).toBe(`user-${runId}`);
    expect(raw).toBe(`raw-${runId}`);
  });

  it("global scope shares one child across parents", async () => {
    const key = `global-${Date.now()}`;
    const p1 = await parent.trigger({ key, scope: "global" });
    const s1 = await t.waitForRun(p1.id);
    const p2 = await parent.trigger({ key, scope: "global" });
    const s2 = await t.waitForRun(p2.id);
    const first = (s1.output as { first: string }).first;
    expect((s2.output as { first: string }).first).toBe(first);
    expect((s2.output as { waited: unknown }).waited).toEqual({ value: 1 });
    expect(executions[first]).toBe(1);
  });
});

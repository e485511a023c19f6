/**
 * runs.retrieve's relatedRuns, as Trigger.dev answers them: a parent lists the runs its code triggered
 * (children), and a child names its parent and root — read with the real @trigger.dev/sdk 4.8.3 from a real webapp
 * on real PostgreSQL and Temporal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, runs, tasks } from "trigger-sdk-latest";
import { task } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const child = task({ id: "related-child", run: async (payload: { n: number }) => payload.n * 2 });
const parent = task({
  id: "related-parent",
  run: async () => {
    const first = await child.triggerAndWait({ n: 1 });
    const second = await child.trigger({ n: 2 });
    return { first: first.ok ? first.output : undefined, second: second.id };
  },
});

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  await t.serveTasks([parent.id, child.id]);
});

afterAll(async () => {
  await t?.stop();
});

describe("relatedRuns", () => {
  it("a parent lists its children; a child names its parent and root", async () => {
    const handle = await tasks.trigger(parent.id, {});
    const finished = await runs.poll(handle.id, { pollIntervalMs: 250 });
    expect(finished.status).toBe("COMPLETED");
    const second = (finished.output as { second: string }).second;
    // Children are found through Temporal's visibility, which is eventually consistent.
    await expect
      .poll(async () => ((await runs.retrieve(handle.id)).relatedRuns.children ?? []).map((r) => r.id).sort(), {
        timeout: 30_000,
      })
      .toHaveLength(2);
    const retrieved = await runs.retrieve(handle.id);
    const children = retrieved.relatedRuns.children!;
    expect(children.map((r) => r.id)).toContain(second);
    for (const run of children) expect(run.taskIdentifier).toBe(child.id);
    expect(children.every((r) => r.depth === 1)).toBe(true);

    const childRun = await runs.retrieve(second);
    expect(childRun.relatedRuns.parent?.id).toBe(handle.id);
    expect(childRun.relatedRuns.root?.id).toBe(handle.id);
    expect(childRun.relatedRuns.children ?? []).toEqual([]);
  });
});

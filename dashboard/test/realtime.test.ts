/**
 * Realtime run updates with the real @trigger.dev/sdk: runs.subscribeToRun follows a run live (status, metadata
 * progress, output) and closes when it finishes; subscribeToRunsWithTag and subscribeToBatch follow several runs;
 * a public access token may only subscribe to the run it was issued for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, configure, runs, tasks } from "@trigger.dev/sdk";
import { metadata, task, wait } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const progress = task({
  id: "rt-progress",
  run: async (payload: { steps: number }) => {
    for (let step = 1; step <= payload.steps; step++) {
      metadata.set("progress", step / payload.steps);
      await wait.for({ seconds: 1 });
    }
    return { done: payload.steps };
  },
});
const quick = task({ id: "rt-quick", run: async (payload: { n: number }) => payload.n * 2 });

let t: TestWebapp;
beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([progress.id, quick.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => t?.stop());

/** Collects what a subscription yields until the run completes (or the guard time passes). */
async function collect<T extends { isCompleted: boolean }>(
  subscription: AsyncIterable<T> & { unsubscribe(): void },
  guardMs = 60_000,
): Promise<T[]> {
  const seen: T[] = [];
  const guard = setTimeout(() => subscription.unsubscribe(), guardMs);
  try {
    for await (const item of subscription) {
      seen.push(item);
      if (item.isCompleted) break;
    }
  } finally {
    clearTimeout(guard);
  }
  return seen;
}

/** Outputs of the runs a subscription sees complete, by run id, once `count` of them did (or the guard time passed). */
async function outputsOfCompleted(
  subscription: AsyncIterable<{ id: string; isCompleted: boolean; output?: unknown }> & { unsubscribe(): void },
  count: number,
  guardMs = 60_000,
): Promise<Map<string, unknown>> {
  const outputs = new Map<string, unknown>();
  const guard = setTimeout(() => subscription.unsubscribe(), guardMs);
  try {
    for await (const run of subscription) {
      if (run.isCompleted) outputs.set(run.id, run.output);
      if (outputs.size === count) break;
    }
  } finally {
    clearTimeout(guard);
  }
  return outputs;
}

describe("realtime", () => {
  it("subscribeToRun streams status, metadata and output, and ends when the run finishes", async () => {
    const handle = await tasks.trigger("rt-progress", { steps: 3 });
    const updates = await collect(runs.subscribeToRun(handle.id));
    const last = updates.at(-1)!;
    expect(last.status).toBe("COMPLETED");
    expect(last.isSuccess).toBe(true);
    expect(last.output).toEqual({ done: 3 });
    expect(last.finishedAt).toBeInstanceOf(Date);
    expect(last.createdAt).toBeInstanceOf(Date);
    // Live: progress was seen part-way, while the run was still going.
    const partial = updates.filter(
      (u) => !u.isCompleted && typeof u.metadata?.progress === "number" && (u.metadata.progress as number) < 1,
    );
    expect(partial.length).toBeGreaterThan(0);
    expect(updates.some((u) => u.status === "EXECUTING" || u.status === "WAITING")).toBe(true);
  });

  it("a public access token subscribes to its own run only", async () => {
    const mine = await tasks.trigger("rt-quick", { n: 21 });
    const other = await tasks.trigger("rt-quick", { n: 1 });
    expect(mine.publicAccessToken).toMatch(/^ey/);
    const updates = await auth.withAuth({ accessToken: mine.publicAccessToken }, () =>
      collect(runs.subscribeToRun(mine.id)),
    );
    expect(updates.at(-1)).toMatchObject({ id: mine.id, status: "COMPLETED", output: 42 });

    const refused = await fetch(`${t.webapp.url}/realtime/v1/runs/${other.id}?offset=-1`, {
      headers: { authorization: `Bearer ${mine.publicAccessToken}` },
    });
    expect(refused.status).toBe(403);
    // A finished run read once stays invisible to another environment's key.
    const foreign = await fetch(`${t.webapp.url}/realtime/v1/runs/${mine.id}?offset=-1`, {
      headers: { authorization: `Bearer ${t.prod.secretKey}` },
    });
    expect(foreign.status).toBe(404);
  });

  it("subscribeToRunsWithTag follows every run with the tag", async () => {
    const tag = `rt-${Date.now()}`;
    const a = await tasks.trigger("rt-quick", { n: 1 }, { tags: [tag] });
    const b = await tasks.trigger("rt-quick", { n: 2 }, { tags: [tag] });
    const finished = await outputsOfCompleted(runs.subscribeToRunsWithTag(tag), 2);
    expect(finished).toEqual(
      new Map([
        [a.id, 2],
        [b.id, 4],
      ]),
    );
  });

  it("subscribeToBatch follows the runs of a batch", async () => {
    const batch = await tasks.batchTrigger("rt-quick", [
      { payload: { n: 5 } },
      { payload: { n: 6 } },
      { payload: { n: 7 } },
    ]);
    const outputs = await outputsOfCompleted(runs.subscribeToBatch(batch.batchId), 3);
    expect([...outputs.values()].sort()).toEqual([10, 12, 14]);
  });

  it("answers a bad offset with a 400 and an unknown run with a 404", async () => {
    const headers = { authorization: `Bearer ${t.dev.secretKey}` };
    const handle = await tasks.trigger("rt-quick", { n: 3 });
    const bad = await fetch(`${t.webapp.url}/realtime/v1/runs/${handle.id}?offset=abc`, { headers });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/offset/);
    expect((await fetch(`${t.webapp.url}/realtime/v1/runs/run_doesnotexist0000?offset=-1`, { headers })).status).toBe(
      404,
    );
  });
});

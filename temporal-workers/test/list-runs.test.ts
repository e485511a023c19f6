/**
 * Runs are findable in Temporal visibility: `temporal workflow list --query` by task id, environment, tag and
 * status, and runs.list with filters and cursor pagination.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runs, task, wait } from "@stint/sdk";
import { findTemporalBinary } from "../src/dev-server/temporal-dev-server.js";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const listed = task({ id: "list-me", run: async (payload: { n: number }) => payload.n });
const other = task({ id: "list-other", run: async () => "other" });
const hanging = task({ id: "list-hanging", run: async () => wait.for({ seconds: 300 }) });

let t: TestEngine;
const ids: string[] = [];
let otherId = "";
beforeAll(async () => {
  t = await startTestEngine();
  for (let n = 0; n < 5; n++) ids.push((await listed.trigger({ n }, { tags: ["list-test", `n-${n}`] })).id);
  otherId = (await other.trigger()).id;
  await Promise.all([...ids, otherId].map((id) => t.waitForRun(id)));
});
afterAll(async () => t?.stop());

/** Visibility is eventually consistent: retry a listing until it shows what we expect. */
async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await fn();
  for (let i = 0; i < 50 && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 200));
    value = await fn();
  }
  return value;
}

function temporalList(query: string): string[] {
  const out = execFileSync(
    findTemporalBinary(),
    ["workflow", "list", "--address", inject("temporalAddress"), "--query", query, "--output", "json"],
    {
      encoding: "utf8",
    },
  );
  return (JSON.parse(out || "[]") as { execution: { workflowId: string } }[]).map((w) => w.execution.workflowId);
}

describe("finding runs", () => {
  it("`temporal workflow list --query` finds runs by task id, environment, tag and status", async () => {
    const env = t.engine.options.environment.slug;
    const byTask = await eventually(
      async () => temporalList(`StintTaskId = 'list-me' AND StintEnvironment = '${env}' AND StintStatus = 'COMPLETED'`),
      (found) => found.length === 5,
    );
    expect(byTask.sort()).toEqual([...ids].sort());
    expect(temporalList(`StintTags = 'n-3' AND StintEnvironment = '${env}'`)).toEqual([ids[3]]);
    expect(temporalList(`StintTaskId = 'list-other' AND StintEnvironment = '${env}'`)).toEqual([otherId]);
  });

  it("runs.list filters by task, tag and status and pages with a cursor", async () => {
    const page = await eventually(
      () => runs.list({ taskIdentifier: "list-me", status: "COMPLETED", limit: 2 }),
      (p) => p.data.length === 2,
    );
    expect(page.data.every((r) => r.taskIdentifier === "list-me" && r.status === "COMPLETED")).toBe(true);
    expect(page.hasNextPage()).toBe(true);
    const all: string[] = [];
    for await (const run of runs.list({ taskIdentifier: "list-me", limit: 2 })) all.push(run.id);
    expect(all.sort()).toEqual([...ids].sort());
    const tagged = await runs.list({ tag: "n-1" });
    expect(tagged.data.map((r) => r.id)).toEqual([ids[1]]);
    expect(tagged.data[0]!.tags).toEqual(expect.arrayContaining(["list-test", "n-1"]));
  });

  it("a listed run shows what retrieving it shows: task, status, tags, creation time (its memo) and finish time", async () => {
    const page = await eventually(
      () => runs.list({ tag: "n-2" }),
      (p) => p.data.length === 1,
    );
    const listedRun = page.data[0]!;
    const retrieved = await runs.retrieve(ids[2]!);
    expect(listedRun.id).toBe(retrieved.id);
    expect(listedRun.taskIdentifier).toBe("list-me");
    expect(listedRun.status).toBe("COMPLETED");
    expect([...listedRun.tags].sort()).toEqual(["list-test", "n-2"]);
    expect(new Date(listedRun.createdAt).getTime()).toBe(new Date(retrieved.createdAt).getTime());
    const finished = new Date(listedRun.finishedAt!).getTime();
    expect(finished).toBeGreaterThanOrEqual(new Date(listedRun.createdAt).getTime());
    expect(finished).toBeLessThanOrEqual(Date.now());
  });

  it("a run whose workflow was terminated (an operator's `temporal workflow terminate`) lists as CRASHED", async () => {
    const { id } = await hanging.trigger();
    await t.waitForRun(id, (state) => state.status === "WAITING");
    await t.client.workflow.getHandle(id).terminate("operator");
    const page = await eventually(
      () => runs.list({ taskIdentifier: "list-hanging" }),
      (p) => p.data.some((run) => run.id === id && run.status === "CRASHED"),
    );
    expect(page.data.find((run) => run.id === id)?.status).toBe("CRASHED");
  });

  it("a bad filter is a clear 400, not a broken query", async () => {
    await expect(runs.list({ status: "DONE" as never })).rejects.toThrow(
      /filter\[status\]: "DONE" is not a run status/,
    );
    await expect(runs.list({ tag: "x' OR '1'='1" })).rejects.toThrow(/filter\[tag\]/);
  });
});

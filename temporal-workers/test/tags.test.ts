/** Tags: set at trigger time, added from inside a run, visible on the run and searchable. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs, tags, task } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const tagged = task({
  id: "tags-task",
  run: async (_: void, { ctx }) => {
    const before = [...ctx.run.tags];
    await tags.add(["added-in-run", `run-${ctx.run.id}`]);
    return { before, after: ctx.run.tags };
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("tags", () => {
  it("trigger tags are on ctx and the run; tags.add appends and is searchable", async () => {
    const handle = await tagged.trigger(undefined, { tags: ["customer-42", "plan-pro"] });
    const state = await t.waitForRun(handle.id);
    expect(state.output).toEqual({
      before: ["customer-42", "plan-pro"],
      after: ["customer-42", "plan-pro", "added-in-run", `run-${handle.id}`],
    });
    const run = await runs.retrieve(handle.id);
    expect(run.tags).toEqual(["customer-42", "plan-pro", "added-in-run", `run-${handle.id}`]);
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = (await runs.list({ tag: `run-${handle.id}` })).data.map((r) => r.id);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([handle.id]);
  });

  it("a single tag string is accepted; more than 10 tags or an empty tag is refused", async () => {
    const single = await tagged.trigger(undefined, { tags: "solo" });
    expect((await t.waitForRun(single.id)).tags[0]).toBe("solo");
    await expect(tagged.trigger(undefined, { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })).rejects.toThrow(
      /options\.tags: at most 10 tags/,
    );
    await expect(tagged.trigger(undefined, { tags: [""] })).rejects.toThrow(/options\.tags: a tag cannot be empty/);
    await expect(tags.add("outside")).rejects.toThrow(/can only be used inside a task's run\(\) function/);
  });
});

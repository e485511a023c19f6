/** Run metadata: updated from inside a run (and from children to parent/root), read back while and after it runs. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metadata, runs, task, wait } from "@stint/sdk";
import { startTestEngine, type TestEngine } from "./harness/index.js";

const progress = task({
  id: "metadata-progress",
  run: async () => {
    metadata.set("status", "starting").set("items", []).increment("done", 1);
    metadata.append("items", "a").append("items", "b").append("items", "c").remove("items", "b");
    metadata.increment("done", 4).decrement("done", 2).set("temp", true).del("temp");
    await metadata.flush();
    const local = { ...metadata.current() };
    // Long enough for a test polling the run's state on a loaded machine to see it WAITING.
    await wait.for({ seconds: 3 });
    metadata.set("status", "finished");
    return { local, status: metadata.get("status") };
  },
});

const child = task({
  id: "metadata-child",
  run: async () => {
    metadata.parent.increment("childrenDone", 1);
    metadata.root.append("log", "child ran");
    await metadata.flush();
    return "child";
  },
});

const parent = task({
  id: "metadata-parent",
  run: async () => {
    await child.triggerAndWait();
    await child.triggerAndWait();
    await wait.for({ seconds: 1 });
    return metadata.current();
  },
});

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(async () => t?.stop());

describe("metadata", () => {
  it("set/del/append/remove/increment/decrement are visible inside the run and via runs.retrieve", async () => {
    const handle = await progress.trigger(undefined, { metadata: { owner: "ops" } });
    const during = await t.waitForRun(handle.id, (s) => s.status === "WAITING");
    expect(during.metadata).toEqual({ owner: "ops", status: "starting", items: ["a", "c"], done: 3 });
    const state = await t.waitForRun(handle.id);
    expect(state.output).toEqual({
      local: { owner: "ops", status: "starting", items: ["a", "c"], done: 3 },
      status: "finished",
    });
    expect((await runs.retrieve(handle.id)).metadata).toEqual({
      owner: "ops",
      status: "finished",
      items: ["a", "c"],
      done: 3,
    });
  });

  it("metadata.parent and metadata.root update the parent run", async () => {
    const handle = await parent.trigger();
    const state = await t.waitForRun(handle.id);
    expect(state.metadata).toEqual({ childrenDone: 2, log: ["child ran", "child ran"] });
  });

  it("metadata.update changes a run from outside; unknown runs are a 404", async () => {
    const handle = await progress.trigger();
    await t.waitForRun(handle.id, (s) => s.status === "WAITING");
    expect(await metadata.update(handle.id, [{ type: "set", key: "note", value: "from outside" }])).toMatchObject({
      note: "from outside",
    });
    expect((await t.waitForRun(handle.id)).metadata).toMatchObject({ note: "from outside", status: "finished" });
    await expect(metadata.update("run_doesnotexist00000000000", [])).rejects.toThrow(/not found/);
  });
});

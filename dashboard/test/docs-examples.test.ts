/**
 * The docs' backend examples (docs/examples/backend/, the real @trigger.dev/sdk client) run here against a real
 * webapp, whose development environment is served by the docs' task examples (Stint's SDK, as under `stint dev`).
 * temporal-workers/test/docs-examples.test.ts runs the task examples' own behaviour; docs-snippets checks that what
 * the docs show is these files.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { configure, tasks } from "trigger-sdk-latest";
import { task } from "@stint/sdk";
import { declaredQueues } from "@stint/sdk/runtime";
import { join } from "node:path";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

/**
 * An example module, loaded through this config's resolver (which picks the SDK by folder). Typed `any` here: the
 * examples type-check in temporal-workers' project, which includes docs/examples.
 */
const example = (file: string): Promise<any> =>
  import(/* @vite-ignore */ join(import.meta.dirname, "../../docs/examples", file));

/** Stands for the example project's hello-world, which the README's backend snippet triggers. */
const helloWorld = task({
  id: "hello-world",
  run: async (payload: { name: string }) => ({ greeting: `Hello, ${payload.name}!` }),
});

let t: TestWebapp;
beforeAll(async () => {
  t = await startTestWebapp();
  const { storyteller } = await example("storyteller.ts");
  const { summarize, syncTenant } = await example("queue-limits.ts");
  await t.serveTasks([helloWorld.id, storyteller.id, summarize.id, syncTenant.id], { queues: declaredQueues() });
  // What a backend has in its environment (`npm start` writes both to .stint/dev.env).
  process.env.TRIGGER_API_URL = t.webapp.url;
  process.env.TRIGGER_SECRET_KEY = t.dev.secretKey;
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => t?.stop());

describe("docs/examples/backend", () => {
  it("trigger-from-backend (README, rest-api.md): configure from the environment, trigger, poll to the end", async () => {
    const { finished } = await example("backend/trigger-from-backend.ts");
    expect(finished).toMatchObject({ status: "COMPLETED", output: { greeting: "Hello, Ada!" } });
  });

  it("manage-queues (queues.md): list, retrieve, pause, resume, override and reset the example's queues", async () => {
    const { seen } = await example("backend/manage-queues.ts");
    expect(seen.names).toEqual(expect.arrayContaining(["model-provider", "sync-tenant"]));
    expect(seen.syncTenant).toMatchObject({ type: "task", name: "sync-tenant", concurrencyLimit: 1 });
    expect(seen.paused).toMatchObject({ type: "custom", name: "model-provider", paused: true });
    expect(seen.overridden.concurrencyLimit).toBe(5);
    expect(seen.reset.concurrencyLimit).toBe(1);
  });

  it("read-streams (realtime-streams.md): a storyteller run's tokens printed, and rendered from its updates", async () => {
    const { printTokens, renderUpdates } = await example("backend/read-streams.ts");
    const rendered: string[] = [];
    await renderUpdates((await tasks.trigger("storyteller", undefined)).id, (chunk: string) => rendered.push(chunk));
    expect(rendered.join("")).toBe("Once upon a time.");

    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await printTokens((await tasks.trigger("storyteller", undefined)).id);
    } finally {
      write.mockRestore();
    }
    expect(printed.join("")).toBe("Once upon a time.");
  });
});

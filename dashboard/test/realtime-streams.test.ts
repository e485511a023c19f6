/**
 * Realtime streams: a task pipes chunks with Stint's `streams.pipe`; the real @trigger.dev/sdk reads them with
 * `streams.read` and `runs.subscribeToRun(…).withStreams()`, with a secret key or a public token for that run. A run
 * that resumes from a wait replays run() and pipes the same chunks again: readers still see each chunk once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, configure, runs, streams, tasks } from "@trigger.dev/sdk";
import { configure as configureStint, streams as stintStreams, task, wait } from "@stint/sdk";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const TOKENS = ["Once ", "upon ", "a ", "time", "."];

async function* slowly<T>(items: T[], ms: number): AsyncGenerator<T> {
  for (const item of items) {
    await new Promise((r) => setTimeout(r, ms));
    yield item;
  }
}

/** How many times run() started per run: a resumed run replays it. */
const executions = new Map<string, number>();

const storyteller = task({
  id: "rs-storyteller",
  // Every wait suspends the run (no process is held), so resuming replays run().
  checkpointThreshold: 0,
  run: async (payload: { pauseSeconds: number }, { ctx }) => {
    executions.set(ctx.run.id, (executions.get(ctx.run.id) ?? 0) + 1);
    const { stream, waitUntilComplete } = stintStreams.pipe("tokens", slowly(TOKENS, 150));
    let told = "";
    for await (const token of stream) told += token;
    await waitUntilComplete();
    // Suspends: the run resumes later by replaying run(), which pipes the same tokens again.
    if (payload.pauseSeconds > 0) await wait.for({ seconds: payload.pauseSeconds });
    await stintStreams.append("status", "finished");
    return { told };
  },
});

const skimmer = task({
  id: "rs-skimmer",
  run: async () => {
    const { stream, waitUntilComplete } = stintStreams.pipe("tokens", slowly(TOKENS, 20));
    let first = "";
    for await (const token of stream) {
      first = token;
      break; // stops reading its own copy; the stream still reaches readers whole
    }
    await waitUntilComplete();
    return { first };
  },
});

let t: TestWebapp;
beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([storyteller.id, skimmer.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  // What `stint dev` in webapp mode gives task code (TRIGGER_API_URL / TRIGGER_SECRET_KEY).
  configureStint({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});
afterAll(async () => t?.stop());

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("realtime streams", () => {
  it("streams.read follows a run's stream live, and sees each chunk once across a wait and replay", async () => {
    const handle = await tasks.trigger("rs-storyteller", { pauseSeconds: 1 });
    // Subscribed before the task piped anything: the reader waits for the stream.
    const tokens = await collect(await streams.read<string>(handle.id, "tokens"));
    expect(tokens).toEqual(TOKENS);
    const run = await runs.poll(handle.id, { pollIntervalMs: 200 });
    expect(run.output).toEqual({ told: TOKENS.join("") });
    expect(executions.get(handle.id)).toBe(2);
    // After the run: the whole stream again, from a start index, and the other stream.
    expect(await collect(await streams.read<string>(handle.id, "tokens", { startIndex: 3 }))).toEqual(TOKENS.slice(3));
    expect(await collect(await streams.read<string>(handle.id, "status"))).toEqual(["finished"]);
    // Stint's own SDK reads the same stream.
    expect(await collect(await stintStreams.read<string>(handle.id, "tokens"))).toEqual(TOKENS);
  });

  it("a task that stops reading its own copy still streams every chunk", async () => {
    const handle = await tasks.trigger("rs-skimmer", {});
    const run = await runs.poll(handle.id, { pollIntervalMs: 200 });
    expect(run.output).toEqual({ first: TOKENS[0] });
    expect(await collect(await streams.read<string>(handle.id, "tokens"))).toEqual(TOKENS);
  });

  it("subscribeToRun(…).withStreams() delivers the run's updates and its stream chunks", async () => {
    const handle = await tasks.trigger("rs-storyteller", { pauseSeconds: 2 });
    const chunks: string[] = [];
    let completed = false;
    for await (const part of runs.subscribeToRun(handle.id).withStreams<{ tokens: string }>()) {
      if (part.type === "tokens") chunks.push(part.chunk);
      if (part.type === "run" && part.run.isCompleted) {
        completed = true;
        break;
      }
    }
    expect(completed).toBe(true);
    expect(chunks).toEqual(TOKENS);
  });

  it("a public token for the run reads its streams; for another run it is refused", async () => {
    const mine = await tasks.trigger("rs-storyteller", { pauseSeconds: 0 });
    const theirs = await tasks.trigger("rs-storyteller", { pauseSeconds: 0 });
    await runs.poll(mine.id, { pollIntervalMs: 200 });
    const token = await auth.createPublicToken({ scopes: { read: { runs: [mine.id] } } });
    const read = await auth.withAuth({ baseURL: t.webapp.url, accessToken: token }, async () =>
      collect(await streams.read<string>(mine.id, "tokens")),
    );
    expect(read).toEqual(TOKENS);
    const refused = await fetch(`${t.webapp.url}/realtime/v1/streams/${theirs.id}/tokens`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(403);
  });

  it("bad stream keys and appends to another environment's run are refused", async () => {
    const handle = await tasks.trigger("rs-storyteller", { pauseSeconds: 0 });
    const post = (path: string, body: unknown, key = t.dev.secretKey) =>
      fetch(`${t.webapp.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post(`/engine/v1/streams/${handle.id}/bad%20key`, { from: 0, chunks: [] })).status).toBe(400);
    expect((await post(`/engine/v1/streams/${handle.id}/tokens`, { from: -1, chunks: [] })).status).toBe(400);
    expect(
      (await post(`/engine/v1/streams/${handle.id}/tokens`, { from: 0, chunks: ["x"] }, t.prod.secretKey)).status,
    ).toBe(404);
  });
});

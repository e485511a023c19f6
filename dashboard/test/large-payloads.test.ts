/**
 * Payloads and outputs of any size up to Trigger.dev's 10 MB, through the webapp with the real `@trigger.dev/sdk`:
 * 4.3.3 (the version these tests pin) sends large payloads inline and the webapp stores them; the newest (4.8.3)
 * uploads them itself through `PUT /api/v2/packets/…` and a presigned URL, then triggers with an `application/store`
 * packet. Outputs come back through `outputPresignedUrl`. Task code (Stint's SDK, in `stint dev`-style workers that
 * reach the store through the packets API) triggers children with large payloads and batches past 2 MB. Runs carry
 * references: their Temporal histories stay small. Last, the same against an S3-compatible store (versitygw), whose
 * presigned URLs point at the store itself. Metadata is not offloaded (the SDK sends it inline, as to Trigger.dev):
 * metadata past 128 KB works up to Trigger.dev's 256 KB limit, and past it is a 413 naming the limit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { batch, configure, runs, tasks } from "@trigger.dev/sdk";
import * as latest from "trigger-sdk-latest";
import { metadata, task } from "@stint/sdk";
import { createObjectStore } from "@stint/object-store";
import { startS3Server, type S3TestServer } from "@stint/object-store/testing";
import { startTestWebapp, type TestWebapp } from "./harness/index.js";

const MB = 1024 * 1024;

const measure = task({
  id: "lp-api-measure",
  run: async (payload: { blob: string; at?: Date }) => ({
    length: payload.blob.length,
    allX: /^x*$/.test(payload.blob),
    atIsDate: payload.at instanceof Date,
  }),
});

const bigOutput = task({
  id: "lp-api-big-output",
  run: async (payload: { char: string }) => ({
    blob: payload.char.repeat(5 * MB),
    at: new Date("2026-05-06T07:08:09.000Z"),
  }),
});

const small = task({ id: "lp-api-small", run: async (payload: { blob: string }) => payload.blob.length });

const parent = task({
  id: "lp-api-parent",
  run: async () => {
    const measured = await measure.triggerAndWait({ blob: "x".repeat(5 * MB), at: new Date() }).unwrap();
    const produced = await bigOutput.triggerAndWait({ char: "z" }).unwrap();
    // 24 items of 100 KB: each under the inline limit, 2.4 MB together (over Temporal's 2 MB message limit).
    const items = await small.batchTriggerAndWait(
      Array.from({ length: 24 }, (_, i) => ({ payload: { blob: String(i % 10).repeat(100 * 1024) } })),
    );
    return {
      childSawLength: measured.length,
      childSawDate: measured.atIsDate,
      outputLength: produced.blob.length,
      outputAtIsDate: produced.at instanceof Date,
      batchLengths: items.runs.map((run) => (run.ok ? run.output : -1)),
    };
  },
});

const KB = 1024;

/** Reads the metadata it was triggered with, adds 100 KB of its own, and tries (and fails) to pass the limit. */
const withMetadata = task({
  id: "lp-api-metadata",
  run: async () => {
    const fromTrigger = String(metadata.get("fromTrigger") ?? "").length;
    metadata.set("fromTask", "t".repeat(100 * KB));
    await metadata.flush();
    let overLimit = "";
    try {
      metadata.set("tooMuch", "o".repeat(300 * KB));
      await metadata.flush();
    } catch (error) {
      overLimit = (error as Error).message;
    }
    return { fromTrigger, overLimit, keys: Object.keys(metadata.current() ?? {}).sort() };
  },
});

let t: TestWebapp;

beforeAll(async () => {
  t = await startTestWebapp();
  await t.serveTasks([measure.id, bigOutput.id, small.id, parent.id, withMetadata.id]);
  configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
  latest.configure({ baseURL: t.webapp.url, accessToken: t.dev.secretKey });
});

afterAll(async () => {
  await t?.stop();
});

async function historyBytes(runId: string): Promise<number> {
  const description = await t.webapp.engines.client.workflow.getHandle(runId).describe();
  return Number(description.raw.workflowExecutionInfo?.historySizeBytes ?? 0);
}

/** The run as the API answers it, without the SDK resolving presigned URLs. */
async function rawRun(runId: string, webapp = t): Promise<Record<string, unknown>> {
  const response = await fetch(`${webapp.webapp.url}/api/v3/runs/${runId}`, {
    headers: { authorization: `Bearer ${webapp.dev.secretKey}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe("large payloads with the real @trigger.dev/sdk", () => {
  it("4.3.3 sends a 5 MB payload inline: the webapp stores it, the task gets it intact, the run's history stays small", async () => {
    const handle = await tasks.trigger(measure.id, {
      blob: "x".repeat(5 * MB),
      at: new Date("2026-01-02T03:04:05.000Z"),
    });
    const run = await runs.poll(handle, { pollIntervalMs: 250 });
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ length: 5 * MB, allX: true, atIsDate: true });
    // runs.retrieve hands back the payload itself (the SDK downloads it from payloadPresignedUrl).
    expect((run.payload as { blob: string }).blob).toHaveLength(5 * MB);
    expect(await historyBytes(handle.id)).toBeLessThan(256 * 1024);
  });

  it("a 5 MB output comes back through runs.poll and runs.retrieve: outputPresignedUrl points at the webapp's embedded store", async () => {
    const handle = await tasks.trigger(bigOutput.id, { char: "y" });
    const run = await runs.poll(handle, { pollIntervalMs: 250 });
    expect(run.status).toBe("COMPLETED");
    const output = run.output as { blob: string; at: Date };
    expect(output.blob).toHaveLength(5 * MB);
    expect(/^y+$/.test(output.blob)).toBe(true);
    expect(output.at).toEqual(new Date("2026-05-06T07:08:09.000Z"));

    const raw = await rawRun(handle.id);
    expect(raw.output).toBeUndefined();
    expect(String(raw.outputPresignedUrl)).toMatch(
      new RegExp(`^${t.webapp.url}/objects/v1/packets/${t.dev.id}/runs/${handle.id}/`),
    );
    expect(await historyBytes(handle.id)).toBeLessThan(256 * 1024);

    // The execution result route carries it as an application/store packet the SDK knows how to fetch.
    const result = (await (
      await fetch(`${t.webapp.url}/api/v1/runs/${handle.id}/result`, {
        headers: { authorization: `Bearer ${t.dev.secretKey}` },
      })
    ).json()) as {
      output: string;
      outputType: string;
    };
    expect(result).toMatchObject({
      outputType: "application/store",
      output: `runs/${handle.id}/attempt-1/output.json`,
    });
  });

  it("runs.subscribeToRun gives the stored output (the SDK fetches it through the packets API)", async () => {
    const handle = await tasks.trigger(bigOutput.id, { char: "w" });
    for await (const run of runs.subscribeToRun(handle.id, { stopOnCompletion: true })) {
      if (run.status !== "COMPLETED") continue;
      expect((run.output as { blob: string }).blob).toHaveLength(5 * MB);
      break;
    }
  });

  it("the newest SDK (4.8.3) uploads a 5 MB payload itself through PUT /api/v2/packets and triggers with application/store", async () => {
    const handle = await latest.tasks.trigger(measure.id, { blob: "x".repeat(5 * MB) });
    const run = await latest.runs.poll(handle.id, { pollIntervalMs: 250 });
    expect(run.status).toBe("COMPLETED");
    expect(run.output).toEqual({ length: 5 * MB, allX: true, atIsDate: false });
    // The run references the packet the SDK uploaded (its own path), not a copy the webapp made.
    expect(String((await rawRun(handle.id)).payloadPresignedUrl)).toMatch(
      /\/trigger\/packet_[a-z0-9]+\/payload\.json\?/,
    );
    expect(await historyBytes(handle.id)).toBeLessThan(256 * 1024);
  });

  it("batches whose items together pass 2 MB start and finish, from both SDK versions", async () => {
    // 12 items of 200 KB (2.4 MB together): 4.3.3 sends them inline and the webapp stores each, 4.8.3 uploads each.
    const items = Array.from({ length: 12 }, (_, i) => ({ payload: { blob: String(i % 10).repeat(200 * 1024) } }));
    const pinned = await tasks.batchTrigger(small.id, items);
    const newest = await latest.tasks.batchTrigger(small.id, items);
    for (const handle of [pinned, newest]) {
      const retrieved = await batch.retrieve(handle.batchId);
      expect(retrieved.runs).toHaveLength(12);
      const done = await Promise.all(retrieved.runs.map((runId) => runs.poll(runId, { pollIntervalMs: 500 })));
      expect(done.map((run) => run.output)).toEqual(Array(12).fill(200 * 1024));
    }
  }, 300_000);

  it("task code sends 5 MB to a child with triggerAndWait, gets 5 MB back, and batches 2.4 MB of items", async () => {
    const handle = await tasks.trigger(parent.id, {});
    const run = await runs.poll(handle, { pollIntervalMs: 500 });
    expect(run.error).toBeUndefined();
    expect(run.output).toEqual({
      childSawLength: 5 * MB,
      childSawDate: true,
      outputLength: 5 * MB,
      outputAtIsDate: true,
      batchLengths: Array(24).fill(100 * 1024),
    });
    expect(await historyBytes(handle.id)).toBeLessThan(2 * MB);
  }, 300_000);

  it("an 11 MB payload is a 413 naming the 10 MB limit, sent inline (4.3.3) or uploaded first (4.8.3)", async () => {
    const blob = "x".repeat(11 * MB);
    await expect(tasks.trigger(measure.id, { blob })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/payload: 11\.0 MB is over the 10 MB limit/),
    });
    await expect(latest.tasks.trigger(measure.id, { blob })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/payload: 11\.0 MB is over the 10 MB limit/),
    });
  });

  it("a packet path can only name this environment's packets, and a reference-shaped payload is refused", async () => {
    const prodUrl = await fetch(`${t.webapp.url}/api/v2/packets/trigger%2Fx%2Fpayload.json`, {
      method: "PUT",
      headers: { authorization: `Bearer ${t.prod.secretKey}` },
    });
    const { presignedUrl } = (await prodUrl.json()) as { presignedUrl: string };
    expect(presignedUrl).toContain(`/packets/${t.prod.id}/trigger/x/payload.json`);

    const escape = await fetch(`${t.webapp.url}/api/v1/packets/..%2F${t.dev.id}%2Fx.json`, {
      headers: { authorization: `Bearer ${t.prod.secretKey}` },
    });
    expect(escape.status).toBe(400);
    expect(((await escape.json()) as { error: string }).error).toMatch(
      /path: a packet path has an empty, "\." or "\.\." segment/,
    );

    const missing = await fetch(`${t.webapp.url}/api/v1/tasks/${measure.id}/trigger`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        payload: "trigger/never-uploaded/payload.json",
        options: { payloadType: "application/store" },
      }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(
      /body\.payload: no packet was uploaded at "trigger\/never-uploaded\/payload\.json"/,
    );

    await expect(
      tasks.trigger(measure.id, { $stintPacket: { path: "runs/x/output.json" } } as never),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/reserved/) });
  });
});

describe("metadata past 128 KB (inline, up to Trigger.dev's 256 KB)", () => {
  const big = { fromTrigger: "m".repeat(150 * KB) };

  it("150 KB of trigger metadata reaches the task from both SDK versions; the task adds 100 KB and is refused past 256 KB", async () => {
    const pinned = async () =>
      runs.poll((await tasks.trigger(withMetadata.id, {}, { metadata: big })).id, { pollIntervalMs: 250 });
    const newest = async () =>
      latest.runs.poll((await latest.tasks.trigger(withMetadata.id, {}, { metadata: big })).id, {
        pollIntervalMs: 250,
      });
    for (const triggerAndPoll of [pinned, newest]) {
      const run = await triggerAndPoll();
      expect(run.status).toBe("COMPLETED");
      expect(run.output).toEqual({
        fromTrigger: 150 * KB,
        overLimit: expect.stringMatching(/metadata: \d+\.\d KB is over the 256 KB limit on metadata/),
        keys: ["fromTask", "fromTrigger"],
      });
      expect(run.metadata).toEqual({ fromTrigger: big.fromTrigger, fromTask: "t".repeat(100 * KB) });
    }
  });

  it("batch items carry 150 KB of metadata each", async () => {
    const handle = await tasks.batchTrigger(withMetadata.id, [
      { payload: {}, options: { metadata: big } },
      { payload: {}, options: { metadata: { fromTrigger: "n".repeat(140 * KB) } } },
    ]);
    const retrieved = await batch.retrieve(handle.batchId);
    const done = await Promise.all(retrieved.runs.map((runId) => runs.poll(runId, { pollIntervalMs: 250 })));
    expect(done.map((run) => (run.output as { fromTrigger: number }).fromTrigger).sort()).toEqual([140 * KB, 150 * KB]);
  }, 120_000);

  it("metadata over 256 KB is a 413 naming the field and the limit, at trigger, in a batch item and on PUT /api/v1/runs/{id}/metadata", async () => {
    const tooBig = { fromTrigger: "m".repeat(300 * KB) };
    await expect(tasks.trigger(withMetadata.id, {}, { metadata: tooBig })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/options\.metadata: 300\.0 KB is over the 256 KB limit/),
    });
    await expect(latest.tasks.trigger(withMetadata.id, {}, { metadata: tooBig })).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/options\.metadata: .*256 KB limit/),
    });
    const before = (await runs.list({ taskIdentifier: withMetadata.id })).data.length;
    await expect(
      tasks.batchTrigger(withMetadata.id, [{ payload: {} }, { payload: {}, options: { metadata: tooBig } }]),
    ).rejects.toMatchObject({
      // The SDK streams items (NDJSON): the refused one is named by its line.
      cause: {
        status: 413,
        message: expect.stringMatching(/line 2: options\.metadata: 300\.0 KB is over the 256 KB limit/),
      },
    });
    expect((await runs.list({ taskIdentifier: withMetadata.id })).data.length).toBe(before);

    // A delayed run is live (its metadata can change) and does not finish while the test updates it.
    const handle = await tasks.trigger(withMetadata.id, {}, { metadata: { small: 1 }, delay: "1h" });
    const put = (value: string) =>
      fetch(`${t.webapp.url}/api/v1/runs/${handle.id}/metadata`, {
        method: "PUT",
        headers: { authorization: `Bearer ${t.dev.secretKey}`, "content-type": "application/json" },
        body: JSON.stringify({ operations: [{ type: "set", key: "added", value }] }),
      });
    const refused = await put("h".repeat(300 * KB));
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /metadata: 300\.\d KB is over the 256 KB limit on metadata/,
    );
    // The run is unharmed: a later update within the limit (200 KB) is kept.
    expect((await put("a".repeat(200 * KB))).status).toBe(200);
    expect((await runs.retrieve(handle.id)).metadata).toEqual({ small: 1, added: "a".repeat(200 * KB) });
    await runs.cancel(handle.id);
  }, 120_000);
});

describe("large payloads on an S3-compatible object store (versitygw)", () => {
  let s3: S3TestServer;
  let onS3: TestWebapp;

  beforeAll(async () => {
    s3 = await startS3Server(inject("s3ServerBinary"));
    const objectStore = await createObjectStore(
      { kind: "s3", ...s3, bucket: "stint-packets", forcePathStyle: true },
      { root: "", publicUrl: "", maxUploadBytes: 0 },
    );
    onS3 = await startTestWebapp({ objectStore });
    await onS3.serveTasks([measure.id, bigOutput.id]);
  });

  afterAll(async () => {
    await onS3?.stop();
    await s3?.stop();
  });

  it("payloads upload to and outputs download from presigned URLs that point at the store", async () => {
    latest.configure({ baseURL: onS3.webapp.url, accessToken: onS3.dev.secretKey });
    const handle = await latest.tasks.trigger(measure.id, { blob: "x".repeat(3 * MB) });
    const measured = await latest.runs.poll(handle.id, { pollIntervalMs: 250 });
    expect(measured.output).toEqual({ length: 3 * MB, allX: true, atIsDate: false });
    expect(String((await rawRun(handle.id, onS3)).payloadPresignedUrl)).toMatch(
      new RegExp(`^${s3.endpoint}/stint-packets/packets/${onS3.dev.id}/trigger/packet_`),
    );

    const produced = await latest.tasks.trigger(bigOutput.id, { char: "q" });
    const run = await latest.runs.poll(produced.id, { pollIntervalMs: 250 });
    expect((run.output as { blob: string }).blob).toHaveLength(5 * MB);
    expect(String((await rawRun(produced.id, onS3)).outputPresignedUrl)).toMatch(
      new RegExp(`^${s3.endpoint}/stint-packets/packets/${onS3.dev.id}/runs/${produced.id}/`),
    );
  });
});

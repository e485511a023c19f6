/**
 * Both object stores behind one interface: the embedded store (files; its presigned URLs answered over real HTTP by
 * the same handler the webapp mounts) and the S3 store against a real S3-compatible server (versitygw, see
 * scripts/ensure-s3-server.sh). Each: put/get/head, a presigned PUT then GET round trip with plain `fetch` (what the
 * Trigger.dev SDK does with the URLs), missing objects, and keys that could escape their folder.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { FileObjectStore, createObjectStore, objectStoreConfigFromEnv, type ObjectStore } from "../src/index.js";
import { startS3Server, type S3TestServer } from "./harness/s3-server.js";

let server: Server;
let embedded: FileObjectStore;
let s3Server: S3TestServer;
let s3: ObjectStore;

beforeAll(async () => {
  let baseUrl = "";
  embedded = new FileObjectStore({
    root: mkdtempSync(join(tmpdir(), "stint-objects-")),
    publicUrl: () => baseUrl,
    maxUploadBytes: 1024 * 1024,
  });
  server = createServer(getRequestListener((request) => embedded.handleSignedRequest(request)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await embedded.ensureReady();

  s3Server = await startS3Server(inject("s3ServerBinary"));
  s3 = await createObjectStore(
    { kind: "s3", ...s3Server, bucket: "stint-test", forcePathStyle: true },
    { root: "", publicUrl: "", maxUploadBytes: 0 },
  );
  expect(s3.kind).toBe("s3");
  await s3.ensureReady();
});

afterAll(async () => {
  server?.close();
  await s3Server?.stop();
});

const stores: [string, () => ObjectStore][] = [
  ["embedded", () => embedded],
  ["S3-compatible (versitygw)", () => s3],
];

describe.each(stores)("%s object store", (_name, store) => {
  it("puts and gets an object with its content type; head tells its size", async () => {
    const body = JSON.stringify({ hello: "wörld", list: [1, 2, 3] });
    await store().put("env_1/runs/run_a/output.json", body, "application/super+json");
    const object = await store().get("env_1/runs/run_a/output.json");
    expect(object?.body.toString("utf8")).toBe(body);
    expect(object?.contentType).toBe("application/super+json");
    expect(await store().head("env_1/runs/run_a/output.json")).toEqual({
      size: Buffer.byteLength(body),
      contentType: "application/super+json",
    });
  });

  it("a missing object is undefined, not an error", async () => {
    expect(await store().get("env_1/nothing/here.json")).toBeUndefined();
    expect(await store().head("env_1/nothing/here.json")).toBeUndefined();
  });

  it("a presigned PUT uploads with plain fetch and a presigned GET reads it back, content type included", async () => {
    const body = "x".repeat(300_000);
    const put = await store().presign("PUT", "env_1/trigger/packet_abc/payload.json");
    const upload = await fetch(put, { method: "PUT", headers: { "content-type": "application/json" }, body });
    expect(upload.status).toBe(200);
    expect((await store().get("env_1/trigger/packet_abc/payload.json"))?.body.toString()).toBe(body);

    const get = await store().presign("GET", "env_1/trigger/packet_abc/payload.json");
    const download = await fetch(get);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/json");
    expect(await download.text()).toBe(body);
  });

  it("refuses keys that could leave their folder", async () => {
    for (const key of ["../escape.json", "env_1/../../x", "env_1//x", "/abs", "env_1/a b"]) {
      await expect(store().put(key, "{}", "application/json")).rejects.toThrow(/object key/);
      await expect(store().presign("GET", key)).rejects.toThrow(/object key/);
    }
  });
});

describe("embedded store's presigned URLs", () => {
  it("refuse a changed signature, another object, another method and an expired URL", async () => {
    await embedded.put("env_1/secret.json", "{}", "application/json");
    const url = new URL(await embedded.presign("GET", "env_1/secret.json"));

    const tampered = new URL(url);
    tampered.searchParams.set("signature", "A" + url.searchParams.get("signature")!.slice(1));
    expect((await fetch(tampered)).status).toBe(403);

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace("secret.json", "other.json");
    expect((await fetch(otherKey)).status).toBe(403);

    const put = await fetch(url, { method: "PUT", body: "{}" });
    expect(put.status).toBe(403);
    expect(((await put.json()) as { error: string }).error).toMatch(/signed for GET, not PUT/);

    const expired = new URL(await embedded.presign("GET", "env_1/secret.json", -1));
    const answer = await fetch(expired);
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toMatch(/expired/);
  });

  it("refuse an upload over the size limit with a 413 naming it", async () => {
    const url = await embedded.presign("PUT", "env_1/too-big.json");
    const response = await fetch(url, { method: "PUT", body: "x".repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/at most 1 MB/);
    expect(await embedded.head("env_1/too-big.json")).toBeUndefined();
  });
});

describe("object store settings from the environment", () => {
  it("default to the embedded store", () => {
    expect(objectStoreConfigFromEnv({})).toEqual({ kind: "embedded" });
  });

  it("choose S3 when OBJECT_STORE_BASE_URL is set, with the bucket and path style", () => {
    expect(
      objectStoreConfigFromEnv({
        OBJECT_STORE_BASE_URL: "http://127.0.0.1:9000",
        OBJECT_STORE_ACCESS_KEY_ID: "id",
        OBJECT_STORE_SECRET_ACCESS_KEY: "secret",
        OBJECT_STORE_FORCE_PATH_STYLE: "false",
      }),
    ).toEqual({
      kind: "s3",
      endpoint: "http://127.0.0.1:9000",
      bucket: "packets",
      region: "us-east-1",
      accessKeyId: "id",
      secretAccessKey: "secret",
      forcePathStyle: false,
    });
  });

  it("name the variable and the fix when a setting is wrong or missing", () => {
    expect(() => objectStoreConfigFromEnv({ OBJECT_STORE_BASE_URL: "not a url" })).toThrow(
      /OBJECT_STORE_BASE_URL: expected the S3 endpoint's URL/,
    );
    expect(() => objectStoreConfigFromEnv({ OBJECT_STORE_BASE_URL: "http://127.0.0.1:9000" })).toThrow(
      /OBJECT_STORE_ACCESS_KEY_ID: required when OBJECT_STORE_BASE_URL is set/,
    );
    expect(() =>
      objectStoreConfigFromEnv({
        OBJECT_STORE_BASE_URL: "http://s3",
        OBJECT_STORE_ACCESS_KEY_ID: "a",
        OBJECT_STORE_SECRET_ACCESS_KEY: "b",
        OBJECT_STORE_BUCKET: "Bad_Bucket",
      }),
    ).toThrow(/OBJECT_STORE_BUCKET: 3–63 lowercase/);
  });
});

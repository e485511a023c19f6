/**
 * The embedded object store: files under a folder (`.stint/objects` for `npm start`). Its presigned URLs point at the
 * webapp (`/objects/v1/<key>?…&signature=…`), which answers them with `handleSignedRequest`; the signature is an HMAC
 * under a key generated once into the folder, so a URL cannot be forged or reused for another object or method.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  DEFAULT_PRESIGN_SECONDS,
  assertObjectKey,
  objectKeyProblem,
  type ObjectInfo,
  type ObjectStore,
  type PresignMethod,
  type StoredObject,
} from "./object-store.js";

/** Where the webapp serves the embedded store's presigned URLs. */
export const EMBEDDED_OBJECTS_PATH = "/objects/v1/";

export interface FileObjectStoreOptions {
  /** The folder objects live in. */
  root: string;
  /** Base URL presigned URLs start with (the webapp's public URL). */
  publicUrl: string | (() => string);
  /** Uploads through a presigned URL larger than this are refused with a 413. */
  maxUploadBytes: number;
}

export class FileObjectStore implements ObjectStore {
  readonly kind = "embedded";
  private readonly signingKey: Buffer;

  constructor(private readonly options: FileObjectStoreOptions) {
    this.signingKey = loadSigningKey(join(options.root, "signing.key"));
  }

  private dataPath(key: string): string {
    assertObjectKey(key);
    return join(this.options.root, "data", key);
  }

  private typePath(key: string): string {
    return join(this.options.root, "types", key);
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    const data = this.dataPath(key);
    // Write to a temporary file and rename: a reader never sees half an object.
    const tmp = join(this.options.root, "tmp", randomUUID());
    await mkdir(dirname(tmp), { recursive: true });
    await mkdir(dirname(this.typePath(key)), { recursive: true });
    await mkdir(dirname(data), { recursive: true });
    await writeFile(this.typePath(key), contentType);
    await writeFile(tmp, body);
    await rename(tmp, data);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const body = await readFile(this.dataPath(key)).catch(ignoreMissing);
    if (!body) return undefined;
    return { body, size: body.length, contentType: await this.contentType(key) };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const info = await stat(this.dataPath(key)).catch(ignoreMissing);
    if (!info?.isFile()) return undefined;
    return { size: info.size, contentType: await this.contentType(key) };
  }

  private async contentType(key: string): Promise<string> {
    return ((await readFile(this.typePath(key), "utf8").catch(ignoreMissing)) ?? "application/octet-stream").trim();
  }

  async presign(method: PresignMethod, key: string, expiresInSeconds = DEFAULT_PRESIGN_SECONDS): Promise<string> {
    assertObjectKey(key);
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const base = typeof this.options.publicUrl === "function" ? this.options.publicUrl() : this.options.publicUrl;
    const url = new URL(`${EMBEDDED_OBJECTS_PATH}${key}`, base);
    url.searchParams.set("method", method);
    url.searchParams.set("expires", String(expires));
    url.searchParams.set("signature", this.sign(method, key, expires));
    return url.toString();
  }

  async ensureReady(): Promise<void> {
    await mkdir(join(this.options.root, "data"), { recursive: true });
  }

  private sign(method: string, key: string, expires: number): string {
    return createHmac("sha256", this.signingKey).update(`${method}\n${key}\n${expires}`).digest("base64url");
  }

  /** Answers a request to a presigned URL (GET downloads, PUT uploads); anything else is a 4xx. */
  async handleSignedRequest(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(EMBEDDED_OBJECTS_PATH)) return problem(404, "not an object URL");
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(EMBEDDED_OBJECTS_PATH.length));
    } catch {
      return problem(400, "the object key is not valid URL encoding");
    }
    const keyProblem = objectKeyProblem(key);
    if (keyProblem) return problem(400, `the object key ${keyProblem}`);
    const method = request.method === "HEAD" ? "GET" : request.method;
    const signed = url.searchParams.get("method");
    const expires = Number(url.searchParams.get("expires"));
    const signature = url.searchParams.get("signature") ?? "";
    if (signed !== method)
      return problem(403, `this URL is signed for ${signed ?? "no method"}, not ${request.method}`);
    if (!Number.isInteger(expires) || !safeEqual(signature, this.sign(method, key, expires)))
      return problem(403, "the URL's signature does not match: ask the API for a new presigned URL");
    if (expires < Date.now() / 1000) return problem(403, "this presigned URL has expired: ask the API for a new one");

    if (method === "GET") {
      const object = await this.get(key);
      if (!object) return problem(404, `no object at ${key}`);
      return new Response(request.method === "HEAD" ? null : new Uint8Array(object.body), {
        headers: { "content-type": object.contentType, "content-length": String(object.size) },
      });
    }
    const body = await readLimited(request, this.options.maxUploadBytes);
    if (body === "too-large") return problem(413, `uploads are at most ${formatBytes(this.options.maxUploadBytes)}`);
    await this.put(key, body, request.headers.get("content-type") ?? "application/octet-stream");
    return new Response(null, { status: 200 });
  }
}

function loadSigningKey(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64"), { mode: 0o600, flag: "wx" });
  }
  return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
}

function ignoreMissing(error: NodeJS.ErrnoException): undefined {
  if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
  throw error;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function problem(status: number, error: string): Response {
  return Response.json({ error }, { status });
}

async function readLimited(request: Request, limit: number): Promise<Buffer | "too-large"> {
  if (Number(request.headers.get("content-length") ?? 0) > limit) return "too-large";
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return "too-large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}

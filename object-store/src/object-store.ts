/** The object store contract: keyed blobs with a content type, and presigned URLs a client can GET or PUT. */

export interface ObjectInfo {
  size: number;
  contentType: string;
}

export interface StoredObject extends ObjectInfo {
  body: Buffer;
}

export type PresignMethod = "GET" | "PUT";

export interface ObjectStore {
  /** "embedded" or "s3": for logs and the docs. */
  readonly kind: "embedded" | "s3";
  put(key: string, body: string | Uint8Array, contentType: string): Promise<void>;
  /** Undefined when there is no object at `key`. */
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** A URL that lets anyone holding it GET (or PUT) the object at `key` until it expires. */
  presign(method: PresignMethod, key: string, expiresInSeconds?: number): Promise<string>;
  /** Checks the store can be used (and creates the bucket of an S3 store that has none yet). */
  ensureReady(): Promise<void>;
}

export const DEFAULT_PRESIGN_SECONDS = 60 * 60;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Keys are `/`-separated segments of letters, digits, `.`, `_` and `-`: no empty, `.` or `..` segment. */
export function objectKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "is empty";
  if (key.length > 1024) return "is longer than 1024 characters";
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") return `has an empty, "." or ".." segment ("${key}")`;
    if (!SEGMENT.test(segment)) return `may hold only letters, digits, ".", "_", "-" and "/" ("${key}")`;
  }
  return undefined;
}

export function assertObjectKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem) throw new Error(`object key ${problem}`);
}

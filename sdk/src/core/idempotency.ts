import { createHash } from "node:crypto";

export type IdempotencyKey = string & { __brand: "idempotencyKey" };
export type IdempotencyKeyScope = "run" | "attempt" | "global";

/** A key made by idempotencyKeys.create is the 64-hex SHA-256 digest; anything else is raw key material. */
export function isIdempotencyKey(value: unknown): value is IdempotencyKey {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

export function hashIdempotencyKey(material: string[], scopeParts: string[]): IdempotencyKey {
  return createHash("sha256")
    .update([...material, ...scopeParts].join("-"))
    .digest("hex") as IdempotencyKey;
}

/** The key a user gave and its scope, which Trigger.dev sends with a trigger as `idempotencyKeyOptions`. */
export interface IdempotencyKeyOptions {
  key: string;
  scope: IdempotencyKeyScope;
}

const CATALOG = Symbol.for("stint.sdk.idempotencyKeyCatalog");
const MAX_CATALOG_ENTRIES = 10_000;

function catalog(): Map<string, IdempotencyKeyOptions> {
  const holder = globalThis as unknown as Record<symbol, Map<string, IdempotencyKeyOptions> | undefined>;
  return (holder[CATALOG] ??= new Map());
}

/** Remembers what a hashed key was made from, so a trigger with it can say (ctx.run.idempotencyKey is the user's key). */
export function registerIdempotencyKey(hash: string, options: IdempotencyKeyOptions): void {
  const keys = catalog();
  keys.delete(hash);
  keys.set(hash, options);
  if (keys.size > MAX_CATALOG_ENTRIES) keys.delete(keys.keys().next().value!);
}

export function idempotencyKeyOptionsOf(hash: string): IdempotencyKeyOptions | undefined {
  return catalog().get(hash);
}

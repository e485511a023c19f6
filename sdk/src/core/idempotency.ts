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

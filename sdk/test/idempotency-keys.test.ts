/** idempotencyKeys.create: SHA-256 of the key parts joined with "-", plus the run (run scope) or run + attempt. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { idempotencyKeys } from "../src/index.js";
import { isIdempotencyKey } from "../src/core/idempotency.js";
import { sdkGlobals } from "../src/runtime/globals.js";
import type { RunRuntime } from "../src/runtime/types.js";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

function insideRun<T>(runId: string, attempt: number, fn: () => Promise<T>): Promise<T> {
  const runtime = { ctx: { run: { id: runId }, attempt: { number: attempt } } } as unknown as RunRuntime;
  return sdkGlobals().runStorage.run({ runtime, waitHooks: { onWait: async () => {}, onResume: async () => {} } }, fn);
}

describe("idempotency keys", () => {
  it("outside a run every scope is global: the hash of the parts joined with '-'", async () => {
    expect(await idempotencyKeys.create("order-1")).toBe(sha("order-1"));
    expect(await idempotencyKeys.create(["order", "1"])).toBe(sha("order-1"));
  });

  it("inside a run: run scope adds the run id, attempt scope the attempt too, global neither", async () => {
    await insideRun("run_abc", 2, async () => {
      expect(await idempotencyKeys.create("k")).toBe(sha("k-run_abc"));
      expect(await idempotencyKeys.create("k", { scope: "attempt" })).toBe(sha("k-run_abc-2"));
      expect(await idempotencyKeys.create("k", { scope: "global" })).toBe(sha("k"));
    });
  });

  it("recognises created keys, and rejects bad key material", async () => {
    expect(isIdempotencyKey(await idempotencyKeys.create("x"))).toBe(true);
    expect(isIdempotencyKey("x")).toBe(false);
    await expect(idempotencyKeys.create([])).rejects.toThrow(/key must be a string or an array of strings/);
  });
});

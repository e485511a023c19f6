import { hashIdempotencyKey, registerIdempotencyKey, type IdempotencyKey, type IdempotencyKeyScope } from "./core/idempotency.js";
import { currentRunRuntime, requireClientRuntime } from "./runtime/globals.js";

export type { IdempotencyKey, IdempotencyKeyScope };

export const idempotencyKeys = {
  /** SHA-256 of the key material, scoped to the current run (default), attempt, or global. */
  create: async (key: string | string[], options: { scope?: IdempotencyKeyScope } = {}): Promise<IdempotencyKey> => {
    const material = Array.isArray(key) ? key : [key];
    if (material.length === 0 || material.some((part) => typeof part !== "string")) {
      throw new TypeError("idempotencyKeys.create: key must be a string or an array of strings");
    }
    const scope = options.scope ?? "run";
    const ctx = currentRunRuntime()?.ctx;
    const scopeParts =
      scope === "global" || !ctx ? [] : scope === "run" ? [ctx.run.id] : [ctx.run.id, String(ctx.attempt.number)];
    const hash = hashIdempotencyKey(material, scopeParts);
    registerIdempotencyKey(hash, { key: material.join("-"), scope });
    return hash;
  },
  reset: async (taskIdentifier: string, idempotencyKey: string): Promise<{ id: string }> => {
    return requireClientRuntime("idempotencyKeys.reset").resetIdempotencyKey(taskIdentifier, idempotencyKey);
  },
};

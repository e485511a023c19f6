import {
  hashIdempotencyKey,
  idempotencyKeyOptionsOf,
  isIdempotencyKey,
  registerIdempotencyKey,
  type IdempotencyKey,
  type IdempotencyKeyScope,
} from "./core/idempotency.js";
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
  /**
   * Releases a key so the next trigger with it starts a new run. Takes a key from `create`, or the key as the user
   * wrote it (a string or parts) with the scope it was made in: `{ scope: "global" }`, or run / attempt scope of the
   * current run or of `parentRunId` (and `attemptNumber`), as Trigger.dev's reset does.
   */
  reset: async (
    taskIdentifier: string,
    idempotencyKey: IdempotencyKey | string | string[],
    options: IdempotencyKeyResetOptions = {},
  ): Promise<{ id: string }> => {
    return requireClientRuntime("idempotencyKeys.reset").resetIdempotencyKey(
      taskIdentifier,
      keyToReset(idempotencyKey, options),
    );
  },
};

export interface IdempotencyKeyResetOptions {
  scope?: IdempotencyKeyScope;
  parentRunId?: string;
  attemptNumber?: number;
}

function keyToReset(key: IdempotencyKey | string | string[], options: IdempotencyKeyResetOptions): string {
  // A hash is sent as it is when this process made it, or when no scope says to hash it again.
  if (typeof key === "string" && isIdempotencyKey(key) && (idempotencyKeyOptionsOf(key) || options.scope === undefined))
    return key;
  const material = Array.isArray(key) ? key : [key];
  const scope = options.scope ?? "run";
  const ctx = currentRunRuntime()?.ctx;
  const runId = options.parentRunId ?? ctx?.run.id;
  // Outside a run with no parentRunId every scope is global, as in create.
  if (scope === "global" || !runId) return hashIdempotencyKey(material, []);
  if (scope === "run") return hashIdempotencyKey(material, [runId]);
  const attempt = options.attemptNumber ?? (options.parentRunId === undefined ? ctx?.attempt.number : undefined);
  if (attempt === undefined) {
    throw new TypeError(
      'idempotencyKeys.reset: options.attemptNumber is required with scope "attempt" and a parentRunId',
    );
  }
  return hashIdempotencyKey(material, [runId, String(attempt)]);
}

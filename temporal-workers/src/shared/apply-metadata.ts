/** Applies Trigger metadata operations to a metadata object (pure: runs inside the workflow). */
import type { MetadataOperation } from "@stint/sdk/runtime";
import { stringifyJsonSafe } from "@stint/sdk/core";
import { formatSize } from "../packets/packet-limits.js";

/** Trigger.dev's limit on a run's metadata. The SDK sends metadata inline (never as a stored packet), so it stays so. */
export const MAX_METADATA_BYTES = 256 * 1024;

/** Why `metadata` is too large to keep (a message naming `field` and the limit), or undefined. */
export function metadataSizeProblem(metadata: unknown, field = "metadata"): string | undefined {
  const size = stringifyJsonSafe(metadata ?? {})?.length ?? 0;
  if (size <= MAX_METADATA_BYTES) return undefined;
  return `${field}: ${formatSize(size)} is over the ${MAX_METADATA_BYTES / 1024} KB limit on metadata (Trigger.dev's limit); store large data elsewhere and keep a reference in metadata`;
}

export function applyMetadataOperations(
  current: Record<string, unknown>,
  operations: MetadataOperation[],
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const op of operations) {
    switch (op.type) {
      case "set":
        next[op.key] = op.value;
        break;
      case "delete":
        delete next[op.key];
        break;
      case "append": {
        const existing = next[op.key];
        next[op.key] = Array.isArray(existing)
          ? [...existing, op.value]
          : existing === undefined
            ? [op.value]
            : [existing, op.value];
        break;
      }
      case "remove": {
        const existing = next[op.key];
        if (Array.isArray(existing))
          next[op.key] = existing.filter((v) => stringifyJsonSafe(v) !== stringifyJsonSafe(op.value));
        break;
      }
      case "increment": {
        const existing = next[op.key];
        next[op.key] = (typeof existing === "number" ? existing : 0) + op.value;
        break;
      }
      case "update":
        for (const key of Object.keys(next)) delete next[key];
        Object.assign(next, op.value);
        break;
    }
  }
  const problem = metadataSizeProblem(next);
  if (problem) throw new Error(problem);
  return next;
}

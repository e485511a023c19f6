/** Applies Trigger metadata operations to a metadata object (pure: runs inside the workflow). */
import type { MetadataOperation } from "@stint/sdk/runtime";

export const MAX_METADATA_BYTES = 256 * 1024;

export function applyMetadataOperations(current: Record<string, unknown>, operations: MetadataOperation[]): Record<string, unknown> {
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
        next[op.key] = Array.isArray(existing) ? [...existing, op.value] : existing === undefined ? [op.value] : [existing, op.value];
        break;
      }
      case "remove": {
        const existing = next[op.key];
        if (Array.isArray(existing)) next[op.key] = existing.filter((v) => JSON.stringify(v) !== JSON.stringify(op.value));
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
  if (JSON.stringify(next).length > MAX_METADATA_BYTES) {
    throw new Error(`metadata: over the ${MAX_METADATA_BYTES / 1024}KB limit; store large data elsewhere and keep a reference in metadata`);
  }
  return next;
}

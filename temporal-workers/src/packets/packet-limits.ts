/**
 * Size limits for payloads, outputs and batch items. Trigger.dev accepts payloads and outputs up to 10 MB and its
 * SDK offloads anything from 128 KB on; Temporal caps one payload at 2 MB and a history at about 50 MB. So values
 * from 128 KB to 10 MB go to the object store and travel as references; larger ones are refused with a 413.
 */
import { PacketError } from "../errors.js";

export const INLINE_PACKET_BYTES = 128 * 1024;
export const MAX_PACKET_BYTES = 10 * 1024 * 1024;
/** Without an object store, values stay inline and this is the limit (one Temporal payload must hold them twice). */
export const MAX_INLINE_ONLY_BYTES = 1024 * 1024;
/**
 * What the payloads of one batch may add up to inline; the largest items go to the store until they fit. A parent's
 * history holds each inline child payload up to three times (the request, the child's start, its result).
 */
export const BATCH_INLINE_BUDGET_BYTES = 256 * 1024;

/** "11.0 MB", "300.5 KB". */
export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

/** "10 MB": limits are round numbers. */
function formatLimit(bytes: number): string {
  return formatSize(bytes).replace(".0 ", " ");
}

export function tooLarge(
  field: string,
  bytes: number,
  limit = MAX_PACKET_BYTES,
  hint = "store large data elsewhere (object storage, a database) and pass a reference",
): PacketError {
  return new PacketError(
    413,
    `${field}: ${formatSize(bytes)} is over the ${formatLimit(limit)} limit on payloads and outputs (Trigger.dev's limit); ${hint}`,
    "PacketTooLarge",
  );
}

/**
 * How large a run's payload, and its output, may be. Temporal refuses any single payload over 2 MiB (its default blob size limit,
 * the dev server's too). A run's input carries its payload, and its result carries the payload and the output:
 * 1 MB leaves the output room, and refusing a larger payload when the run is triggered beats a run that can never
 * start or finish.
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The message for a payload (or an output) over the limit, or undefined. */
export function payloadTooLarge(payload: unknown, field: string): string | undefined {
  if (payload === undefined) return undefined;
  const json = JSON.stringify(payload, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)) ?? "";
  // Most payloads are far under the limit in characters already; count bytes only near it.
  if (json.length * 3 < MAX_PAYLOAD_BYTES) return undefined;
  const bytes = Buffer.byteLength(json, "utf8");
  if (bytes <= MAX_PAYLOAD_BYTES) return undefined;
  return `${field}: ${mb(bytes)} is over the ${mb(MAX_PAYLOAD_BYTES)} limit on a run's payload and output (Temporal caps one payload at 2 MB); store large data elsewhere (object storage, a database) and pass a reference`;
}

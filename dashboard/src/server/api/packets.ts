/**
 * The SDK sends payloads and metadata as packets: a string plus its type (`application/super+json` from
 * superjson, `application/json`, `text/plain`). The engine stores plain values, so packets are decoded on the way in.
 */
import superjson from "superjson";
import { ApiError } from "./api-error.js";
import { parseClientJson } from "./json-limits.js";

export function decodePacket(data: unknown, dataType: string | undefined, field: string): unknown {
  if (data === undefined || data === null) return data ?? undefined;
  if (typeof data !== "string") return data;
  switch (dataType ?? "application/json") {
    case "application/super+json": {
      const parsed = parseClientJson(data, field);
      try {
        if (!parsed.ok) throw new Error("not JSON");
        return superjson.deserialize(parsed.value as Parameters<typeof superjson.deserialize>[0]);
      } catch {
        throw new ApiError(400, `${field}: not valid superjson (payloadType application/super+json)`);
      }
    }
    case "application/json": {
      const parsed = parseClientJson(data, field);
      // The SDK sends already-parsed JSON values too; a string that is not JSON text is the value itself.
      return parsed.ok ? parsed.value : data;
    }
    case "text/plain":
      return data;
    case "application/store":
      throw new ApiError(422, `${field}: offloaded packets (application/store) are not supported yet; send the payload inline (up to 1 MB)`);
    default:
      throw new ApiError(415, `${field}: unsupported packet type "${dataType}"; use application/json or application/super+json`);
  }
}

/** A packet of JSON for responses that carry `output` as a string with its type (waitpoint tokens). */
export function encodeJsonPacket(value: unknown): { data?: string; dataType: string } {
  return value === undefined ? { dataType: "application/json" } : { data: JSON.stringify(value), dataType: "application/json" };
}

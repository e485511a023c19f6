/**
 * Storing and resolving large values: a value past the inline limit goes to the packet store and travels as a
 * reference; a reference is read back where the value is needed (before run(), in a parent's triggerAndWait result,
 * in `runs.retrieve` through the SDK's ClientRuntime).
 */
import { isPacketRef, packetRef, type PacketRef } from "./packet-ref.js";
import { packetBytes, packetToValue, valueToPacket, type Packet } from "./packet-codec.js";
import { PacketError } from "../errors.js";
import {
  BATCH_INLINE_BUDGET_BYTES,
  INLINE_PACKET_BYTES,
  MAX_INLINE_ONLY_BYTES,
  MAX_PACKET_BYTES,
  tooLarge,
} from "./packet-limits.js";
import type { PacketStore } from "./packet-store.js";

export interface StoreTarget {
  store: PacketStore | undefined;
  /** Where to store the value (relative to the environment's folder). */
  path: string;
  /** The field named in errors, e.g. `payload` or `items.3.payload`. */
  field: string;
}

/** JSON length without the cost of superjson, or undefined when JSON cannot say (BigInt, cycles). */
function jsonLength(value: unknown): number | undefined {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return undefined;
  }
}

function encode(value: unknown, field: string): Packet {
  try {
    return valueToPacket(value);
  } catch (error) {
    throw new PacketError(
      400,
      `${field}: cannot be serialized (${(error as Error).message}); return and pass plain data`,
      "PacketNotSerializable",
    );
  }
}

/** Bytes `value` takes as a packet (0 for undefined); throws a PacketError for values that cannot be serialized. */
export function packetSize(value: unknown, field: string): number {
  if (value === undefined || isPacketRef(value)) return 0;
  const quick = jsonLength(value);
  if (quick !== undefined && quick < 1024) return quick;
  return packetBytes(encode(value, field));
}

/** `value` as it should travel: itself when at most `inlineLimit` bytes, else a reference to where it is now stored. */
export async function storeIfLarge(
  value: unknown,
  target: StoreTarget,
  inlineLimit = INLINE_PACKET_BYTES,
): Promise<unknown> {
  if (value === undefined) return value;
  if (isPacketRef(value)) return checkReference(value, target.store, target.field);
  const quick = jsonLength(value);
  // Most values are far under the limit in characters already (a character is at most 3 bytes): no need to encode.
  if (quick !== undefined && quick * 3 <= inlineLimit) return value;
  const packet = encode(value, target.field);
  const size = packetBytes(packet);
  if (size > MAX_PACKET_BYTES) throw tooLarge(target.field, size);
  if (size <= inlineLimit) return value;
  if (!target.store) {
    if (size > MAX_INLINE_ONLY_BYTES)
      throw tooLarge(
        target.field,
        size,
        MAX_INLINE_ONLY_BYTES,
        "this engine has no object store to keep larger values in (configure one, see docs/large-payloads.md)",
      );
    return value;
  }
  let stored: string;
  try {
    stored = await target.store.put(target.path, packet);
  } catch (error) {
    throw new PacketError(
      503,
      `${target.field}: could not be stored in the object store (${(error as Error).message})`,
      "PacketStoreUnavailable",
    );
  }
  return packetRef(stored, size, packet.dataType);
}

/** A reference a client handed in (an `application/store` packet it uploaded): the packet must exist and fit. */
export async function checkReference(
  ref: PacketRef,
  store: PacketStore | undefined,
  field: string,
): Promise<PacketRef> {
  const { path, size } = ref.$stintPacket;
  if (size !== undefined || !store?.stat) return ref;
  let info;
  try {
    info = await store.stat(path);
  } catch (error) {
    throw new PacketError(
      503,
      `${field}: the object store could not be reached to check "${path}" (${(error as Error).message})`,
      "PacketStoreUnavailable",
    );
  }
  if (!info)
    throw new PacketError(
      400,
      `${field}: no packet was uploaded at "${path}"; upload it first (PUT /api/v2/packets/${path} answers a presigned URL)`,
      "PacketMissing",
    );
  if (info.size > MAX_PACKET_BYTES) throw tooLarge(field, info.size);
  return packetRef(path, info.size, info.dataType);
}

/** The value a reference stands for (anything else is returned as it is). */
export async function resolvePacket(value: unknown, store: PacketStore | undefined, field: string): Promise<unknown> {
  if (!isPacketRef(value)) return value;
  const { path } = value.$stintPacket;
  if (!store)
    throw new PacketError(
      503,
      `${field} is in the object store ("${path}") and this process has no object store to read it from`,
      "PacketStoreUnavailable",
    );
  let packet: Packet | undefined;
  try {
    packet = await store.get(path);
  } catch (error) {
    throw new PacketError(
      503,
      `${field}: the object store could not be read ("${path}": ${(error as Error).message})`,
      "PacketStoreUnavailable",
    );
  }
  if (!packet)
    throw new PacketError(
      404,
      `${field}: the stored packet "${path}" is missing from the object store`,
      "PacketMissing",
    );
  return packetToValue(packet);
}

/**
 * Items of one batch as they should travel in one message: each past the inline limit is stored, then the largest of
 * the rest until all inline payloads together fit the batch budget (a batch of many mid-sized items would otherwise
 * pass Temporal's 2 MB message limit, and fill the parent's history with every child's input).
 */
export async function storeBatchPayloads<T extends { payload?: unknown }>(
  items: T[],
  store: PacketStore | undefined,
  target: (index: number) => { path: string; field: string },
): Promise<T[]> {
  const stored = await mapLimit(items, 8, async (item, index) => ({
    ...item,
    payload: await storeIfLarge(item.payload, { store, ...target(index) }),
  }));
  if (!store) return stored;
  const sizes = stored.map((item, index) => ({ index, size: packetSize(item.payload, target(index).field) }));
  let total = sizes.reduce((sum, entry) => sum + entry.size, 0);
  const largestFirst = sizes.filter((entry) => entry.size > 0).sort((a, b) => b.size - a.size);
  const toStore: number[] = [];
  for (const entry of largestFirst) {
    if (total <= BATCH_INLINE_BUDGET_BYTES) break;
    toStore.push(entry.index);
    total -= entry.size;
  }
  await mapLimit(toStore, 8, async (index) => {
    stored[index] = {
      ...stored[index]!,
      payload: await storeIfLarge(stored[index]!.payload, { store, ...target(index) }, 0),
    };
  });
  return stored;
}

/** A waitpoint's result with any child output stored by reference read back (triggerAndWait, batchTriggerAndWait). */
export async function resolveWaitpointResult(result: unknown, store: PacketStore | undefined): Promise<unknown> {
  if (typeof result !== "object" || result === null) return result;
  const record = result as { results?: unknown[]; output?: unknown; id?: string };
  if (Array.isArray(record.results))
    return { ...record, results: await mapLimit(record.results, 8, (child) => resolveWaitpointResult(child, store)) };
  if (isPacketRef(record.output))
    return {
      ...record,
      output: await resolvePacket(record.output, store, `output of ${record.id ?? "the child run"}`),
    };
  return result;
}

export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!, index);
      }
    }),
  );
  return results;
}

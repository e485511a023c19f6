/**
 * The attempt's side of large values, in one place every executor goes through: the payload is read back from the
 * object store before run(), and an output past the inline limit is stored after it. An output that can never be
 * stored (too large, not serializable, the store down past a few tries) fails the run once with a clear error —
 * throwing here instead would make Temporal retry the activity, and re-run the task, forever.
 */
import { createRequire } from "node:module";
import { ApplicationFailure } from "@temporalio/activity";
import type { PayloadConverter } from "@temporalio/common";
import { isPacketRef } from "../packets/packet-ref.js";
import { PacketError } from "../errors.js";
import type { PacketStore } from "../packets/packet-store.js";
import { resolvePacket, storeIfLarge } from "../packets/store-packets.js";
import { PAYLOAD_CONVERTER_PATH } from "../shared/data-converter.js";
import type { AttemptActivityResult, AttemptStartInfo } from "../shared/run-types.js";

const { payloadConverter } = createRequire(import.meta.url)(PAYLOAD_CONVERTER_PATH) as {
  payloadConverter: PayloadConverter;
};

const OUTPUT_ERROR_NAMES: Record<PacketError["code"], string> = {
  PacketTooLarge: "OutputTooLarge",
  PacketNotSerializable: "OutputNotSerializable",
  PacketStoreUnavailable: "OutputNotStored",
  PacketMissing: "OutputNotStored",
};

const STORE_TRIES = 3;

export async function resolveAttemptPayload(
  info: AttemptStartInfo,
  packets: PacketStore | undefined,
): Promise<AttemptStartInfo> {
  if (!isPacketRef(info.item.payload)) return info;
  try {
    return { ...info, item: { ...info.item, payload: await resolvePacket(info.item.payload, packets, "payload") } };
  } catch (error) {
    // A store that cannot be reached may come back: Temporal retries the activity (run() has not started yet).
    if (error instanceof PacketError && error.status !== 503)
      throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}

export async function storeAttemptOutput(
  result: AttemptActivityResult,
  info: AttemptStartInfo,
  packets: PacketStore | undefined,
): Promise<AttemptActivityResult> {
  if (result.kind !== "success") return result;
  const target = {
    store: packets,
    path: `runs/${info.runId}/attempt-${info.attemptNumber}/output.json`,
    field: "output",
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await storeIfLarge(result.output, target);
      // What Temporal will do with the result: a value its converter refuses would fail every completion.
      payloadConverter.toPayload(output);
      return { ...result, output };
    } catch (error) {
      if (error instanceof PacketError && error.status === 503 && attempt < STORE_TRIES) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
        continue;
      }
      const name = error instanceof PacketError ? OUTPUT_ERROR_NAMES[error.code] : "OutputNotSerializable";
      const message =
        error instanceof PacketError
          ? error.message
          : `output: cannot be serialized (${(error as Error).message}); return plain data`;
      return { kind: "failure", status: "FAILED", error: { name, message }, computeMs: result.computeMs };
    }
  }
}

/**
 * A run as a row of Trigger.dev's realtime "run shape" (what `runs.subscribeToRun` and the React hooks read):
 * database-style statuses, dates without a zone suffix, payload/output/metadata as JSON text packets.
 */
import type { RunRecord, RunStatus } from "@stint/sdk/runtime";
import { isPacketRef } from "@stint/temporal-workers";
import { encodePacket } from "../api/packets.js";

export type RunShapeRow = Record<string, string | number | boolean | string[] | object | null>;

/** Trigger's database status names; the SDK maps them back to API statuses. */
const DATABASE_STATUS: Partial<Record<RunStatus, string>> = {
  QUEUED: "PENDING",
  WAITING: "WAITING_TO_RESUME",
  COMPLETED: "COMPLETED_SUCCESSFULLY",
  FAILED: "COMPLETED_WITH_ERRORS",
};

/** The SDK appends "Z" itself. */
const shapeDate = (iso: string | undefined) => (iso ? iso.replace(/Z$/, "") : null);
/**
 * A value stored by reference is an `application/store` packet: the SDK asks the packets API for a download URL.
 * Others are JSON, or superjson when JSON cannot carry them (the SDK parses either back into the value).
 */
function packet(value: unknown): { data: string | null; dataType: string | null } {
  if (value === undefined) return { data: null, dataType: null };
  if (isPacketRef(value)) return { data: value.$stintPacket.path, dataType: "application/store" };
  const { data, dataType } = encodePacket(value);
  return { data: data ?? null, dataType };
}

/** `streamKeys`: the run's realtime streams, so `withStreams()` subscribes to them. */
export function runShapeRow(run: RunRecord, streamKeys: string[] = []): RunShapeRow {
  const [payload, metadata, output] = [packet(run.payload), packet(run.metadata), packet(run.output)];
  return {
    id: run.id,
    friendlyId: run.id,
    taskIdentifier: run.taskIdentifier,
    status: DATABASE_STATUS[run.status] ?? run.status,
    createdAt: shapeDate(run.createdAt),
    updatedAt: shapeDate(run.updatedAt),
    startedAt: shapeDate(run.startedAt),
    delayUntil: shapeDate(run.delayedUntil),
    queuedAt: shapeDate(run.createdAt),
    expiredAt: shapeDate(run.expiredAt),
    completedAt: shapeDate(run.finishedAt),
    idempotencyKey: run.idempotencyKey ?? null,
    number: run.attemptCount,
    isTest: run.isTest,
    usageDurationMs: run.durationMs,
    costInCents: 0,
    baseCostInCents: 0,
    ttl: run.ttl === undefined ? null : String(run.ttl),
    payload: payload.data,
    payloadType: payload.dataType,
    metadata: metadata.data,
    metadataType: metadata.dataType ?? "application/json",
    output: output.data,
    outputType: output.dataType,
    runTags: run.tags,
    error: run.error
      ? { type: "BUILT_IN_ERROR", name: run.error.name, message: run.error.message, stackTrace: run.error.stack ?? "" }
      : null,
    realtimeStreams: streamKeys,
  };
}

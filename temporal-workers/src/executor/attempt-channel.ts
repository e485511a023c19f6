/** How an attempt execution talks to its run: the calls a RunRuntime needs, independent of transport. */
import type { MetadataOperation, MetadataTarget, DurableRequest } from "@stint/sdk/runtime";
import type { DurableCallResult } from "../shared/run-types.js";

export interface AttemptChannel {
  durableCall(seq: number, request: DurableRequest): Promise<DurableCallResult>;
  awaitWaitpoint(seq: number): Promise<unknown>;
  sendMetadata(target: MetadataTarget, fromIndex: number, operations: MetadataOperation[]): Promise<void>;
  addTags(tags: string[]): Promise<void>;
}

export interface RunLogEntry {
  runId: string;
  attempt: number;
  level: "debug" | "log" | "info" | "warn" | "error";
  message: string;
  attributes?: Record<string, unknown>;
  time: string;
}

export type LogSink = (entry: RunLogEntry) => void;

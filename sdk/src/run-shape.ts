/** Runs as the SDK hands them out: the engine's record with Dates and the status flags of Trigger.dev's run shape. */
import { isFailedStatus, isFinalStatus } from "./core/run-status.js";
import type { RunRecord } from "./runtime/types.js";

export interface RunShape<TOutput = any>
  extends Omit<RunRecord, "createdAt" | "updatedAt" | "startedAt" | "finishedAt" | "delayedUntil" | "output"> {
  output?: TOutput;
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  delayedUntil?: Date;
  isQueued: boolean;
  isExecuting: boolean;
  isWaiting: boolean;
  isCompleted: boolean;
  isSuccess: boolean;
  isFailed: boolean;
  isCancelled: boolean;
  /** Trigger.dev bills compute; Stint does not, so both are always 0 (Trigger.dev's dev environment says 0 too). */
  costInCents: number;
  baseCostInCents: number;
}
export type AnyRunShape = RunShape<any>;
export type RetrieveRunResult<T = any> = RunShape<T extends { __output?: infer O } ? O : T>;
export type AnyRetrieveRunResult = RetrieveRunResult<any>;
export type TaskRunShape<T = any> = RunShape<T>;
export type RealtimeRun<T = any> = RunShape<T>;
export type AnyRealtimeRun = RealtimeRun<any>;

const date = (value?: string) => (value ? new Date(value) : undefined);

export function toRunShape<T>(record: RunRecord): RunShape<T> {
  return {
    ...record,
    output: record.output as T,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    startedAt: date(record.startedAt),
    finishedAt: date(record.finishedAt),
    delayedUntil: date(record.delayedUntil),
    isQueued: record.status === "QUEUED" || record.status === "DELAYED" || record.status === "PENDING_VERSION",
    isExecuting: record.status === "EXECUTING" || record.status === "DEQUEUED",
    isWaiting: record.status === "WAITING",
    isCompleted: isFinalStatus(record.status),
    isSuccess: record.status === "COMPLETED",
    isFailed: isFailedStatus(record.status),
    isCancelled: record.status === "CANCELED",
    costInCents: 0,
    baseCostInCents: 0,
  };
}

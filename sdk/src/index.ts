/**
 * @stint/sdk — the exports of @trigger.dev/sdk v4, running on Stint's Temporal engine.
 * Code written for @trigger.dev/sdk imports this module unchanged (the stint CLI aliases it).
 */
import { createSchemaTask, createTask } from "./tasks/task.js";
import { batchTriggerAndWaitWire, batchTriggerWire, itemsToWire, triggerAndWaitById, triggerById, collectItems } from "./tasks/trigger.js";
import * as hooks from "./hooks.js";
import type { BatchTriggerOptions, TriggerAndWaitOptions, TriggerOptions } from "./tasks/trigger-options.js";
import type { AnyTask, TaskIdentifier, TaskOutput, TaskPayload } from "./tasks/task.js";
import type { BatchItem } from "./tasks/trigger.js";

export const task = createTask;
export const schemaTask = createSchemaTask;
/** @deprecated Trigger's AI tool wrapper; kept for source compatibility. */
export const toolTask = createSchemaTask;

async function batchById<T extends AnyTask>(id: TaskIdentifier<T>, items: BatchItem<TaskPayload<T>>[] | AsyncIterable<BatchItem<TaskPayload<T>>>) {
  const list = await collectItems(items);
  return itemsToWire(list.map((item) => ({ task: id, payload: item.payload, options: item.options })));
}

export const tasks = {
  trigger: <T extends AnyTask>(id: TaskIdentifier<T>, payload: TaskPayload<T>, options?: TriggerOptions, _requestOptions?: unknown) =>
    triggerById<TaskIdentifier<T>>(id, payload, options),
  triggerAndWait: <T extends AnyTask>(id: TaskIdentifier<T>, payload: TaskPayload<T>, options?: TriggerAndWaitOptions, _requestOptions?: unknown) =>
    triggerAndWaitById<TaskIdentifier<T>, TaskOutput<T>>(id, payload, options),
  batchTrigger: async <T extends AnyTask>(id: TaskIdentifier<T>, items: BatchItem<TaskPayload<T>>[], options?: BatchTriggerOptions, _requestOptions?: unknown) =>
    batchTriggerWire(await batchById<T>(id, items), options, "tasks.batchTrigger"),
  batchTriggerAndWait: async <T extends AnyTask>(id: TaskIdentifier<T>, items: BatchItem<TaskPayload<T>>[], options?: BatchTriggerOptions) =>
    batchTriggerAndWaitWire(await batchById<T>(id, items), options, "tasks.batchTriggerAndWait") as Promise<{
      id: string;
      runs: import("./tasks/run-result.js").TaskRunResult<TaskIdentifier<T>, TaskOutput<T>>[];
    }>,
  onStart: hooks.onStart,
  onStartAttempt: hooks.onStartAttempt,
  onFailure: hooks.onFailure,
  onSuccess: hooks.onSuccess,
  onComplete: hooks.onComplete,
  onWait: hooks.onWait,
  onResume: hooks.onResume,
  onCancel: hooks.onCancel,
  handleError: hooks.onHandleError,
  catchError: hooks.onCatchError,
  middleware: hooks.middleware,
};

export { batch } from "./batch.js";
export { wait, ManualWaitpointPromise } from "./wait.js";
export type { WaitForOptions, WaitUntilOptions, CreateWaitpointTokenOptions, WaitpointTokenResult } from "./wait.js";
export { metadata } from "./metadata.js";
export { tags } from "./tags.js";
export { logger, type LogLevel } from "./logger.js";
export { idempotencyKeys, type IdempotencyKey, type IdempotencyKeyScope } from "./idempotency-keys.js";
export { retry, type RetryOptions } from "./retry.js";
export { runs, type RunShape, type AnyRunShape, type TaskRunShape, type RealtimeRun, type AnyRealtimeRun, type RetrieveRunResult, type AnyRetrieveRunResult } from "./runs.js";
export * as schedules from "./schedules.js";
export { configure, auth, type ApiClientConfiguration } from "./auth.js";
export { defineConfig, type TriggerConfig } from "./config.js";
export { queue, usage, locals, timeout, heartbeats, waitUntil, type Queue } from "./misc.js";
export {
  AbortTaskRunError,
  OutOfMemoryError,
  CompleteTaskWithOutput,
  TaskPayloadParsedError,
  SubtaskUnwrapError,
  WaitpointTimeoutError,
  ApiError,
  BatchTriggerError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
} from "./core/errors.js";
export { createCache, InMemoryCache, type CacheStore } from "./cache.js";
export { webhooks, WebhookError, otel } from "./not-yet.js";
export { streams, type PipedStream, type StreamOptions, type AsyncIterableStream } from "./streams.js";
export { envvars, type EnvironmentVariable } from "./envvars.js";
export { queues, type QueueItem, type RetrieveQueueParam } from "./queues.js";
export { TaskRunPromise, type TaskRunResult } from "./tasks/run-result.js";
export type { Task, TaskWithSchema, AnyTask, TaskIdentifier, TaskPayload, TaskOutput, TaskFromIdentifier } from "./tasks/task.js";
export type { RunHandle, BatchRunHandle, BatchResult, BatchItem } from "./tasks/trigger.js";
export type { BatchByIdItem, BatchByTaskItem, BatchByIdResult } from "./batch.js";
export type { TriggerOptions, TriggerAndWaitOptions, BatchTriggerOptions } from "./tasks/trigger-options.js";
export type {
  Context,
  TaskOptions,
  TaskOptionsWithSchema,
  TaskWithSchemaOptions,
  TaskSchema,
  MachinePresetName,
  RunFnParams,
  WaitInfo,
  CatchErrorResult,
} from "./tasks/definition.js";
export type { RunStatus } from "./runtime/types.js";

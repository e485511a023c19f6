/**
 * trigger / triggerAndWait / batch* by task id. Inside a run they are journaled durable calls (a replay never
 * triggers twice); outside a run they go to the configured client.
 */
import { BatchTriggerError } from "../core/errors.js";
import { currentAttempt, requireAttempt, requireClientRuntime, sdkGlobals } from "../runtime/globals.js";
import type { BatchHandleWire, BatchItemWire, ChildRunResult, RunHandleWire } from "../runtime/types.js";
import {
  resolveIdempotencyKey,
  toWireOptions,
  type BatchTriggerOptions,
  type TriggerAndWaitOptions,
  type TriggerOptions,
} from "./trigger-options.js";
import { TaskRunPromise, toTaskRunResult, type TaskRunResult } from "./run-result.js";

export const MAX_BATCH_ITEMS = 1_000;

export type RunHandle<TIdentifier extends string = string, TPayload = any, TOutput = any> = {
  id: string;
  taskIdentifier: TIdentifier;
  publicAccessToken: string;
  isCached?: boolean;
  /** Type brands, never present at run time. */
  __payload?: TPayload;
  __output?: TOutput;
};

export type BatchRunHandle<TIdentifier extends string = string, TPayload = any, TOutput = any> = {
  batchId: string;
  runCount: number;
  publicAccessToken: string;
  runs: RunHandle<TIdentifier, TPayload, TOutput>[];
};

export interface BatchResult<TIdentifier extends string = string, TOutput = any> {
  id: string;
  runs: TaskRunResult<TIdentifier, TOutput>[];
}

export type BatchItem<TPayload> = { payload: TPayload; options?: TriggerOptions };

async function parseForTask(taskId: string, payload: unknown): Promise<unknown> {
  const definition = sdkGlobals().catalog.get(taskId);
  return definition?.parsePayload ? definition.parsePayload(payload) : payload;
}

export async function toWireItem(
  taskId: string,
  payload: unknown,
  options: TriggerOptions | undefined,
  field = "options",
): Promise<BatchItemWire> {
  if (typeof taskId !== "string" || taskId.length === 0) throw new TypeError("task: expected a task id string");
  const wire = toWireOptions(options, field);
  // A task declared with a shared queue runs there unless the trigger names another (Trigger's rule).
  const sharedQueue = sdkGlobals().catalog.get(taskId)?.options.queue?.name;
  if (wire.queue === undefined && sharedQueue) wire.queue = sharedQueue;
  return { task: taskId, payload: await parseForTask(taskId, payload), options: wire };
}

export async function triggerById<TIdentifier extends string>(
  taskId: TIdentifier,
  payload: unknown,
  options?: TriggerOptions,
): Promise<RunHandle<TIdentifier>> {
  const item = await toWireItem(taskId, payload, options);
  const scope = currentAttempt();
  const handle = scope
    ? await scope.runtime.durable<RunHandleWire>({ type: "trigger", item })
    : await requireClientRuntime("tasks.trigger").trigger(item);
  return handle as RunHandle<TIdentifier>;
}

export function triggerAndWaitById<TIdentifier extends string, TOutput>(
  taskId: TIdentifier,
  payload: unknown,
  options?: TriggerAndWaitOptions,
): TaskRunPromise<TIdentifier, TOutput> {
  return new TaskRunPromise<TIdentifier, TOutput>((resolve, reject) => {
    (async () => {
      const scope = requireAttempt("triggerAndWait");
      const item = await toWireItem(taskId, payload, options);
      const result = await scope.runtime.durable<ChildRunResult>({ type: "triggerAndWait", item }, scope.waitHooks);
      return toTaskRunResult<TIdentifier, TOutput>(result);
    })().then(resolve, reject);
  }, taskId);
}

function checkBatchSize(count: number, api: string): void {
  if (count === 0) throw new BatchTriggerError(`${api}: items is empty; pass at least one item`);
  if (count > MAX_BATCH_ITEMS) {
    throw new BatchTriggerError(
      `${api}: ${count} items is over the limit of ${MAX_BATCH_ITEMS} per batch; split the items into several batches`,
    );
  }
}

export async function collectItems<T>(items: T[] | AsyncIterable<T> | ReadableStream<T>): Promise<T[]> {
  if (Array.isArray(items)) return items;
  const out: T[] = [];
  if (typeof (items as ReadableStream<T>).getReader === "function") {
    const reader = (items as ReadableStream<T>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out.push(value);
      if (out.length > MAX_BATCH_ITEMS) break;
    }
    return out;
  }
  for await (const item of items as AsyncIterable<T>) {
    out.push(item);
    if (out.length > MAX_BATCH_ITEMS) break;
  }
  return out;
}

export async function batchTriggerWire(
  items: BatchItemWire[],
  options: BatchTriggerOptions | undefined,
  api: string,
): Promise<BatchHandleWire> {
  checkBatchSize(items.length, api);
  const idempotencyKey = resolveIdempotencyKey(options?.idempotencyKey);
  const scope = currentAttempt();
  return scope
    ? scope.runtime.durable<BatchHandleWire>({ type: "batchTrigger", items, idempotencyKey })
    : requireClientRuntime(api).batchTrigger(items, { idempotencyKey });
}

export async function batchTriggerAndWaitWire(
  items: BatchItemWire[],
  options: BatchTriggerOptions | undefined,
  api: string,
): Promise<{ id: string; runs: TaskRunResult[] }> {
  checkBatchSize(items.length, api);
  const scope = requireAttempt(api);
  const idempotencyKey = resolveIdempotencyKey(options?.idempotencyKey);
  const result = await scope.runtime.durable<{ batchId: string; results: ChildRunResult[] }>(
    { type: "batchTriggerAndWait", items, idempotencyKey },
    scope.waitHooks,
  );
  return { id: result.batchId, runs: result.results.map((r) => toTaskRunResult(r)) };
}

export async function itemsToWire(
  items: { task: string; payload: unknown; options?: TriggerOptions }[],
): Promise<BatchItemWire[]> {
  return Promise.all(
    items.map((item, index) => toWireItem(item.task, item.payload, item.options, `items[${index}].options`)),
  );
}

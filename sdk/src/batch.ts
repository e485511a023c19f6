/** batch.*: trigger different tasks in one batch (by id or by task instance). */
import { requireClientRuntime } from "./runtime/globals.js";
import type { AnyTask, TaskIdentifier, TaskOutput, TaskPayload } from "./tasks/task.js";
import type { BatchTriggerOptions, TriggerOptions } from "./tasks/trigger-options.js";
import {
  batchTriggerAndWaitWire,
  batchTriggerWire,
  collectItems,
  itemsToWire,
  type BatchRunHandle,
} from "./tasks/trigger.js";
import type { TaskRunResult } from "./tasks/run-result.js";

export type BatchByIdItem<T extends AnyTask = AnyTask> = {
  id: TaskIdentifier<T>;
  payload: TaskPayload<T>;
  options?: TriggerOptions;
};
export type BatchByTaskItem<T extends AnyTask = AnyTask> = {
  task: T;
  payload: TaskPayload<T>;
  options?: TriggerOptions;
};
export interface BatchByIdResult<T extends AnyTask = AnyTask> {
  id: string;
  runs: TaskRunResult<TaskIdentifier<T>, TaskOutput<T>>[];
}

/** Items as Trigger.dev takes them: an array, an async iterable (a generator reading a file…) or a ReadableStream. */
export type Items<T> = T[] | AsyncIterable<T> | ReadableStream<T>;

async function listOf<T>(items: Items<T>, shape: string): Promise<T[]> {
  const iterable =
    Array.isArray(items) ||
    (items !== null &&
      typeof items === "object" &&
      (Symbol.asyncIterator in items || typeof (items as ReadableStream).getReader === "function"));
  if (!iterable)
    throw new TypeError(`batch: items must be an array, an async iterable or a ReadableStream of ${shape}`);
  return collectItems(items);
}

async function byId(items: Items<BatchByIdItem>) {
  const list = await listOf(items, "{ id, payload, options? }");
  return itemsToWire(list.map((item) => ({ task: item.id, payload: item.payload, options: item.options })));
}

async function byTask(items: Items<BatchByTaskItem>) {
  const list = await listOf(items, "{ task, payload, options? }");
  return itemsToWire(list.map((item) => ({ task: item.task.id, payload: item.payload, options: item.options })));
}

export const batch = {
  trigger: async <T extends AnyTask>(
    items: Items<BatchByIdItem<T>>,
    options?: BatchTriggerOptions,
  ): Promise<BatchRunHandle> => batchTriggerWire(await byId(items as Items<BatchByIdItem>), options, "batch.trigger"),
  triggerAndWait: async <T extends AnyTask>(
    items: Items<BatchByIdItem<T>>,
    options?: BatchTriggerOptions,
  ): Promise<BatchByIdResult<T>> =>
    (await batchTriggerAndWaitWire(
      await byId(items as Items<BatchByIdItem>),
      options,
      "batch.triggerAndWait",
    )) as BatchByIdResult<T>,
  triggerByTask: async <TTasks extends readonly AnyTask[]>(
    items:
      | { [K in keyof TTasks]: BatchByTaskItem<TTasks[K]> }
      | AsyncIterable<BatchByTaskItem>
      | ReadableStream<BatchByTaskItem>,
    options?: BatchTriggerOptions,
  ): Promise<BatchRunHandle> =>
    batchTriggerWire(await byTask(items as unknown as Items<BatchByTaskItem>), options, "batch.triggerByTask"),
  triggerByTaskAndWait: async <TTasks extends readonly AnyTask[]>(
    items:
      | { [K in keyof TTasks]: BatchByTaskItem<TTasks[K]> }
      | AsyncIterable<BatchByTaskItem>
      | ReadableStream<BatchByTaskItem>,
    options?: BatchTriggerOptions,
  ): Promise<{
    id: string;
    runs: { [K in keyof TTasks]: TaskRunResult<TaskIdentifier<TTasks[K]>, TaskOutput<TTasks[K]>> };
  }> =>
    (await batchTriggerAndWaitWire(
      await byTask(items as unknown as Items<BatchByTaskItem>),
      options,
      "batch.triggerByTaskAndWait",
    )) as never,
  retrieve: (batchId: string) => requireClientRuntime("batch.retrieve").retrieveBatch(batchId),
};

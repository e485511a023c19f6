/** batch.*: trigger different tasks in one batch (by id or by task instance). */
import { requireClientRuntime } from "./runtime/globals.js";
import type { AnyTask, TaskIdentifier, TaskOutput, TaskPayload } from "./tasks/task.js";
import type { BatchTriggerOptions, TriggerOptions } from "./tasks/trigger-options.js";
import { batchTriggerAndWaitWire, batchTriggerWire, itemsToWire, type BatchRunHandle } from "./tasks/trigger.js";
import type { TaskRunResult } from "./tasks/run-result.js";

export type BatchByIdItem<T extends AnyTask = AnyTask> = { id: TaskIdentifier<T>; payload: TaskPayload<T>; options?: TriggerOptions };
export type BatchByTaskItem<T extends AnyTask = AnyTask> = { task: T; payload: TaskPayload<T>; options?: TriggerOptions };
export interface BatchByIdResult<T extends AnyTask = AnyTask> {
  id: string;
  runs: TaskRunResult<TaskIdentifier<T>, TaskOutput<T>>[];
}

function byId(items: BatchByIdItem[]) {
  if (!Array.isArray(items)) throw new TypeError("batch: items must be an array of { id, payload, options? }");
  return itemsToWire(items.map((item) => ({ task: item.id, payload: item.payload, options: item.options })));
}

function byTask(items: BatchByTaskItem[]) {
  if (!Array.isArray(items)) throw new TypeError("batch: items must be an array of { task, payload, options? }");
  return itemsToWire(items.map((item) => ({ task: item.task.id, payload: item.payload, options: item.options })));
}

export const batch = {
  trigger: async <T extends AnyTask>(items: BatchByIdItem<T>[], options?: BatchTriggerOptions): Promise<BatchRunHandle> =>
    batchTriggerWire(await byId(items as BatchByIdItem[]), options, "batch.trigger"),
  triggerAndWait: async <T extends AnyTask>(items: BatchByIdItem<T>[], options?: BatchTriggerOptions): Promise<BatchByIdResult<T>> =>
    (await batchTriggerAndWaitWire(await byId(items as BatchByIdItem[]), options, "batch.triggerAndWait")) as BatchByIdResult<T>,
  triggerByTask: async <TTasks extends readonly AnyTask[]>(
    items: { [K in keyof TTasks]: BatchByTaskItem<TTasks[K]> },
    options?: BatchTriggerOptions,
  ): Promise<BatchRunHandle> => batchTriggerWire(await byTask(items as unknown as BatchByTaskItem[]), options, "batch.triggerByTask"),
  triggerByTaskAndWait: async <TTasks extends readonly AnyTask[]>(
    items: { [K in keyof TTasks]: BatchByTaskItem<TTasks[K]> },
    options?: BatchTriggerOptions,
  ): Promise<{ id: string; runs: { [K in keyof TTasks]: TaskRunResult<TaskIdentifier<TTasks[K]>, TaskOutput<TTasks[K]>> } }> =>
    (await batchTriggerAndWaitWire(await byTask(items as unknown as BatchByTaskItem[]), options, "batch.triggerByTaskAndWait")) as never,
  retrieve: (batchId: string) => requireClientRuntime("batch.retrieve").retrieveBatch(batchId),
};

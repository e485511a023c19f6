/** `tasks.*`: trigger any task by id (and the global lifecycle hooks, which apply to every task). */
import * as hooks from "./hooks.js";
import type { Items } from "./batch.js";
import type { TaskRunResult } from "./tasks/run-result.js";
import type { AnyTask, TaskIdentifier, TaskOutput, TaskPayload } from "./tasks/task.js";
import { triggerAndSubscribeById, type TriggerAndSubscribeOptions } from "./tasks/trigger-and-subscribe.js";
import type { BatchTriggerOptions, TriggerAndWaitOptions, TriggerOptions } from "./tasks/trigger-options.js";
import {
  batchTriggerAndWaitWire,
  batchTriggerWire,
  collectItems,
  itemsToWire,
  triggerAndWaitById,
  triggerById,
  type BatchItem,
} from "./tasks/trigger.js";

async function batchById<T extends AnyTask>(id: TaskIdentifier<T>, items: Items<BatchItem<TaskPayload<T>>>) {
  const list = await collectItems(items);
  return itemsToWire(list.map((item) => ({ task: id, payload: item.payload, options: item.options })));
}

export const tasks = {
  trigger: <T extends AnyTask>(
    id: TaskIdentifier<T>,
    payload: TaskPayload<T>,
    options?: TriggerOptions,
    _requestOptions?: unknown,
  ) => triggerById<TaskIdentifier<T>>(id, payload, options),
  triggerAndWait: <T extends AnyTask>(
    id: TaskIdentifier<T>,
    payload: TaskPayload<T>,
    options?: TriggerAndWaitOptions,
    _requestOptions?: unknown,
  ) => triggerAndWaitById<TaskIdentifier<T>, TaskOutput<T>>(id, payload, options),
  triggerAndSubscribe: <T extends AnyTask>(
    id: TaskIdentifier<T>,
    payload: TaskPayload<T>,
    options?: TriggerAndSubscribeOptions,
    _requestOptions?: unknown,
  ) => triggerAndSubscribeById<TaskIdentifier<T>, TaskOutput<T>>(id, payload, options),
  batchTrigger: async <T extends AnyTask>(
    id: TaskIdentifier<T>,
    items: Items<BatchItem<TaskPayload<T>>>,
    options?: BatchTriggerOptions,
    _requestOptions?: unknown,
  ) => batchTriggerWire(await batchById<T>(id, items), options, "tasks.batchTrigger"),
  batchTriggerAndWait: async <T extends AnyTask>(
    id: TaskIdentifier<T>,
    items: Items<BatchItem<TaskPayload<T>>>,
    options?: BatchTriggerOptions,
  ) =>
    batchTriggerAndWaitWire(await batchById<T>(id, items), options, "tasks.batchTriggerAndWait") as Promise<{
      id: string;
      runs: TaskRunResult<TaskIdentifier<T>, TaskOutput<T>>[];
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

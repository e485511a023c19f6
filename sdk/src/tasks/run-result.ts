import { SubtaskUnwrapError, deserializeError } from "../core/errors.js";
import type { ChildRunResult } from "../runtime/types.js";

export type TaskRunResult<TIdentifier extends string = string, TOutput = any> =
  | { ok: true; id: string; taskIdentifier: TIdentifier; output: TOutput }
  | { ok: false; id: string; taskIdentifier: TIdentifier; error: unknown };

export function toTaskRunResult<TIdentifier extends string, TOutput>(
  result: ChildRunResult,
): TaskRunResult<TIdentifier, TOutput> {
  if (result.ok) {
    return {
      ok: true,
      id: result.id,
      taskIdentifier: result.taskIdentifier as TIdentifier,
      output: result.output as TOutput,
    };
  }
  return {
    ok: false,
    id: result.id,
    taskIdentifier: result.taskIdentifier as TIdentifier,
    error: deserializeError(result.error),
  };
}

/** A promise of a child run's result with `.unwrap()`, which returns the output or throws SubtaskUnwrapError. */
export class TaskRunPromise<TIdentifier extends string, TOutput> extends Promise<TaskRunResult<TIdentifier, TOutput>> {
  static override get [Symbol.species]() {
    return Promise;
  }

  constructor(
    executor: (
      resolve: (value: TaskRunResult<TIdentifier, TOutput> | PromiseLike<TaskRunResult<TIdentifier, TOutput>>) => void,
      reject: (reason?: unknown) => void,
    ) => void,
    private readonly taskId: TIdentifier,
  ) {
    super(executor);
  }

  unwrap(): Promise<TOutput> {
    return this.then((result) => {
      if (result.ok) return result.output;
      throw new SubtaskUnwrapError(this.taskId, result.id, result.error);
    });
  }
}

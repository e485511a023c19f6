/**
 * `triggerAndSubscribe`: trigger a run and follow it until it finishes, without a waitpoint — the caller's process
 * stays alive (so several can run in parallel, unlike triggerAndWait) and the result comes as triggerAndWait's does.
 * An abort `signal` stops following; the child is cancelled too unless `cancelOnAbort: false`.
 */
import { deserializeError } from "../core/errors.js";
import { subscriptions } from "../run-subscriptions.js";
import { requireClientRuntime } from "../runtime/globals.js";
import { TaskRunPromise, type TaskRunResult } from "./run-result.js";
import { triggerById } from "./trigger.js";
import type { TriggerOptions } from "./trigger-options.js";

export type TriggerAndSubscribeOptions = TriggerOptions & {
  signal?: AbortSignal;
  /** Cancel the child run when `signal` aborts (default true). */
  cancelOnAbort?: boolean;
};

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(`triggerAndSubscribe was aborted${reason === undefined ? "" : `: ${String(reason)}`}`);
  error.name = "AbortError";
  return error;
}

export function triggerAndSubscribeById<TIdentifier extends string, TOutput>(
  taskId: TIdentifier,
  payload: unknown,
  options: TriggerAndSubscribeOptions = {},
): TaskRunPromise<TIdentifier, TOutput> {
  return new TaskRunPromise<TIdentifier, TOutput>((resolve, reject) => {
    (async (): Promise<TaskRunResult<TIdentifier, TOutput>> => {
      const { signal, cancelOnAbort = true, ...triggerOptions } = options;
      if (signal?.aborted) throw abortError(signal);
      const handle = await triggerById(taskId, payload, triggerOptions);
      const subscription = subscriptions.subscribeToRun(handle.id, { signal });
      const onAbort = () => {
        if (cancelOnAbort)
          void requireClientRuntime("triggerAndSubscribe")
            .cancelRun(handle.id)
            .catch(() => undefined);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        let last;
        for await (const run of subscription) {
          last = run;
          if (run.isCompleted) break;
        }
        if (signal?.aborted) throw abortError(signal);
        if (!last?.isCompleted)
          throw new Error(`triggerAndSubscribe: stopped following run ${handle.id} before it finished`);
        if (last.isSuccess) return { ok: true, id: handle.id, taskIdentifier: taskId, output: last.output as TOutput };
        const error = last.error ? deserializeError(last.error) : new Error(`Run ${handle.id} ended ${last.status}`);
        return { ok: false, id: handle.id, taskIdentifier: taskId, error };
      } finally {
        signal?.removeEventListener("abort", onAbort);
      }
    })().then(resolve, reject);
  }, taskId);
}

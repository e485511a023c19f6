/**
 * Runs one execution of a task attempt against the catalog: payload parsing, init, middleware, run(), lifecycle
 * hooks, catchError, maxDuration and the retry decision. Executors call this; it knows nothing about Temporal.
 */
import { isNonRetryableError, serializeError, type SerializedError } from "../core/errors.js";
import { defaultRetryOptions, retryDelayMs, type RetryOptions } from "../core/retry.js";
import { sdkGlobals, type AttemptScope } from "./globals.js";
import type { RunRuntime, TaskRunContext, WaitHooks, WaitInfoWire } from "./types.js";
import type { TaskDefinition, WaitInfo } from "../tasks/definition.js";

export interface AttemptRequest {
  taskId: string;
  payload: unknown;
  ctx: TaskRunContext;
  /** Run-level override of retry.maxAttempts (TriggerOptions.maxAttempts). */
  maxAttempts?: number;
  /**
   * Rejects to end the attempt from outside run(): with a MaxDurationExceededError when the executor's compute
   * clock runs out (→ TIMED_OUT), or with an uncaught error from task code (→ FAILED, with the usual retry decision).
   */
  interrupt?: Promise<never>;
  /** True when this execution replays an attempt that suspended (or crashed) earlier. */
  isReplay: boolean;
  /** Whether retries are allowed (dev environments disable them unless the config enables them). */
  retriesEnabled?: boolean;
  /** Told when a cancel has run the onCancel hooks: settles once they finish (an executor may then stop the process). */
  onCancelHooks?: (settled: Promise<void>) => void;
}

export type AttemptOutcome =
  | { kind: "success"; output: unknown }
  | { kind: "failure"; error: SerializedError; status: "FAILED" | "TIMED_OUT"; retryDelayMs?: number };

function toWaitInfo(info: WaitInfoWire): WaitInfo {
  return info.type === "duration" ? { type: "duration", date: new Date(info.date) } : info;
}

async function callAll(fns: Array<((params: any) => unknown) | undefined>, params: object): Promise<void> {
  for (const fn of fns) if (fn) await fn(params);
}

const BACKGROUND_SETTLE_MS = 60_000;

export function findTask(taskId: string): TaskDefinition {
  const definition = sdkGlobals().catalog.get(taskId);
  if (!definition) throw new Error(`Task "${taskId}" is not registered in this worker`);
  return definition;
}

/** Executes `request` with `runtime` as the current run; resolves with the outcome (never rejects for task errors). */
export async function executeAttempt(
  request: AttemptRequest,
  runtime: RunRuntime,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const definition = findTask(request.taskId);
  const { options } = definition;
  const globals = sdkGlobals();
  const hooks = globals.hooks;
  const config = globals.config;
  const base = { ctx: request.ctx, task: request.taskId, signal } as {
    ctx: TaskRunContext;
    task: string;
    signal: AbortSignal;
    payload: unknown;
    init?: unknown;
  };
  base.payload = request.payload;

  const waitHooks: WaitHooks = {
    onWait: async (info) => callAll([...hooks.onWait, options.onWait], { ...base, wait: toWaitInfo(info) }),
    onResume: async (info) => callAll([...hooks.onResume, options.onResume], { ...base, wait: toWaitInfo(info) }),
  };
  const ended = new AbortController();
  const scope: AttemptScope = { runtime, waitHooks, background: new Set(), signal, ended: ended.signal };
  /**
   * Stream uploads still going when run() returns or throws finish first, so readers get every chunk — for at most
   * BACKGROUND_SETTLE_MS: a stream that never ends must not hold the run open forever.
   */
  const settleBackground = async () => {
    if (scope.background!.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(scope.background!),
      new Promise((resolve) => (timer = setTimeout(resolve, BACKGROUND_SETTLE_MS))),
    ]);
    clearTimeout(timer);
  };

  return globals.runStorage.run(scope, async () => {
    const abortOnCancel = () => {
      const settled = callAll([...hooks.onCancel, options.onCancel], { ...base, runPromise: Promise.resolve() }).catch(
        () => undefined,
      );
      request.onCancelHooks?.(settled);
    };
    signal.addEventListener("abort", abortOnCancel, { once: true });
    try {
      const body = async (): Promise<unknown> => {
        if (definition.parsePayload) base.payload = await definition.parsePayload(request.payload);
        if (config?.init) base.init = await config.init(base);
        for (const init of hooks.init) base.init = (await init(base)) ?? base.init;
        if (options.init) base.init = await options.init(base);
        if (!request.isReplay) {
          const onStart = options.onStartAttempt ?? options.onStart;
          await callAll([...hooks.onStartAttempt, config?.onStart, onStart], base);
        }
        let output: unknown;
        const chain = [...hooks.middleware, ...(options.middleware ? [options.middleware] : [])];
        const runAt = async (index: number): Promise<void> => {
          if (index === chain.length) {
            output = await options.run(base.payload, { ctx: request.ctx, init: base.init, signal });
            return;
          }
          await chain[index]!({ ...base, next: () => runAt(index + 1) });
        };
        await runAt(0);
        if (options.cleanup) await options.cleanup(base);
        return output;
      };

      const running = body();
      const output = await (request.interrupt ? Promise.race([running, request.interrupt]) : running);
      await settleBackground();
      await callAll([...hooks.onSuccess, config?.onSuccess, options.onSuccess], { ...base, output });
      await callAll([...hooks.onComplete, options.onComplete], { ...base, result: { ok: true, data: output } });
      return { kind: "success", output };
    } catch (thrown) {
      await settleBackground();
      if ((thrown as { name?: string })?.name === "CompleteTaskWithOutput") {
        return { kind: "success", output: (thrown as { output: unknown }).output };
      }
      if ((thrown as { name?: string })?.name === "MaxDurationExceededError") {
        return { kind: "failure", status: "TIMED_OUT", error: serializeError(thrown) };
      }
      const decision = await decideRetry(thrown, request, definition, base);
      if (decision.retryDelayMs === undefined) {
        await callAll([...hooks.onFailure, config?.onFailure, options.onFailure], {
          ...base,
          error: decision.error,
        }).catch(() => undefined);
        await callAll([...hooks.onComplete, options.onComplete], {
          ...base,
          result: { ok: false, error: decision.error },
        }).catch(() => undefined);
      }
      return {
        kind: "failure",
        status: "FAILED",
        error: serializeError(decision.error),
        retryDelayMs: decision.retryDelayMs,
      };
    } finally {
      signal.removeEventListener("abort", abortOnCancel);
      ended.abort();
    }
  });
}

async function decideRetry(
  error: unknown,
  request: AttemptRequest,
  definition: TaskDefinition,
  base: object,
): Promise<{ error: unknown; retryDelayMs?: number }> {
  const config = sdkGlobals().config;
  let retry: RetryOptions = { ...defaultRetryOptions, ...config?.retries?.default, ...definition.options.retry };
  const maxAttempts = request.maxAttempts ?? retry.maxAttempts ?? defaultRetryOptions.maxAttempts;
  const canRetry =
    request.retriesEnabled !== false && !isNonRetryableError(error) && request.ctx.attempt.number < maxAttempts;
  let retryDelay = canRetry ? retryDelayMs(retry, request.ctx.attempt.number) : undefined;
  let finalError = error;
  if (isNonRetryableError(error)) return { error };

  const handlers = [definition.options.catchError ?? definition.options.handleError, ...sdkGlobals().hooks.catchError];
  for (const handler of handlers) {
    if (!handler) continue;
    const result = await handler({
      ...(base as object),
      error: finalError,
      retry,
      retryAt: retryDelay === undefined ? undefined : new Date(Date.now() + retryDelay),
      retryDelayInMs: retryDelay,
    } as never);
    if (!result) continue;
    if (result.error !== undefined) finalError = result.error;
    if (result.skipRetrying) return { error: finalError };
    if (result.retry) {
      retry = { ...retry, ...result.retry };
      const max = result.retry.maxAttempts ?? maxAttempts;
      retryDelay = request.ctx.attempt.number < max ? retryDelayMs(retry, request.ctx.attempt.number) : undefined;
    }
    if (result.retryAt) retryDelay = Math.max(0, result.retryAt.getTime() - Date.now());
    if (result.retryDelayInMs !== undefined) retryDelay = result.retryDelayInMs;
    break;
  }
  return { error: finalError, retryDelayMs: retryDelay };
}

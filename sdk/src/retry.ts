/** retry.onThrow / retry.fetch: retry a block inside a run, with Trigger's backoff. */
import { defaultRetryOptions, retryDelayMs, type RetryOptions } from "./core/retry.js";

export type { RetryOptions };

async function onThrow<T>(
  fn: (options: { attempt: number; maxAttempts: number }) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? defaultRetryOptions.maxAttempts;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn({ attempt, maxAttempts });
    } catch (error) {
      if (attempt >= maxAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(options, attempt)));
    }
  }
}

interface FetchRetryOptions {
  byStatus?: Record<string, { strategy: "backoff" } & RetryOptions>;
  timeout?: { durationInMs?: number; retry?: RetryOptions };
  connectionError?: RetryOptions;
}

function statusRule(rules: FetchRetryOptions["byStatus"], status: number) {
  if (!rules) return undefined;
  for (const [pattern, rule] of Object.entries(rules)) {
    for (const part of pattern.split(",")) {
      const [lo, hi] = part
        .trim()
        .split("-")
        .map((p) => Number(p.replace(/x/g, "0")));
      const top = hi ?? (part.includes("x") ? lo! + 99 : lo!);
      if (status >= lo! && status <= top) return rule;
    }
  }
  return undefined;
}

async function retryFetch(
  input: string | URL | Request,
  init: RequestInit & { retry?: FetchRetryOptions } = {},
): Promise<Response> {
  const { retry: rules, ...requestInit } = init;
  for (let attempt = 1; ; attempt++) {
    try {
      const signal = rules?.timeout?.durationInMs
        ? AbortSignal.timeout(rules.timeout.durationInMs)
        : requestInit.signal;
      const response = await fetch(input, { ...requestInit, signal });
      const rule = statusRule(rules?.byStatus, response.status);
      if (!rule || attempt >= (rule.maxAttempts ?? defaultRetryOptions.maxAttempts)) return response;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(rule, attempt)));
    } catch (error) {
      const isTimeout = (error as Error).name === "TimeoutError";
      const rule = isTimeout ? rules?.timeout?.retry : rules?.connectionError;
      if (!rule || attempt >= (rule.maxAttempts ?? defaultRetryOptions.maxAttempts)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(rule, attempt)));
    }
  }
}

export const retry = { onThrow, fetch: retryFetch };

/** Trigger.dev's retry options, defaults and backoff formula. */
export interface RetryOptions {
  maxAttempts?: number;
  factor?: number;
  minTimeoutInMs?: number;
  maxTimeoutInMs?: number;
  randomize?: boolean;
  outOfMemory?: { machine?: string };
}

export const defaultRetryOptions = {
  maxAttempts: 3,
  factor: 2,
  minTimeoutInMs: 1_000,
  maxTimeoutInMs: 60_000,
  randomize: true,
} as const satisfies RetryOptions;

/** Delay before attempt `attempt + 1`, after `attempt` failed: min(max, r * min * factor^(attempt-1)). */
export function retryDelayMs(options: RetryOptions, attempt: number, random: () => number = Math.random): number {
  const opts = { ...defaultRetryOptions, ...options };
  const jitter = opts.randomize ? 1 + random() : 1;
  return Math.round(Math.min(opts.maxTimeoutInMs, jitter * opts.minTimeoutInMs * Math.pow(opts.factor, attempt - 1)));
}

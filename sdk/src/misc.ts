/** Small helpers of the Trigger v4 surface: queue(), usage, locals, timeout, heartbeats, waitUntil. */
import { currentAttempt, currentRunRuntime } from "./runtime/globals.js";

export interface Queue {
  name: string;
  concurrencyLimit?: number;
}

const QUEUES = Symbol.for("stint.sdk.queues");

/** Declares a shared queue that several tasks can use. */
export function queue(options: { name: string; concurrencyLimit?: number }): Queue {
  if (!options?.name) throw new TypeError("queue: name is required");
  const holder = globalThis as unknown as Record<symbol, Map<string, Queue>>;
  (holder[QUEUES] ??= new Map()).set(options.name, options);
  return options;
}

export const usage = {
  getCurrent: () => {
    const ctx = currentRunRuntime()?.ctx;
    const durationMs = ctx ? Date.now() - ctx.attempt.startedAt.getTime() : 0;
    return {
      compute: {
        attempt: { costInCents: 0, durationMs },
        total: { costInCents: 0, durationMs: (ctx?.run.durationMs ?? 0) + durationMs },
      },
      baseCostInCents: 0,
      totalCostInCents: 0,
    };
  },
  measure: async <T>(fn: () => Promise<T>) => {
    const started = Date.now();
    const result = await fn();
    return { result, compute: { costInCents: 0, durationMs: Date.now() - started } };
  },
};

export const timeout = {
  /** `maxDuration: timeout.None`: no compute-time limit (Trigger.dev's value, the largest it accepts). */
  None: 2_147_483_647,
  /** The signal of the running attempt (aborted when it is cancelled or runs out of time); undefined outside a run. */
  get signal(): AbortSignal | undefined {
    return currentAttempt()?.signal;
  },
};

let lastHeartbeat: Date | undefined;
export const heartbeats = {
  /** Yields to the event loop so heartbeats keep flowing in CPU-heavy loops. */
  yield: () =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        lastHeartbeat = new Date();
        resolve();
      }),
    ),
  /** When `heartbeats.yield()` last let the runtime breathe (for debugging, as in Trigger.dev). */
  getLastHeartbeat: (): Date | undefined => lastHeartbeat,
};

/** Trigger.dev marks chat-agent runs for a streams warning; Stint has no chat agents, so there is nothing to mark. */
export function markChatAgentRunForStreamsWarning(): void {}

const pending: Promise<unknown>[] = [];
/** Keeps the attempt alive until `promise` settles. */
export function waitUntil(promise: Promise<unknown>): void {
  pending.push(promise.catch(() => undefined));
}

interface Local<T> {
  readonly id: symbol;
  readonly __type?: T;
}
const localValues = new Map<symbol, unknown>();
export const locals = {
  create: <T>(name: string): Local<T> => ({ id: Symbol(name) }),
  get: <T>(local: Local<T>): T | undefined => localValues.get(local.id) as T | undefined,
  getOrThrow: <T>(local: Local<T>): T => {
    if (!localValues.has(local.id)) throw new Error(`locals: ${String(local.id.description)} is not set`);
    return localValues.get(local.id) as T;
  },
  set: <T>(local: Local<T>, value: T): T => {
    localValues.set(local.id, value);
    return value;
  },
};

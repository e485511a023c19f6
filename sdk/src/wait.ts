/** wait.*: durable waits. Inside a run each wait is a journaled waitpoint on the run's Temporal workflow. */
import { parseDurationMs, resolveDate, waitForDurationMs, type WaitForDuration } from "./core/duration.js";
import { WaitpointTimeoutError, deserializeError } from "./core/errors.js";
import { currentAttempt, requireAttempt, requireClientRuntime } from "./runtime/globals.js";
import type { ListTokensFilter, TokenResult, TokenState, TokenWire } from "./runtime/types.js";
import { paginate } from "./paginate.js";
import { resolveIdempotencyKey } from "./tasks/trigger-options.js";

export type WaitForOptions = WaitForDuration & { idempotencyKey?: string | string[]; idempotencyKeyTTL?: string };
export interface WaitUntilOptions {
  date: Date;
  throwIfInThePast?: boolean;
  idempotencyKey?: string | string[];
  idempotencyKeyTTL?: string;
}
export interface CreateWaitpointTokenOptions {
  idempotencyKey?: string | string[];
  idempotencyKeyTTL?: string;
  timeout?: string | Date;
  tags?: string | string[];
}
export type ListTokensOptions = Omit<ListTokensFilter, "status" | "tags" | "after"> & {
  status?: ListTokensFilter["status"] | NonNullable<ListTokensFilter["status"]>[number];
  tags?: string | string[];
  /** How far back, e.g. "1h" or "7d". */
  period?: string;
};
export type WaitpointTokenResult<T> = { ok: true; output: T } | { ok: false; error: WaitpointTimeoutError | Error };

/** A token wait's promise; `.unwrap()` returns the output or throws the WaitpointTimeoutError. */
export class ManualWaitpointPromise<T> extends Promise<WaitpointTokenResult<T>> {
  static override get [Symbol.species]() {
    return Promise;
  }
  unwrap(): Promise<T> {
    return this.then((result) => {
      if (result.ok) return result.output;
      throw result.error;
    });
  }
}

async function waitUntilDate(date: Date): Promise<void> {
  const scope = currentAttempt();
  if (!scope) {
    // Outside a run there is no durable timer: behave like a plain sleep.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, date.getTime() - Date.now())));
    return;
  }
  await scope.runtime.durable({ type: "duration", until: date.toISOString() }, scope.waitHooks);
}

function tokenId(token: string | { id: string }): string {
  const id = typeof token === "string" ? token : token?.id;
  if (typeof id !== "string" || !id.startsWith("waitpoint_")) {
    throw new TypeError(`token: expected a waitpoint token or its id ("waitpoint_…"), got ${JSON.stringify(token)}`);
  }
  return id;
}

export const wait = {
  for: async (options: WaitForOptions): Promise<void> => {
    await waitUntilDate(new Date(Date.now() + waitForDurationMs(options)));
  },

  until: async (options: WaitUntilOptions): Promise<void> => {
    if (!(options?.date instanceof Date) || Number.isNaN(options.date.getTime())) {
      throw new TypeError("wait.until: date must be a valid Date");
    }
    if (options.date.getTime() < Date.now() && options.throwIfInThePast) {
      throw new Error(`wait.until: ${options.date.toISOString()} is in the past`);
    }
    await waitUntilDate(options.date);
  },

  createToken: async (options: CreateWaitpointTokenOptions = {}): Promise<TokenWire> => {
    const wire = {
      idempotencyKey: resolveIdempotencyKey(options.idempotencyKey),
      idempotencyKeyTTL: options.idempotencyKeyTTL,
      timeout: options.timeout === undefined ? undefined : resolveDate(options.timeout, "timeout").toISOString(),
      tags: options.tags === undefined ? undefined : Array.isArray(options.tags) ? options.tags : [options.tags],
    };
    const scope = currentAttempt();
    return scope
      ? scope.runtime.durable<TokenWire>({ type: "createToken", options: wire })
      : requireClientRuntime("wait.createToken").createToken(wire);
  },

  forToken: <T = unknown>(token: string | { id: string }): ManualWaitpointPromise<T> => {
    return new ManualWaitpointPromise<T>((resolve, reject) => {
      (async () => {
        const id = tokenId(token);
        const scope = requireAttempt("wait.forToken");
        const result = await scope.runtime.durable<TokenResult>({ type: "waitToken", tokenId: id }, scope.waitHooks);
        if (result.ok) return { ok: true as const, output: result.output as T };
        const error =
          result.error.name === "WaitpointTimeoutError"
            ? new WaitpointTimeoutError(result.error.message)
            : deserializeError(result.error);
        return { ok: false as const, error };
      })().then(resolve, reject);
    });
  },

  completeToken: async <T>(token: string | { id: string }, data: T): Promise<{ success: true }> => {
    const id = tokenId(token);
    const scope = currentAttempt();
    return scope
      ? scope.runtime.durable<{ success: true }>({ type: "completeToken", tokenId: id, data })
      : requireClientRuntime("wait.completeToken").completeToken(id, data);
  },

  retrieveToken: async (token: string | { id: string }): Promise<TokenState> => {
    return requireClientRuntime("wait.retrieveToken").retrieveToken(tokenId(token));
  },

  /** Waitpoint tokens of the environment, newest first; `for await` goes through every page. */
  listTokens: (filter: ListTokensOptions = {}) =>
    paginate<TokenState, string>(async (after) => {
      const { period, status, tags, ...rest } = filter;
      const page = await requireClientRuntime("wait.listTokens").listTokens({
        ...rest,
        status: status === undefined ? undefined : [status].flat(),
        tags: tags === undefined ? undefined : [tags].flat(),
        from: period ? new Date(Date.now() - parseDurationMs(period, "period")) : rest.from,
        after,
      });
      return { data: page.data, next: page.nextCursor };
    }),
};

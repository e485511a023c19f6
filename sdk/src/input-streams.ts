/**
 * Input streams (`streams.input<T>({ id })`), as in Trigger.dev v4: data sent to a running task. A backend (or another
 * task) calls `.send(runId, data)`; inside the run, `.once()` waits for the next record with the process alive, `.on()`
 * calls a handler for each, `.peek()` gives the latest, and `.wait()` suspends the run on a waitpoint token until a
 * record arrives (a record sent before `.wait()` is called completes it at once).
 *
 * Records live in the webapp, numbered from 0 per run and stream. Each execution of run() reads them from the start,
 * so a replay after a suspension sees the same records in the same order; `.wait()` results come from the run's
 * journal, like any waitpoint.
 */
import { InputStreamTimeoutError, WaitpointTimeoutError, deserializeError } from "./core/errors.js";
import { callApi, webappConnection } from "./management-api.js";
import { currentAttempt, requireAttempt } from "./runtime/globals.js";
import type { RunRuntime, TokenResult, TokenWire } from "./runtime/types.js";
import { resolveDate } from "./core/duration.js";
import { ManualWaitpointPromise } from "./wait.js";

const LONG_POLL_SECONDS = 20;

export type InputStreamOnceResult<T> = { ok: true; output: T } | { ok: false; error: InputStreamTimeoutError };

export class InputStreamOncePromise<T> extends Promise<InputStreamOnceResult<T>> {
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

export interface InputStreamOnceOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  spanName?: string;
}
export interface InputStreamWaitOptions {
  /** How long the run may wait ("30s", "5m", "1h", a Date); past it the result is `{ ok: false, error }`. */
  timeout?: string | Date;
  idempotencyKey?: string;
  idempotencyKeyTTL?: string;
  tags?: string | string[];
}

interface Record_ {
  seq: number;
  data: unknown;
}

/** One stream's records as this execution sees them. */
class InputTail {
  /** Next seq to fetch from the webapp. */
  private fetched = 0;
  /** Records fetched but not yet taken by `once` (when no `on` handler took them). */
  private readonly buffer: Record_[] = [];
  readonly handlers = new Set<(data: unknown) => unknown>();
  private readonly waiters: Array<(record: Record_) => void> = [];
  private running = false;
  /** Seq after the last record a reader consumed: where `.wait()` starts. */
  consumed = 0;
  last: unknown;

  constructor(
    private readonly runId: string,
    private readonly streamId: string,
    private readonly ended: AbortSignal,
  ) {}

  private deliver(record: Record_): void {
    this.last = record.data;
    this.consumed = Math.max(this.consumed, record.seq + 1);
    for (const handler of this.handlers) void Promise.resolve(handler(record.data)).catch(() => undefined);
    const waiter = this.waiters.shift();
    if (waiter) waiter(record);
    else if (this.handlers.size === 0) this.buffer.push(record);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.ended.aborted && (this.handlers.size > 0 || this.waiters.length > 0)) {
        const path = `/engine/v1/input-streams/${encodeURIComponent(this.runId)}/${encodeURIComponent(this.streamId)}?from=${this.fetched}&wait=${LONG_POLL_SECONDS}`;
        const answer = await callApi<{ records: Record_[] }>("GET", path, undefined, {
          what: `streams.input("${this.streamId}")`,
          signal: this.ended,
        }).catch((error) => {
          if (this.ended.aborted) return { records: [] };
          throw error;
        });
        const { records } = answer;
        for (const record of records) {
          this.fetched = record.seq + 1;
          this.deliver(record);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private start(): void {
    void this.run().catch((error: Error) => {
      for (const waiter of this.waiters.splice(0))
        waiter({ seq: -1, data: Object.assign(new Error(error.message), { stintTailError: true }) });
    });
  }

  /** The next record not yet taken; resolves undefined on timeout or abort. */
  next(timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<Record_ | undefined> {
    const buffered = this.buffer.shift();
    if (buffered) return Promise.resolve(buffered);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (record: Record_ | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(record);
      };
      const waiter = (record: Record_) => settle(record);
      const onAbort = () => settle(undefined);
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) timer = setTimeout(() => settle(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.start();
    });
  }

  subscribe(handler: (data: unknown) => unknown): () => void {
    this.handlers.add(handler);
    // Records that arrived before the first handler are its too.
    for (const record of this.buffer.splice(0)) void Promise.resolve(handler(record.data)).catch(() => undefined);
    this.start();
    return () => this.handlers.delete(handler);
  }
}

const tails = new WeakMap<RunRuntime, Map<string, InputTail>>();

function tailFor(api: string, streamId: string): InputTail {
  const scope = requireAttempt(api);
  // Fail at the call, not in the background, when there is no webapp holding the records.
  webappConnection(api);
  let byStream = tails.get(scope.runtime);
  if (!byStream) tails.set(scope.runtime, (byStream = new Map()));
  let tail = byStream.get(streamId);
  if (!tail)
    byStream.set(
      streamId,
      (tail = new InputTail(scope.runtime.ctx.run.id, streamId, scope.ended ?? new AbortController().signal)),
    );
  return tail;
}

function unwrapTailError(record: Record_): Record_ {
  if (record.seq === -1) throw record.data;
  return record;
}

export function input<TData>(options: { id: string }) {
  const streamId = options?.id;
  if (typeof streamId !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/.test(streamId)) {
    throw new TypeError(
      `streams.input: id "${streamId}" is not a stream id; use letters, digits, "-", "_", "." or ":" (at most 64)`,
    );
  }
  const api = (method: string) => `streams.input("${streamId}").${method}`;

  const wait = (waitOptions: InputStreamWaitOptions = {}): ManualWaitpointPromise<TData> =>
    new ManualWaitpointPromise<TData>((resolve, reject) => {
      (async () => {
        const tail = tailFor(api("wait"), streamId);
        const scope = requireAttempt(api("wait"));
        const token = await scope.runtime.durable<TokenWire>({
          type: "createToken",
          options: {
            idempotencyKey: waitOptions.idempotencyKey,
            idempotencyKeyTTL: waitOptions.idempotencyKeyTTL,
            timeout:
              waitOptions.timeout === undefined ? undefined : resolveDate(waitOptions.timeout, "timeout").toISOString(),
            tags: waitOptions.tags === undefined ? undefined : [waitOptions.tags].flat(),
          },
        });
        // The webapp completes the token with the first record from `fromSeq` on: at once if one is already there.
        await callApi(
          "POST",
          `/api/v1/runs/${encodeURIComponent(scope.runtime.ctx.run.id)}/input-streams/wait`,
          { streamId, waitpointId: token.id, fromSeq: tail.consumed },
          { what: api("wait"), retryPost: true },
        );
        const result = await scope.runtime.durable<TokenResult>(
          { type: "waitToken", tokenId: token.id },
          scope.waitHooks,
        );
        if (!result.ok) {
          const error =
            result.error.name === "WaitpointTimeoutError"
              ? new WaitpointTimeoutError(result.error.message)
              : deserializeError(result.error);
          return { ok: false as const, error };
        }
        const record = result.output as Record_;
        tail.consumed = Math.max(tail.consumed, record.seq + 1);
        tail.last = record.data;
        return { ok: true as const, output: record.data as TData };
      })().then(resolve, reject);
    });

  const once = (onceOptions: InputStreamOnceOptions = {}): InputStreamOncePromise<TData> =>
    new InputStreamOncePromise<TData>((resolve, reject) => {
      (async () => {
        const tail = tailFor(api("once"), streamId);
        const record = await tail.next(onceOptions.timeoutMs, onceOptions.signal);
        if (!record) {
          if (onceOptions.signal?.aborted) throw onceOptions.signal.reason ?? new Error(`${api("once")} was aborted`);
          return { ok: false as const, error: new InputStreamTimeoutError(streamId, onceOptions.timeoutMs ?? 0) };
        }
        return { ok: true as const, output: unwrapTailError(record).data as TData };
      })().then(resolve, reject);
    });

  return {
    id: streamId,
    /** Sends `data` to this stream of run `runId` (from a backend or another task). */
    send: async (runId: string, data: TData, _options?: unknown): Promise<void> => {
      await callApi(
        "POST",
        `/realtime/v1/streams/${encodeURIComponent(runId)}/input/${encodeURIComponent(streamId)}`,
        { data },
        { what: api("send") },
      );
    },
    once,
    on: (handler: (data: TData) => void | Promise<void>): { off: () => void } => ({
      off: tailFor(api("on"), streamId).subscribe(handler as (data: unknown) => unknown),
    }),
    peek: (): TData | undefined =>
      currentAttempt() ? (tailFor(api("peek"), streamId).last as TData | undefined) : undefined,
    wait,
    /** Waits with the process alive for `idleTimeoutInSeconds`, then suspends on `.wait()` if nothing came. */
    waitWithIdleTimeout: async (
      waitOptions: InputStreamWaitOptions & { idleTimeoutInSeconds: number; skipIdleTimeout?: boolean },
    ) => {
      if (!waitOptions.skipIdleTimeout) {
        const quick = await once({ timeoutMs: Math.max(0, waitOptions.idleTimeoutInSeconds) * 1000 });
        if (quick.ok) return quick;
      }
      return wait(waitOptions);
    },
  };
}

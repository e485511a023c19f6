/**
 * Realtime subscriptions from Stint's SDK (`runs.subscribeToRun`, `subscribeToRunsWithTag`, `subscribeToBatch`): each
 * yields a run every time it changes. They read runs through the process' ClientRuntime (its engine, or the webapp's
 * REST API), so they work from task code in every mode; `withStreams()` adds the run's realtime streams, which live
 * in the webapp.
 */
import { configuredWebapp, callApi } from "./management-api.js";
import { requireClientRuntime } from "./runtime/globals.js";
import type { ListRunsFilter, RunRecord } from "./runtime/types.js";
import { toRunShape, type RunShape } from "./run-shape.js";
import { streams } from "./streams.js";

const FIRST_POLL_MS = 200;
const MAX_POLL_MS = 1_000;

export interface SubscribeToRunOptions {
  /** Stop when the run completes (default true). */
  stopOnCompletion?: boolean;
  skipColumns?: string[];
  signal?: AbortSignal;
}

export type RunStreamPart<TStreams extends Record<string, unknown> = Record<string, unknown>> =
  | { type: "run"; run: RunShape }
  | { [K in keyof TStreams & string]: { type: K; chunk: TStreams[K]; run: RunShape } }[keyof TStreams & string];

const fingerprint = (run: RunRecord) =>
  JSON.stringify([run.status, run.updatedAt, run.metadata, run.tags, run.attemptCount, run.output === undefined]);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Polls `read` and yields each run whose state changed, until `finished` says so or the subscription ends. */
async function* changes(
  read: () => Promise<RunRecord[]>,
  finished: (runs: RunRecord[]) => boolean,
  signal: AbortSignal,
): AsyncGenerator<RunShape> {
  const seen = new Map<string, string>();
  let wait = FIRST_POLL_MS;
  while (!signal.aborted) {
    const runs = await read();
    let changed = false;
    for (const run of runs) {
      const print = fingerprint(run);
      if (seen.get(run.id) === print) continue;
      seen.set(run.id, print);
      changed = true;
      yield toRunShape(run);
    }
    if (finished(runs)) return;
    wait = changed ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, wait * 2);
    await sleep(wait, signal);
  }
}

/** An async iterable of runs that can be stopped with `unsubscribe()` (or its `signal`). */
export class RunSubscription<T = RunShape> implements AsyncIterable<T> {
  private readonly stop = new AbortController();

  constructor(
    private readonly source: (signal: AbortSignal) => AsyncIterable<T>,
    signal?: AbortSignal,
  ) {
    signal?.addEventListener("abort", () => this.stop.abort(), { once: true });
  }

  unsubscribe(): void {
    this.stop.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.source(this.stop.signal)[Symbol.asyncIterator]();
  }
}

/** Stream keys of a run, as the webapp's realtime feed lists them (none without a webapp). */
async function streamKeys(runId: string): Promise<string[]> {
  if (!configuredWebapp()) return [];
  const messages = await callApi<Array<{ value?: { realtimeStreams?: string[] } }>>(
    "GET",
    `/realtime/v1/runs/${encodeURIComponent(runId)}?offset=-1`,
    undefined,
    {
      what: "runs.subscribeToRun().withStreams",
    },
  );
  return messages.flatMap((message) => message.value?.realtimeStreams ?? []);
}

export class RunSubscriptionWithStreams extends RunSubscription {
  constructor(
    private readonly runId: string,
    private readonly options: SubscribeToRunOptions,
  ) {
    super((signal) => runChanges(runId, options, signal), options.signal);
  }

  /** The run's updates and the chunks of its realtime streams, as they come. */
  withStreams<TStreams extends Record<string, unknown> = Record<string, unknown>>(): AsyncIterable<
    RunStreamPart<TStreams>
  > & { unsubscribe(): void } {
    const runId = this.runId;
    const options = this.options;
    return new RunSubscription<RunStreamPart<TStreams>>(async function* (signal) {
      const queue: RunStreamPart<TStreams>[] = [];
      let wake: (() => void) | undefined;
      const push = (part: RunStreamPart<TStreams>) => {
        queue.push(part);
        wake?.();
      };
      const opened = new Set<string>();
      let latest: RunShape | undefined;
      let runsDone = false;
      let failure: unknown;
      const readers: Promise<void>[] = [];
      const openStreams = async () => {
        for (const key of await streamKeys(runId)) {
          if (opened.has(key)) continue;
          opened.add(key);
          readers.push(
            (async () => {
              for await (const chunk of await streams.read(runId, key, { signal }))
                push({ type: key, chunk, run: latest! } as RunStreamPart<TStreams>);
            })().catch((error) => {
              if (!signal.aborted) failure = error;
            }),
          );
        }
      };
      void (async () => {
        try {
          for await (const run of runChanges(runId, options, signal)) {
            latest = run;
            push({ type: "run", run });
            await openStreams();
          }
          await openStreams();
          await Promise.all(readers);
        } catch (error) {
          failure = error;
        } finally {
          runsDone = true;
          wake?.();
        }
      })();
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        if (failure) throw failure;
        if (runsDone || signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }, options.signal);
  }
}

function runChanges(runId: string, options: SubscribeToRunOptions, signal: AbortSignal): AsyncIterable<RunShape> {
  const client = requireClientRuntime("runs.subscribeToRun");
  const stopOnCompletion = options.stopOnCompletion ?? true;
  return changes(
    async () => [await client.retrieveRun(runId)],
    (runs) => stopOnCompletion && toRunShape(runs[0]!).isCompleted,
    signal,
  );
}

function listChanges(api: string, filter: ListRunsFilter, signal: AbortSignal): AsyncIterable<RunShape> {
  const client = requireClientRuntime(api);
  return changes(
    async () => {
      const runs: RunRecord[] = [];
      let after: string | undefined;
      do {
        const page = await client.listRuns({ ...filter, limit: 100, after });
        runs.push(...page.data);
        after = page.nextCursor;
      } while (after && runs.length < 1_000);
      return runs;
    },
    () => false,
    signal,
  );
}

export const subscriptions = {
  subscribeToRun: (run: string | { id: string }, options: SubscribeToRunOptions = {}) =>
    new RunSubscriptionWithStreams(typeof run === "string" ? run : run.id, options),
  subscribeToRunsWithTag: (
    tag: string | string[],
    options: { createdAt?: string; skipColumns?: string[]; signal?: AbortSignal } = {},
  ) =>
    new RunSubscription(
      (signal) =>
        listChanges(
          "runs.subscribeToRunsWithTag",
          { tag, from: options.createdAt ? sinceDate(options.createdAt) : undefined },
          signal,
        ),
      options.signal,
    ),
  subscribeToBatch: (batchId: string, options: { skipColumns?: string[]; signal?: AbortSignal } = {}) =>
    new RunSubscription((signal) => listChanges("runs.subscribeToBatch", { batch: batchId }, signal), options.signal),
};

/** "1h", "7d", "30m" before now. */
function sinceDate(period: string): Date {
  const match = /^(\d+)([smhdw])$/.exec(period);
  if (!match) throw new TypeError(`createdAt: expected a period like "1h" or "7d", got "${period}"`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as "s"];
  return new Date(Date.now() - Number(match[1]) * unit);
}

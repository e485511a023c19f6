/** runs.*: retrieve, list, cancel, replay, reschedule, poll, realtime subscriptions and streams. */
import { requireClientRuntime } from "./runtime/globals.js";
import type { ListRunsFilter } from "./runtime/types.js";
import { resolveDate } from "./core/duration.js";
import { toRunShape, type RetrieveRunResult, type RunShape } from "./run-shape.js";
import { subscriptions } from "./run-subscriptions.js";
import { streams } from "./streams.js";
import { unsupported } from "./unsupported.js";
import { paginate } from "./paginate.js";

export type {
  RunShape,
  AnyRunShape,
  RetrieveRunResult,
  AnyRetrieveRunResult,
  TaskRunShape,
  RealtimeRun,
  AnyRealtimeRun,
} from "./run-shape.js";

function runId(run: string | { id: string }): string {
  const id = typeof run === "string" ? run : run?.id;
  if (typeof id !== "string" || !id.startsWith("run_"))
    throw new TypeError(`runId: expected a run id ("run_…") or handle, got ${JSON.stringify(run)}`);
  return id;
}

export const runs = {
  retrieve: async <T = any>(run: string | { id: string }): Promise<RetrieveRunResult<T>> =>
    toRunShape(await requireClientRuntime("runs.retrieve").retrieveRun(runId(run))) as RetrieveRunResult<T>,
  /** A page of runs (newest first); `for await (const run of runs.list(…))` goes through every page. */
  list: (filter: ListRunsFilter = {}) =>
    paginate<RunShape, string>(async (after) => {
      const page = await requireClientRuntime("runs.list").listRuns({ ...filter, after: after ?? filter.after });
      return { data: page.data.map((record) => toRunShape(record)), next: page.nextCursor };
    }),
  cancel: (run: string | { id: string }) => requireClientRuntime("runs.cancel").cancelRun(runId(run)),
  replay: (run: string | { id: string }) => requireClientRuntime("runs.replay").replayRun(runId(run)),
  reschedule: async (run: string | { id: string }, options: { delay: string | Date }) => {
    const delay = options?.delay instanceof Date ? options.delay.toISOString() : options?.delay;
    if (typeof delay !== "string") throw new TypeError('runs.reschedule: delay must be a duration like "1h" or a Date');
    resolveDate(delay, "delay");
    return toRunShape(await requireClientRuntime("runs.reschedule").rescheduleRun(runId(run), delay));
  },
  poll: async <T = any>(
    run: string | { id: string },
    options: { pollIntervalMs?: number } = {},
  ): Promise<RetrieveRunResult<T>> => {
    for (let i = 0; i < 500; i++) {
      const shape = await runs.retrieve<T>(run);
      if (shape.isCompleted) return shape;
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1_000));
    }
    throw new Error(`runs.poll: run ${runId(run)} did not complete after 500 polls`);
  },
  ...subscriptions,
  /** A run's realtime stream (as `streams.read`). */
  fetchStream: <T = unknown>(
    run: string,
    key: string,
    options?: { signal?: AbortSignal; timeoutInSeconds?: number; startIndex?: number },
  ) => streams.read<T>(run, key, options),
  /** Bulk actions over filtered runs (cancel or replay many) are not supported by Stint yet. */
  bulk: {
    create: async (..._args: unknown[]): Promise<never> => unsupported("runs.bulk.create"),
    retrieve: async (..._args: unknown[]): Promise<never> => unsupported("runs.bulk.retrieve"),
  },
};

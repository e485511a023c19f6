/** runs.*: retrieve, list, cancel, replay, reschedule, poll. */
import { requireClientRuntime } from "./runtime/globals.js";
import type { ListRunsFilter, RunRecord, RunStatus } from "./runtime/types.js";
import { resolveDate } from "./core/duration.js";

const COMPLETED: RunStatus[] = ["COMPLETED", "CANCELED", "FAILED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"];

export interface RunShape<TOutput = any> extends Omit<RunRecord, "createdAt" | "updatedAt" | "startedAt" | "finishedAt" | "delayedUntil" | "output"> {
  output?: TOutput;
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  delayedUntil?: Date;
  isQueued: boolean;
  isExecuting: boolean;
  isWaiting: boolean;
  isCompleted: boolean;
  isSuccess: boolean;
  isFailed: boolean;
  isCancelled: boolean;
}
export type AnyRunShape = RunShape<any>;
export type RetrieveRunResult<T = any> = RunShape<T extends { __output?: infer O } ? O : T>;
export type AnyRetrieveRunResult = RetrieveRunResult<any>;
export type TaskRunShape<T = any> = RunShape<T>;
export type RealtimeRun<T = any> = RunShape<T>;
export type AnyRealtimeRun = RealtimeRun<any>;

const date = (value?: string) => (value ? new Date(value) : undefined);

export function toRunShape<T>(record: RunRecord): RunShape<T> {
  return {
    ...record,
    output: record.output as T,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    startedAt: date(record.startedAt),
    finishedAt: date(record.finishedAt),
    delayedUntil: date(record.delayedUntil),
    isQueued: record.status === "QUEUED" || record.status === "DELAYED" || record.status === "PENDING_VERSION",
    isExecuting: record.status === "EXECUTING" || record.status === "DEQUEUED",
    isWaiting: record.status === "WAITING",
    isCompleted: COMPLETED.includes(record.status),
    isSuccess: record.status === "COMPLETED",
    isFailed: ["FAILED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"].includes(record.status),
    isCancelled: record.status === "CANCELED",
  };
}

function runId(run: string | { id: string }): string {
  const id = typeof run === "string" ? run : run?.id;
  if (typeof id !== "string" || !id.startsWith("run_")) throw new TypeError(`runId: expected a run id ("run_…") or handle, got ${JSON.stringify(run)}`);
  return id;
}

/** A page of runs that can also be iterated across pages with `for await`. */
export class RunsPage implements AsyncIterable<RunShape> {
  constructor(
    readonly data: RunShape[],
    private readonly filter: ListRunsFilter,
    private readonly nextCursor?: string,
  ) {}
  hasNextPage(): boolean {
    return this.nextCursor !== undefined;
  }
  async getNextPage(): Promise<RunsPage> {
    return listPage({ ...this.filter, after: this.nextCursor });
  }
  async *[Symbol.asyncIterator](): AsyncIterator<RunShape> {
    let page: RunsPage = this;
    for (;;) {
      yield* page.data;
      if (!page.hasNextPage()) return;
      page = await page.getNextPage();
    }
  }
}

async function listPage(filter: ListRunsFilter): Promise<RunsPage> {
  const page = await requireClientRuntime("runs.list").listRuns(filter);
  return new RunsPage(page.data.map((r) => toRunShape(r)), filter, page.nextCursor);
}

export const runs = {
  retrieve: async <T = any>(run: string | { id: string }): Promise<RetrieveRunResult<T>> =>
    toRunShape(await requireClientRuntime("runs.retrieve").retrieveRun(runId(run))) as RetrieveRunResult<T>,
  list: (filter: ListRunsFilter = {}): Promise<RunsPage> & AsyncIterable<RunShape> => {
    const promise = listPage(filter);
    return Object.assign(promise, {
      async *[Symbol.asyncIterator]() {
        yield* await promise;
      },
    });
  },
  cancel: (run: string | { id: string }) => requireClientRuntime("runs.cancel").cancelRun(runId(run)),
  replay: (run: string | { id: string }) => requireClientRuntime("runs.replay").replayRun(runId(run)),
  reschedule: async (run: string | { id: string }, options: { delay: string | Date }) => {
    const delay = options?.delay instanceof Date ? options.delay.toISOString() : options?.delay;
    if (typeof delay !== "string") throw new TypeError('runs.reschedule: delay must be a duration like "1h" or a Date');
    resolveDate(delay, "delay");
    return toRunShape(await requireClientRuntime("runs.reschedule").rescheduleRun(runId(run), delay));
  },
  poll: async <T = any>(run: string | { id: string }, options: { pollIntervalMs?: number } = {}): Promise<RetrieveRunResult<T>> => {
    for (let i = 0; i < 500; i++) {
      const shape = await runs.retrieve<T>(run);
      if (shape.isCompleted) return shape;
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1_000));
    }
    throw new Error(`runs.poll: run ${runId(run)} did not complete after 500 polls`);
  },
};
